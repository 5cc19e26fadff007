/**
 * An experiment, not a scenario: how fast would a rebuild be if writing the
 * read-model rows cost nothing? Rebuilds every read model of a kept bench
 * database (`npm run bench -- --keep` prints BENCH_BACKEND and BENCH_CONFIG)
 * and then reads and JSON-decodes the same log as the rebuild scenario's
 * baseline. With `--without-writes`, every INSERT and UPDATE into a read-model
 * table or a checkpoint is dropped before it reaches the database (SQLite: at
 * prepare, PostgreSQL: at query), and so the reset empties the tables and
 * nothing refills them: what is left is reading the log, loading the rows a
 * batch touches (none are found), folding, opening personal data and
 * statistics. The run leaves the read models empty; rebuild again without
 * the flag. Run the two modes in turns: the machine is noisy.
 *
 *   BENCH_BACKEND=… BENCH_CONFIG='…' NODE_ENV=production npx tsx bench/experiments/rebuild-without-writes.ts [--without-writes]
 *
 * Prints one JSON line: seconds, the baseline's seconds, and the rebuild in
 * baseline units (docs/benchmarks.md, "What still misses").
 */
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import pg from 'pg';
import { peakRssMb } from '../support/measure.js';
import { openRawSql } from '../support/raw-sql.js';
import { createBenchDatabaseFrom } from '../support/reopen.js';
import { timedRebuild } from '../support/timed-rebuild.js';

const { values } = parseArgs({ options: { 'without-writes': { type: 'boolean', default: false } } });
const withoutWrites = values['without-writes'];
const READ_MODEL_WRITE = /^\s*(insert|update)\b[\s\S]*\b(rm_\w+|projection_checkpoints)\b/i;
let dropped = 0;

if (withoutWrites) {
  const sqlitePrepare = Database.prototype.prepare;
  Database.prototype.prepare = function (this: Database.Database, source: string) {
    const statement = sqlitePrepare.call(this, source);
    if (!READ_MODEL_WRITE.test(source)) return statement;
    const nothing = () => (dropped++, { changes: 0, lastInsertRowid: 0 });
    // Kysely calls all() for a statement that returns rows and run() for the rest.
    return Object.assign(Object.create(statement), { all: () => (dropped++, []), run: nothing });
  } as typeof sqlitePrepare;
  const pgQuery = pg.Client.prototype.query;
  pg.Client.prototype.query = function (this: pg.Client, text: unknown, ...rest: unknown[]) {
    if (typeof text === 'string' && READ_MODEL_WRITE.test(text)) {
      dropped++;
      return Promise.resolve({ rows: [], rowCount: 0, command: 'INSERT', fields: [] });
    }
    return (pgQuery as (...args: unknown[]) => unknown).call(this, text, ...rest);
  } as typeof pgQuery;
}

const bench = createBenchDatabaseFrom(process.env.BENCH_BACKEND!, process.env.BENCH_CONFIG!);
const app = await bench.open({ project: false });
const { result, seconds: rebuildSeconds } = await timedRebuild(app);
await app.close();

const raw = await openRawSql(bench);
const started = performance.now();
await raw.scanDecoded(2_000);
const scanSeconds = (performance.now() - started) / 1000;
await raw.close();

process.stdout.write(
  `${JSON.stringify({
    withoutWrites,
    events: result.events,
    droppedStatements: dropped,
    rebuildSeconds: Number(rebuildSeconds.toFixed(2)),
    scanSeconds: Number(scanSeconds.toFixed(2)),
    baselineUnits: Number((rebuildSeconds / scanSeconds).toFixed(2)),
    peakRssMb: Math.round(peakRssMb()),
  })}\n`,
);
