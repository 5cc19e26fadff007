/**
 * An experiment, not a scenario: where a rebuild's time goes, projection by
 * projection. Rebuilds every read model of a kept bench database (`npm run
 * bench -- --keep` prints BENCH_BACKEND and BENCH_CONFIG) with each apply and
 * finish timed (wall clock; on PostgreSQL the projections overlap, so read the
 * SQLite figures), and prints one JSON line: seconds per projection, the
 * rebuild's seconds, and what is left (reading the log, upcasting, the swap).
 *
 *   BENCH_BACKEND=… BENCH_CONFIG='…' NODE_ENV=production npx tsx bench/experiments/rebuild-per-projection.ts
 */
import type { Projection } from '../../src/projections/projection.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { createBenchDatabaseFrom } from '../support/reopen.js';

const bench = createBenchDatabaseFrom(process.env.BENCH_BACKEND!, process.env.BENCH_CONFIG!);
const app = await bench.open({ project: false });
const spent = new Map<string, number>();
const timed = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
  const started = performance.now();
  try {
    return await work();
  } finally {
    spent.set(name, (spent.get(name) ?? 0) + (performance.now() - started) / 1000);
  }
};
const projections: Projection[] = app.projections.map((projection) => ({
  ...projection,
  apply: (trx, events) => timed(projection.name, () => projection.apply(trx, events)),
  ...(projection.rebuildFold && {
    rebuildFold(trx) {
      const fold = projection.rebuildFold!(trx);
      return { apply: (batchTrx, events) => timed(projection.name, () => fold.apply(batchTrx, events)), finish: () => timed(`${projection.name} finish`, () => fold.finish()) };
    },
  }),
}));
const started = performance.now();
const batchSize = process.env.BENCH_REBUILD_BATCH ? Number(process.env.BENCH_REBUILD_BATCH) : undefined;
const result = await rebuildProjections({ store: app.store, db: app.projectionDb, dialect: app.readStore.dialect, projections, writeLock: app.writeLock, batchSize });
const seconds = (performance.now() - started) / 1000;
await app.close();
const perProjection = Object.fromEntries([...spent].map(([name, s]) => [name, Math.round(s * 1000) / 1000]));
const inProjections = [...spent.values()].reduce((a, b) => a + b, 0);
process.stdout.write(`${JSON.stringify({ events: result.events, seconds, perProjection, elsewhere: seconds - inProjections })}\n`);
