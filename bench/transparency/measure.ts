/**
 * The transparency log's figures (docs/benchmarks.md, "Transparency log"), on a
 * fresh SQLite file or PostgreSQL schema:
 *   npx tsx bench/transparency/measure.ts [EVENTS=1000000] [sqlite|postgres]
 * 1. bulk append of EVENTS events (store.append, 1,000 per call, one stream each);
 * 2. reading the whole log as a rebuild does (readAll, 2,000 per batch);
 * 3. rebuilding the tree alone from the log (the tree's own cost: 3 minus 2);
 * 4. live: 50,000 more events appended 500 at a time, then the runner keeping
 *    the tree over them in batches of 500 (its cost against their append);
 * 5. inclusion and consistency proof generation at the full size (p50, p99);
 * 6. checkpoint signing: Ed25519 alone, and signed and kept in the read store.
 * Steps 2 and 3 run in turns, three times (the machine is noisy); the best of each counts.
 * BENCH_FILE=path (SQLite) keeps the log there and, when it exists, reuses it
 * (no bulk append then; the live events of earlier runs are part of it).
 * Prints one JSON object. Not a test: nothing here asserts.
 */
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { createEventStore } from '../../src/eventstore/factory.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import type { EventStore, NewEvent } from '../../src/eventstore/types.js';
import { openReadDatabase } from '../../src/projections/database.js';
import { savePosition } from '../../src/projections/positions.js';
import { migrateProjections } from '../../src/projections/migrate.js';
import type { Projection } from '../../src/projections/projection.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { ProjectionRunner } from '../../src/projections/runner.js';
import { noWriteLock, type WriteLock } from '../../src/projections/transaction.js';
import { TransparencyLog } from '../../src/transparency/log.js';
import { generateSignerKey, parseSignerKey } from '../../src/transparency/note.js';
import { createTransparencyProjection } from '../../src/transparency/projection.js';

const EVENTS = Number(process.argv[2] ?? 1_000_000);
const BACKEND = process.argv[3] ?? 'sqlite';
const LIVE = 50_000;
const silent = pino({ level: 'silent' });

function event(i: number): NewEvent {
  return {
    id: randomUUID(),
    type: 'TrainingCompleted',
    data: { servantId: randomUUID(), standardCode: 'EC0217', hours: 40 + (i % 7), provider: 'Ayuntamiento de Tijuana', occurredAt: new Date(1_500_000_000_000 + i * 1000).toISOString() },
    metadata: { occurredAt: new Date().toISOString(), actor: 'bench', commandId: null, correlationId: null, causationId: null, schemaVersion: 1 },
  };
}

async function appendMany(store: EventStore, count: number, perCall: number): Promise<number> {
  const started = performance.now();
  for (let done = 0; done < count; done += perCall) {
    await store.append(`bench-${randomUUID()}`, Array.from({ length: Math.min(perCall, count - done) }, (_, i) => event(done + i)), { expectedVersion: 'no_stream' });
  }
  return (performance.now() - started) / 1000;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor(values.length * p))];

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'acredita-tlog-bench-'));
  const schema = `acredita_bench_${randomUUID().slice(0, 8)}`;
  const kept = BACKEND === 'sqlite' ? process.env.BENCH_FILE : undefined;
  const reuse = kept !== undefined && existsSync(kept);
  const url = BACKEND === 'sqlite' ? `sqlite:${kept ?? join(dir, 'bench.sqlite')}` : (process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test');
  const store = await createEventStore(url, { schema });
  const read = await openReadDatabase(url, { schema });
  const writeLock: WriteLock | undefined = store instanceof SqliteEventStore ? (fn) => store.withWriteLock(fn) : undefined;
  const tree = [createTransparencyProjection()];
  const figures: Record<string, unknown> = { backend: BACKEND, events: EVENTS, at: new Date().toISOString() };
  try {
    const appendSeconds = reuse ? Number.NaN : await appendMany(store, EVENTS, 1_000);
    figures.bulkAppend = reuse ? 'reused BENCH_FILE' : { seconds: appendSeconds, eventsPerSecond: Math.round(EVENTS / appendSeconds) };
    figures.events = Number(await store.headPosition());

    const reads: number[] = [];
    const rebuilds: number[] = [];
    let started = 0;
    for (let round = 0; round < 3; round++) {
      started = performance.now();
      for (let after = 0n; ; ) {
        const batch = await store.readAll({ after, limit: 2_000 });
        if (batch.length === 0) break;
        after = batch[batch.length - 1].position;
      }
      reads.push((performance.now() - started) / 1000);
      started = performance.now();
      await rebuildProjections({ store, db: read.db, dialect: read.dialect, projections: tree, writeLock });
      rebuilds.push((performance.now() - started) / 1000);
    }
    const readSeconds = Math.min(...reads);
    const rebuildSeconds = Math.min(...rebuilds);
    const treeOnly = rebuildSeconds - readSeconds;
    figures.treeRebuild = { seconds: rebuilds, readingTheLogSeconds: reads, treeOnlySeconds: treeOnly, treeShareOfBulkAppend: treeOnly / appendSeconds, treeMicrosecondsPerEvent: (treeOnly * 1e6) / Number(figures.events) };

    // A projection that writes nothing, from the same position: what any read model pays to follow the log.
    const noop: Projection = { name: 'noop', version: 1, reads: 'every event', tables: [], migrate: async () => {}, apply: async () => {} };
    await migrateProjections(read.db, read.dialect, [noop], writeLock ?? noWriteLock);
    await savePosition(read.db, 'noop', await store.headPosition(), null);
    const liveAppend = await appendMany(store, LIVE, 500);
    const follow = async (projections: Projection[]) => {
      const runner = new ProjectionRunner({ store, db: read.db, dialect: read.dialect, projections, writeLock, logger: silent, batchSize: 500 });
      const t = performance.now();
      await runner.start();
      await runner.waitFor(await store.headPosition(), 600_000);
      const seconds = (performance.now() - t) / 1000;
      await runner.stop();
      return seconds;
    };
    const followSeconds = await follow([noop]);
    const liveTree = await follow(tree);
    figures.live = {
      events: LIVE,
      appendSeconds: liveAppend,
      treeSeconds: liveTree,
      followingTheLogSeconds: followSeconds,
      treeOnlySeconds: liveTree - followSeconds,
      treeShareOfAppend: (liveTree - followSeconds) / liveAppend,
    };

    const log = new TransparencyLog({ store, db: read.db, writeLock, signer: parseSignerKey(generateSignerKey('bench.example/log')), origin: 'bench.example/log' });
    const checkpoint = await log.signCheckpoint();
    const positions = await log.positions(0, 1); // warm
    void positions;
    const inclusion: number[] = [];
    for (let i = 0; i < 1_000; i++) {
      const leaf = Math.floor(Math.random() * checkpoint.size);
      const [position] = await log.positions(leaf, leaf + 1);
      const t = performance.now();
      await log.inclusionProof(position);
      inclusion.push(performance.now() - t);
    }
    const consistency: number[] = [];
    for (let i = 0; i < 300; i++) {
      const from = 1 + Math.floor(Math.random() * (checkpoint.size - 1));
      const t = performance.now();
      await log.consistencyProof(from);
      consistency.push(performance.now() - t);
    }
    figures.proofs = {
      treeSize: checkpoint.size,
      inclusionMs: { p50: percentile(inclusion, 0.5), p99: percentile(inclusion, 0.99) },
      consistencyMs: { p50: percentile(consistency, 0.5), p99: percentile(consistency, 0.99) },
    };

    const signer = parseSignerKey(generateSignerKey('bench.example/log'));
    started = performance.now();
    for (let i = 0; i < 5_000; i++) signer.sign(`bench.example/log\n${i}\n${'A'.repeat(43)}=\n`);
    const pure = 5_000 / ((performance.now() - started) / 1000);
    started = performance.now();
    const kept = 300;
    for (let i = 0; i < kept; i++) await log.signAt(checkpoint.size - 1 - i);
    figures.signing = { ed25519PerSecond: Math.round(pure), signedAndKeptPerSecond: Math.round(kept / ((performance.now() - started) / 1000)) };
  } finally {
    await read.close();
    await store.close();
    if (BACKEND === 'postgres') {
      const pg = (await import('pg')).default;
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
    await rm(dir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`);
}

await main();
