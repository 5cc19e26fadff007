/**
 * The tree's process killed with SIGKILL again and again while events are
 * appended: after a restart the tree (every tile, every leaf's position, the
 * head) equals a rebuild from the log, and its root equals the root
 * recomputed from the events alone.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SqlDialect } from '../../src/projections/projection.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { checkLogExtends } from '../../src/transparency/audit.js';
import { createTransparencyProjection } from '../../src/transparency/projection.js';
import { readTreeHead, treeFingerprint } from '../../src/transparency/tree-store.js';
import { type Backend, openBackend, postgresAvailable } from '../projections/fixtures/backends.js';
import { appendEvents, projectTree } from './support/history.js';
import { CrashChildren } from '../support/crash-children.js';

const KILLS = 8;
// Each kill needs a fresh process: bundled once (test/support/crash-children.ts).
const children = new CrashChildren(new URL('./support/tree-child.ts', import.meta.url), 'tree-child');
beforeAll(() => children.build());

const backends: [SqlDialect, boolean][] = [
  ['sqlite', true],
  ['postgres', await postgresAvailable()],
];

const startChild = (backend: Backend) =>
  children.start({ STORE_URL: backend.url, STORE_SCHEMA: backend.schema ?? '', BATCH_SIZE: String(randomInt(1, 300)) });

describe.each(backends)('tree kept by a process killed with SIGKILL on %s', (dialect, available) => {
  let backend: Backend | undefined;
  afterEach(async () => {
    await children.killAll();
    await backend?.close();
  });

  it.skipIf(!available)(`after ${KILLS} kills while events are appended, the tree equals a rebuild`, async () => {
    backend = await openBackend(dialect);
    await appendEvents(backend, 700, 'backlog');
    let appending = true;
    const appender = (async () => {
      for (let round = 0; appending; round++) {
        await appendEvents(backend!, randomInt(1, 40), `live${round}`);
        await sleep(randomInt(1, 8));
      }
    })();
    const sizes: number[] = [];
    const behind: boolean[] = [];
    try {
      for (let kills = 0; kills < KILLS; kills++) {
        const child = await startChild(backend);
        await sleep(randomInt(80, 400));
        const headAtKill = await backend.store.headPosition();
        await children.kill(child);
        const size = (await readTreeHead(backend.read.db))?.size ?? 0;
        sizes.push(size);
        behind.push(size < Number(headAtKill));
      }
    } finally {
      appending = false;
      await appender;
    }
    expect(sizes.at(-1)).toBeGreaterThan(0);
    expect(behind.some(Boolean)).toBe(true); // killed while the tree was advancing

    await projectTree(backend); // the restart: it catches up from where the last kill left it
    const live = await treeFingerprint(backend.read.db);
    const head = (await readTreeHead(backend.read.db))!;
    expect(head.size).toBe(Number(await backend.store.headPosition()));
    await rebuildProjections({ store: backend.store, db: backend.read.db, dialect, writeLock: backend.writeLock, projections: [createTransparencyProjection()] });
    expect(await treeFingerprint(backend.read.db)).toBe(live);
    // And the root is the one the events themselves make.
    const report = await checkLogExtends(backend.store, [{ origin: 'x', size: head.size, root: head.root }]);
    expect(report.ok).toBe(true);
  }, 180_000);
});
