/**
 * `npx tsx bench/report.ts`: the newest results file of each backend as the
 * markdown tables docs/benchmarks.md shows (figures next to baselines, growth).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { figuresTable, growthOf, growthTable, type ResultFile } from './support/report.js';

const folder = join(dirname(fileURLToPath(import.meta.url)), 'results');
const newest = new Map<string, string>();
for (const name of readdirSync(folder).filter((n) => n.endsWith('.json')).sort()) {
  const file = JSON.parse(readFileSync(join(folder, name), 'utf8')) as ResultFile;
  newest.set(file.backend, name);
}
for (const [backend, name] of newest) {
  const file = JSON.parse(readFileSync(join(folder, name), 'utf8')) as ResultFile;
  for (const run of file.runs) {
    process.stdout.write(`\n### ${backend}, ${run.events.toLocaleString('en')} events (bench/results/${name})\n\n`);
    process.stdout.write(`Generated: ${Object.entries(run.generation).map(([k, v]) => `${k} ${v}`).join(', ')}.\n\n`);
    process.stdout.write(`${figuresTable(run.figures)}\n`);
    for (const note of run.notes) process.stdout.write(`\nNote: ${note}\n`);
  }
  const growth = growthOf(file.runs);
  if (growth.length > 0) process.stdout.write(`\n### ${backend}, growth (per-unit cost at the larger size over the smaller)\n\n${growthTable(growth)}\n`);
}
