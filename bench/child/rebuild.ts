/**
 * Child process of the rebuild scenario, so its peak RSS is the rebuild's own:
 * rebuilds every read model, then reads and JSON-decodes the same log as the
 * baseline, then times the database writing the rebuilt rows again by SQL alone
 * (a floor for any rebuild, rolled back). Input: BENCH_CONFIG (serialized ApplicationConfig), BENCH_BACKEND.
 * Output: one JSON line on stdout.
 */
import { createBenchDatabaseFrom } from '../support/reopen.js';
import { peakRssMb } from '../support/measure.js';
import { openRawSql } from '../support/raw-sql.js';
import { timedRebuild } from '../support/timed-rebuild.js';

const bench = createBenchDatabaseFrom(process.env.BENCH_BACKEND!, process.env.BENCH_CONFIG!);
const batchSize = process.env.BENCH_REBUILD_BATCH ? Number(process.env.BENCH_REBUILD_BATCH) : undefined;
const app = await bench.open({ project: false });
const rssBefore = process.memoryUsage().rss / 2 ** 20;
const { result, seconds: rebuildSeconds } = await timedRebuild(app, batchSize);
const peakRss = peakRssMb();
await app.close();

const raw = await openRawSql(bench);
let started = performance.now();
const scanned = await raw.scanDecoded(batchSize ?? 2_000);
const scanSeconds = (performance.now() - started) / 1000;
started = performance.now();
const rewrittenRows = await raw.rewriteReadModels();
const rewriteSeconds = (performance.now() - started) / 1000;
await raw.close();

process.stdout.write(
  `${JSON.stringify({ events: result.events, rebuildSeconds, peakRssMb: peakRss, rssBeforeMb: rssBefore, scanned, scanSeconds, rewrittenRows, rewriteSeconds })}\n`,
);
