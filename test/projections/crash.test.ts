import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { readPositions } from '../../src/projections/positions.js';
import type { SqlDialect } from '../../src/projections/projection.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { type Backend, openBackend, postgresAvailable } from './fixtures/backends.js';
import { crashProjections, snapshot, testEvent } from './fixtures/projections.js';
import { CrashChildren } from '../support/crash-children.js';

const KILLS = 12;
const TIMEOUT_MS = 180_000;

// Each kill needs a fresh process: bundled once (test/support/crash-children.ts).
const children = new CrashChildren(new URL('./fixtures/crash-child.ts', import.meta.url), 'crash-child');
beforeAll(() => children.build());

const backends: [SqlDialect, boolean][] = [
  ['sqlite', true],
  ['postgres', await postgresAvailable()],
];

const silent = { info() {}, warn() {}, error() {} };

/** Starts crash-child.ts and resolves once it projects; rejects if it exits first. */
const startChild = (backend: Backend, stderr: string[]) =>
  children.start({ STORE_URL: backend.url, STORE_SCHEMA: backend.schema ?? '', BATCH_SIZE: String(randomInt(1, 120)) }, stderr);

describe.each(backends)('projection runner killed with SIGKILL on %s', (dialect, available) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await children.killAll();
    await backend?.close();
  });

  it.skipIf(!available)(`after ${KILLS} kills while events are appended, the read models equal a fresh rebuild`, async () => {
    backend = await openBackend(dialect);
    const { store } = backend;
    const append = async (round: number) => {
      const events = Array.from({ length: randomInt(1, 12) }, (_, i) => testEvent(['Tick', 'Tock', 'Tack'][(round + i) % 3], { round, i }));
      await store.append(`crash-${round % 11}`, events);
    };
    for (let round = 0; round < 100; round++) await append(round); // a backlog to catch up on

    let appending = true;
    const appender = (async () => {
      for (let round = 100; appending; round++) {
        await append(round);
        await sleep(randomInt(1, 10));
      }
    })();

    const stderr: string[] = [];
    const progress: bigint[] = [];
    // A standby process is always starting, as a second server would: once the
    // projecting one is killed it takes the locks over (or gets them at start).
    let current = await startChild(backend, stderr);
    let standby = startChild(backend, stderr);
    standby.catch(() => {}); // awaited below; an early failure must not go unhandled meanwhile
    try {
      for (let kills = 0; kills < KILLS; kills++) {
        await sleep(randomInt(150, 450)); // the standby takes over within ~100 ms
        await children.kill(current);
        progress.push((await readPositions(backend.read.db, ['alpha'])).get('alpha')?.position ?? 0n);
        current = await standby;
        standby = kills + 1 < KILLS ? startChild(backend, stderr) : Promise.resolve(current);
        standby.catch(() => {});
      }
      await children.kill(current);
    } finally {
      appending = false;
      await appender;
    }
    expect(progress.at(-1)).toBeGreaterThan(0n);

    const head = await store.headPosition();
    const survivor = new ProjectionRunner({
      store,
      db: backend.read.db,
      dialect,
      writeLock: backend.writeLock,
      projections: crashProjections(),
      logger: silent,
      lockCheckMs: 100,
    });
    await survivor.start();
    await survivor.waitFor(head, 30_000);
    await survivor.stop();
    const live = [await snapshot(backend.read.db, 'alpha'), await snapshot(backend.read.db, 'beta')];

    let total = 0;
    for (let after = 0n; ; ) {
      const page = await store.readAll({ after, limit: 5_000 });
      if (page.length === 0) break;
      total += page.length;
      after = page[page.length - 1].position;
    }
    expect(live[0].positions).toHaveLength(total);
    expect(Object.values(live[0].counts).reduce((a, b) => a + b, 0)).toBe(total);

    await rebuildProjections({ store, db: backend.read.db, dialect, writeLock: backend.writeLock, projections: crashProjections() });
    expect([await snapshot(backend.read.db, 'alpha'), await snapshot(backend.read.db, 'beta')]).toEqual(live);
    expect(stderr.join('')).not.toMatch(/cannot apply/);
  }, TIMEOUT_MS);
});
