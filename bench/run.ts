/**
 * `npm run bench [-- --events N[,M] --backend sqlite|postgres --scenario NAME[,NAME] --json --template N --keep --no-save]`
 *
 * For each size: a fresh database, a realistic log generated through the Office
 * (--template events, default 20,000 or the size if smaller), grown to the size
 * by replicating that pattern (bench/generator/replicate.ts), then the
 * scenarios, each figure next to a same-run baseline. Results go to
 * bench/results/<date>-<backend>.json; with two sizes, the growth table too.
 * See docs/benchmarks.md.
 */
import { parseArgs } from 'node:util';
import { buildLongStream } from './generator/long-stream.js';
import { generateOfficeLog } from './generator/office-log.js';
import { readTemplate, replicate } from './generator/replicate.js';
import { storePeers } from './peers/store-peers.js';
import { bulkAppend } from './scenarios/bulk-append.js';
import { commandPath } from './scenarios/command-path.js';
import type { Scenario, ScenarioContext } from './scenarios/context.js';
import { mutation, queries } from './scenarios/http.js';
import { rebuild } from './scenarios/rebuild.js';
import { rosterImport } from './scenarios/roster-import.js';
import { timeTravel } from './scenarios/time-travel.js';
import { variedQueries } from './scenarios/varied-queries.js';
import { createBenchDatabase, serializeConfig, type BackendName } from './support/backend.js';
import { figuresTable, growthTable, saveRun, type Figure, type SizeRun } from './support/report.js';

/** In this order: the log must be domain-only until bulk-append, which runs last; roster-import adds 100,000 servants after the reads. */
const SCENARIOS: Scenario[] = [commandPath, timeTravel, rebuild, queries, variedQueries, mutation, rosterImport, bulkAppend, storePeers];

const { values } = parseArgs({
  options: {
    events: { type: 'string', default: '100000' },
    backend: { type: 'string', default: 'sqlite' },
    scenario: { type: 'string', multiple: true },
    template: { type: 'string', default: '20000' },
    json: { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    // A trial run that leaves bench/results alone.
    'no-save': { type: 'boolean', default: false },
  },
});

const backend = values.backend as BackendName;
if (backend !== 'sqlite' && backend !== 'postgres') throw new Error(`--backend must be sqlite or postgres, not ${values.backend}`);
const sizes = values.events!.split(',').map((s) => Number(s.replace(/_/g, '')));
if (sizes.some((n) => !Number.isInteger(n) || n < 1_000)) throw new Error('--events takes whole numbers of at least 1,000, comma separated');
const wanted = values.scenario?.flatMap((s) => s.split(','));
const unknown = wanted?.filter((name) => !SCENARIOS.some((s) => s.name === name)) ?? [];
if (unknown.length > 0) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
const chosen = SCENARIOS.filter((s) => !wanted || wanted.includes(s.name));
const say = (line: string) => process.stderr.write(`${line}\n`);

let file;
for (const size of sizes) {
  say(`\n== ${backend}, ${size.toLocaleString('en')} events: generating`);
  const bench = await createBenchDatabase(backend);
  try {
    const run: SizeRun = { events: size, startedAt: new Date().toISOString(), generation: {}, figures: [], notes: [] };
    const app = await bench.open({ project: false });
    let context: ScenarioContext;
    try {
      const templateSize = Math.min(size, Number(values.template));
      const log = await generateOfficeLog({ office: app.office, store: app.store, events: templateSize, onProgress: (n) => say(`  office: ${n.toLocaleString('en')} events`) });
      say(`  office: ${log.commands} commands (${log.refused} refused) -> ${log.events} events in ${log.seconds.toFixed(1)} s`);
      const longStream = await buildLongStream(app.office, log.evaluatorIds[0], log.lastBusinessTime);
      const template = await readTemplate(app.store);
      const grown = await replicate({
        store: app.store,
        vault: app.vault,
        template,
        events: size,
        concurrency: backend === 'postgres' ? 4 : 1,
        onProgress: (n) => say(`  replicated: ${n.toLocaleString('en')} events`),
      });
      const events = Number(await app.store.headPosition());
      say(`  replicated ${grown.appended} events in ${grown.appends} appends (${grown.copies} copies) in ${grown.seconds.toFixed(1)} s; log: ${events}`);
      run.generation = {
        officeCommands: log.commands,
        officeRefused: log.refused,
        officeEvents: log.events,
        officeSeconds: Number(log.seconds.toFixed(1)),
        replicatedEvents: grown.appended,
        replicatedAppends: grown.appends,
        replicaSeconds: Number(grown.seconds.toFixed(1)),
        logEvents: events,
      };
      context = { bench, events, log, longStream, say };
    } finally {
      await app.close();
    }
    for (const scenario of chosen) {
      say(`-- ${scenario.name}`);
      const started = performance.now();
      let figures: Figure[] = [];
      try {
        figures = await scenario.run(context);
      } catch (error) {
        const note = `${scenario.name} failed: ${(error as Error).stack ?? error}`;
        say(note);
        run.notes.push(note.split('\n')[0]);
      }
      run.figures.push(...figures);
      // Saved after every scenario: a run stopped half-way keeps what it measured.
      if (!values['no-save']) file = saveRun(backend, run).file;
      say(`   (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      if (figures.length > 0) say(figuresTable(figures));
    }
    if (!values['no-save']) {
      const saved = saveRun(backend, run);
      file = saved.file;
      say(`\nsaved ${saved.path}`);
    }
    if (!values.json) process.stdout.write(`\n${backend}, ${size.toLocaleString('en')} events\n${figuresTable(run.figures)}\n`);
  } finally {
    // Enough to rerun a child by hand on the kept database, e.g. bench/child/rebuild.ts.
    if (values.keep) say(`kept: BENCH_BACKEND=${backend} BENCH_CONFIG='${JSON.stringify(serializeConfig(bench.config))}'`);
    else await bench.drop();
  }
}
if (file && file.growth.length > 0 && !values.json) process.stdout.write(`\ngrowth (per-unit cost)\n${growthTable(file.growth)}\n`);
if (values.json) process.stdout.write(`${JSON.stringify(file, null, 2)}\n`);
