/**
 * An experiment: the transparency tree's share of a full rebuild, on a kept
 * bench database (`npm run bench -- --scenario rebuild --keep` prints
 * BENCH_BACKEND and BENCH_CONFIG). Rebuilds, in turns (the machine is noisy),
 * every read model, then every read model but the tree; the difference is
 * what the tree adds to a rebuild.
 *
 *   BENCH_BACKEND=… BENCH_CONFIG='…' npx tsx bench/transparency/rebuild-share.ts [ROUNDS=2]
 */
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { TRANSPARENCY_PROJECTION } from '../../src/transparency/projection.js';
import { createBenchDatabaseFrom } from '../support/reopen.js';

const rounds = Number(process.argv[2] ?? 2);
const bench = createBenchDatabaseFrom(process.env.BENCH_BACKEND!, process.env.BENCH_CONFIG!);
const app = await bench.open({ project: false });
const names = app.projections.map((projection) => projection.name);
const timed = async (chosen: string[]) => {
  const started = performance.now();
  const result = await rebuildProjections({ store: app.store, db: app.projectionDb, dialect: app.readStore.dialect, projections: app.projections, names: chosen, writeLock: app.writeLock });
  return { seconds: (performance.now() - started) / 1000, events: result.events };
};
const all: number[] = [];
const withoutTree: number[] = [];
let events = 0;
try {
  for (let round = 0; round < rounds; round++) {
    const full = await timed(names);
    events = full.events;
    all.push(full.seconds);
    withoutTree.push((await timed(names.filter((name) => name !== TRANSPARENCY_PROJECTION))).seconds);
  }
  await timed([TRANSPARENCY_PROJECTION]); // leave the tree rebuilt too
} finally {
  await app.close();
}
const best = (values: number[]) => Math.min(...values);
process.stdout.write(
  `${JSON.stringify({ backend: process.env.BENCH_BACKEND, events, allSeconds: all, withoutTreeSeconds: withoutTree, treeShareOfRebuild: (best(all) - best(withoutTree)) / best(all) })}\n`,
);
