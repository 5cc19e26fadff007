/**
 * An experiment, not a scenario: the `varied-queries` scenario on a kept bench
 * database (`npm run bench -- --keep` prints BENCH_BACKEND and BENCH_CONFIG),
 * without generating a log first, so it can be repeated in turns and run under
 * a CPU profiler (the server runs in this process):
 *
 *   BENCH_BACKEND=… BENCH_CONFIG='…' NODE_ENV=production npx tsx [--cpu-prof] bench/experiments/varied-queries-kept.ts
 */
import type { ScenarioContext } from '../scenarios/context.js';
import { variedQueries } from '../scenarios/varied-queries.js';
import { createBenchDatabaseFrom } from '../support/reopen.js';

const bench = createBenchDatabaseFrom(process.env.BENCH_BACKEND!, process.env.BENCH_CONFIG!);
// The scenario reads only the database and says its progress: no generated log to describe.
const say = (line: string) => void process.stderr.write(`${line}\n`);
const ctx = { bench, say } as unknown as ScenarioContext;
for (const f of await variedQueries.run(ctx)) {
  process.stdout.write(`${f.figure}: ${f.value.toFixed(1)} against ${f.baseline?.toFixed(1)}, ratio ${f.ratio?.toFixed(2)}\n`);
}
