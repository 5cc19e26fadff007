/**
 * Command path: whole certification journeys of new servants, one command
 * after another, through the Office (handlers, deciders, vault, store), on the
 * generated log. Baseline: the rows those journeys wrote, inserted again one
 * row per transaction into a copy of the events table holding the same log,
 * same connection settings.
 */
import { PersonGenerator } from '../../src/app/demo/people.js';
import type { Office } from '../../src/application/office.js';
import type { CommandContext } from '../../src/domain/shared/event.js';
import { derivedUuid } from '../../src/application/ids.js';
import { timeSequential } from '../support/measure.js';
import { openRawSql } from '../support/raw-sql.js';
import { figure } from '../support/report.js';
import type { Scenario } from './context.js';

const MAX_COMMANDS = 3_000;
const MAX_MS = 15_000;

/** The n-th command of a stream of journeys: register, enroll, complete, verdict, issue. */
export function journeyCommands(office: Office, evaluatorId: string, startsAt: Date, seed: number) {
  const people = new PersonGenerator(seed);
  let servantId = '';
  let minute = 0;
  const ctx = (): CommandContext => ({
    occurredAt: new Date(startsAt.getTime() + ++minute * 60_000),
    now: new Date(),
    actor: 'acredita-bench',
    commandId: null,
    correlationId: null,
  });
  return async (n: number): Promise<void> => {
    const target = () => ({ servantId, standardCode: 'EC0105' });
    switch (n % 5) {
      case 0: {
        const person = people.next();
        servantId = derivedUuid('acredita-bench', 'journey', String(seed), String(n));
        await office.registerServant(
          { id: servantId, curp: person.curp, fullName: person.fullName, state: 'Baja California', municipality: 'Mexicali', department: 'Tesorería Municipal', regime: 'CONFIANZA', unionized: false },
          ctx(),
        );
        return;
      }
      case 1:
        await office.enrollInTraining({ ...target(), provider: 'UTT', modality: 'VIRTUAL' }, ctx());
        return;
      case 2:
        await office.completeTraining({ ...target(), hours: 40 }, ctx());
        return;
      case 3:
        await office.recordVerdict({ ...target(), evaluatorId, verdict: 'COMPETENT' }, ctx());
        return;
      default:
        await office.issueCertificate({ ...target(), folio: `BENCH-EC0105-${seed}-${n}` }, ctx());
    }
  };
}

export const commandPath: Scenario = {
  name: 'command-path',
  async run({ bench, log }) {
    const app = await bench.open({ project: false });
    const startHead = await app.store.headPosition();
    let measured;
    try {
      const next = journeyCommands(app.office, log.evaluatorIds[0], new Date(log.lastBusinessTime.getTime() + 86_400_000), Date.now() % 100_000);
      // Whole journeys only: a count that is a multiple of 5.
      measured = await timeSequential((i) => next(i), { count: MAX_COMMANDS, maxMs: MAX_MS });
    } finally {
      await app.close();
    }

    const raw = await openRawSql(bench);
    let baseline;
    try {
      // The rows the journeys wrote, into a copy that holds the log they were written on.
      await raw.createCopyTable(startHead);
      const rows = await raw.eventRows(startHead, measured.count);
      baseline = await timeSequential((i) => raw.insertOne(rows[i % rows.length]), { count: rows.length, maxMs: MAX_MS });
    } finally {
      await raw.close();
    }
    const bound = bench.backend === 'sqlite' ? 0.25 : 0.5;
    return [
      figure({ scenario: 'command path', figure: 'commands/s', kind: 'rate', value: measured.perSecond, unit: '/s', baselineName: 'single-row insert txns/s', baseline: baseline.perSecond, target: { op: '>=', bound } }),
      figure({ scenario: 'command path', figure: 'command p50', kind: 'latency', value: measured.p50, unit: 'ms', baselineName: 'insert p50', baseline: baseline.p50 }),
    ];
  },
};
