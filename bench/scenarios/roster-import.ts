/**
 * Roster import: a state's payroll of 100,000 rows (`importRoster`, as
 * `acredita import-servants` runs it, with its progress callback) on top of
 * the generated log, projections stopped as docs/roster-import.md advises;
 * one row in 1,000 is bad and must come back as rejected. Then the same file
 * again, which must append nothing. Targets are absolute rows per second
 * (issue #23); runs after the read scenarios since it registers servants.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PersonGenerator } from '../../src/app/demo/people.js';
import { importRoster } from '../../src/app/roster/import.js';
import { figure } from '../support/report.js';
import type { Scenario } from './context.js';

const ROWS = 100_000;
const BAD_EVERY = 1_000;
const TARGET_ROWS_PER_SECOND = { sqlite: 5_000, postgres: 2_000 } as const;
const HEADER = 'curp,full_name,state,municipality,department,position,regime,unionized,registered_at';

export const rosterImport: Scenario = {
  name: 'roster-import',
  pollutes: true,
  async run(ctx) {
    const folder = await mkdtemp(join(tmpdir(), 'acredita-roster-bench-'));
    const app = await ctx.bench.open({ project: false });
    try {
      const file = join(folder, 'roster.csv');
      const bad = await writeRoster(file);
      const timed = async () => {
        let progressCalls = 0;
        const started = performance.now();
        const cpuBefore = process.cpuUsage();
        const result = await importRoster(app, file, { actor: 'bench-hr', onProgress: () => progressCalls++ });
        const cpu = process.cpuUsage(cpuBefore);
        return { result, progressCalls, seconds: (performance.now() - started) / 1000, cpuSeconds: (cpu.user + cpu.system) / 1e6 };
      };
      const first = await timed();
      const again = await timed();
      const { result } = first;
      ctx.say(
        `  first import: ${result.imported} imported, ${result.alreadyPresent} already present, ${result.rejected.length} rejected in ${first.seconds.toFixed(1)} s (CPU of this process, the WAL flusher's thread included: ${first.cpuSeconds.toFixed(1)} s); ` +
          `again: ${again.result.imported} imported, ${again.result.alreadyPresent} already present in ${again.seconds.toFixed(1)} s (CPU ${again.cpuSeconds.toFixed(1)} s)`,
      );
      if (result.rejected.length !== bad || first.progressCalls !== ROWS) throw new Error(`expected ${bad} rejected rows and ${ROWS} progress calls, got ${result.rejected.length} and ${first.progressCalls}`);
      if (again.result.imported !== 0 || again.result.alreadyPresent !== result.imported + result.alreadyPresent) {
        throw new Error(`the second import was not idempotent: ${JSON.stringify({ ...again.result, rejected: again.result.rejected.length })}`);
      }
      return [
        figure({ scenario: 'roster import', figure: `rows/s, ${ROWS.toLocaleString('en')} rows`, kind: 'rate', value: ROWS / first.seconds, unit: '/s', target: { op: '>=', bound: TARGET_ROWS_PER_SECOND[ctx.bench.backend] } }),
        figure({ scenario: 'roster import', figure: 'rows/s, the same file again (appends nothing)', kind: 'rate', value: ROWS / again.seconds, unit: '/s' }),
      ];
    } finally {
      await app.close();
      await rm(folder, { recursive: true, force: true });
    }
  },
};

/** The roster file; returns how many of its rows are bad (a department left empty). */
async function writeRoster(path: string): Promise<number> {
  const out = createWriteStream(path);
  out.write(`\uFEFF${HEADER}\r\n`);
  const people = new PersonGenerator(1917);
  let bad = 0;
  for (let i = 0; i < ROWS; i++) {
    const p = people.next();
    const department = i % BAD_EVERY === BAD_EVERY - 1 ? '' : 'Oficialía Mayor';
    if (!department) bad++;
    const line = `${p.curp},"${p.fullName}",Baja California,Mexicali,${department},"Auxiliar, turno ${i % 3}",BASE,sí,2019-0${1 + (i % 9)}-15\r\n`;
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  return bad;
}
