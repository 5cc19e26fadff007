/**
 * An experiment, not a scenario: what rebuilding the read models in two
 * processes at once would gain on this machine, before building it. On a
 * kept SQLite bench database (`npm run bench -- --keep`), in turns:
 *   - one process rebuilds every read model (today's rebuild);
 *   - each half of the read models alone, one after the other (what the
 *     split leaves of the work, without two processes sharing the cores);
 *   - two processes at once, each on its own copy of the file, rebuild half
 *     of the read models each (the split `GROUPS` below, balanced by the
 *     per-projection times of rebuild-per-projection.ts);
 *   - the second half's tables are copied into the first copy in one
 *     transaction by `INSERT … SELECT` from the attached file, which a
 *     parallel rebuild would add before its swap.
 * Prints one JSON line per turn: seconds of each, and the parallel estimate
 * (the slower half plus the copy) over today's.
 *
 *   BENCH_BACKEND=sqlite BENCH_CONFIG='…' NODE_ENV=production npx tsx bench/experiments/rebuild-in-parallel.ts [--turns 3]
 */
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { runChild } from '../support/child.js';
import { createBenchDatabaseFrom } from '../support/reopen.js';

const GROUPS = [
  ['certifications', 'statistics'],
  ['standards', 'servants', 'evaluators', 'certificates', 'goals', 'credential_status', 'transparency'],
] as const;

const [backend, serialized] = [process.env.BENCH_BACKEND!, process.env.BENCH_CONFIG!];

if (process.argv[2] === '--child') {
  // BENCH_CONFIG here points at this child's own copy.
  const names = process.argv[3] ? process.argv[3].split(',') : undefined;
  const app = await createBenchDatabaseFrom(backend, serialized).open({ project: false });
  const started = performance.now();
  await rebuildProjections({ store: app.store, db: app.projectionDb, dialect: app.readStore.dialect, projections: app.projections, writeLock: app.writeLock, names });
  const seconds = (performance.now() - started) / 1000;
  const tables = app.projections.filter((projection) => !names || names.includes(projection.name)).flatMap((projection) => projection.tables);
  await app.close();
  process.stdout.write(`${JSON.stringify({ seconds, tables })}\n`);
} else {
  if (backend !== 'sqlite') throw new Error('this experiment copies SQLite files; run it on a kept SQLite bench database');
  const bench = createBenchDatabaseFrom(backend, serialized);
  const turns = process.argv.includes('--turns') ? Number(process.argv[process.argv.indexOf('--turns') + 1]) : 3;
  const dir = mkdtempSync(join(tmpdir(), 'acredita-bench-parallel-'));
  try {
    const copies = [0, 1, 2].map((i) => join(dir, `copy-${i}.sqlite`));
    const source = new Database(bench.path!);
    source.pragma('wal_checkpoint(TRUNCATE)');
    source.close();
    for (let turn = 0; turn < turns; turn++) {
      for (const copy of copies) copyFileSync(bench.path!, copy);
      const whole = await child(copies[2], null);
      const alone = [];
      for (const [i, names] of GROUPS.entries()) alone.push((await child(copies[i], names)).seconds);
      const started = performance.now();
      const halves = await Promise.all(GROUPS.map((names, i) => child(copies[i], names)));
      const halvesWall = (performance.now() - started) / 1000;
      const copySeconds = copyIn(copies[0], copies[1], halves[1].tables);
      const parallel = Math.max(...halves.map((half) => half.seconds)) + copySeconds;
      process.stdout.write(
        `${JSON.stringify({ turn, wholeSeconds: whole.seconds, halvesAloneSeconds: alone, halvesSeconds: halves.map((half) => half.seconds), halvesWall, copySeconds, parallelEstimate: parallel, gain: whole.seconds / parallel })}\n`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Rebuilds `names` (all when null) on the SQLite file `file` in a child process. */
function child(file: string, names: readonly string[] | null): Promise<{ seconds: number; tables: string[] }> {
  const config = { ...JSON.parse(serialized), eventStoreUrl: `sqlite:${file}`, readStoreUrl: `sqlite:${file}` };
  return runChild('../experiments/rebuild-in-parallel.ts', { BENCH_CONFIG: JSON.stringify(config) }, { timeoutMs: 30 * 60_000, args: ['--child', names?.join(',') ?? ''] });
}

/** Replaces `tables` in `into` with their rows in `from`; returns the seconds of the copying transaction. */
function copyIn(into: string, from: string, tables: readonly string[]): number {
  const db = new Database(into);
  try {
    db.exec(`attach database '${from.replaceAll("'", "''")}' as other`);
    // Emptied first, untimed: a parallel rebuild would copy into new, empty tables.
    db.transaction(() => {
      for (const table of tables) db.exec(`delete from main."${table}"`);
    })();
    const started = performance.now();
    db.transaction(() => {
      for (const table of tables) db.exec(`insert into main."${table}" select * from other."${table}"`);
    })();
    return (performance.now() - started) / 1000;
  } finally {
    db.close();
  }
}
