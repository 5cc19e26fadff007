import { expect, it } from 'vitest';
import { createAllProjections } from '../../src/projections/all.js';
import { EventLog, make } from '../support/event-factory.js';
import { createTestVault } from '../support/test-vault.js';
import { forEachDialect, project, readModelOf } from './dialects.js';

const vault = createTestVault();
const accredited = (evaluatorId: string, fullName: string, standardCodes: string[], validUntil: string) =>
  ({
    type: 'EvaluatorAccredited',
    data: { evaluatorId, fullName, certificationBody: 'UTT', ec0076Folio: `EC0076-${evaluatorId}`, standardCodes, validUntil },
  }) as const;

forEachDialect(
  () => createAllProjections({ dialect: 'sqlite', vault }),
  ({ fixture, projections }) => {
    it('lists evaluators by name with the verdicts each recorded; re-accrediting replaces standards and keeps the count', async () => {
      const log = new EventLog();
      log.record(accredited('e2', 'Zoila Ramos', ['EC0105'], '2020-01-01T00:00:00.000Z'), '2017-01-01T00:00:00.000Z');
      log.record(accredited('e1', 'Alberto Ibarra', ['EC0105', 'EC0217'], '2020-01-01T00:00:00.000Z'), '2017-01-01T00:00:00.000Z');
      log.record(make.verdict({ servantId: 's1', standardCode: 'EC0105' }, '2018-01-01T00:00:00.000Z', 'NOT_YET_COMPETENT', 1, 'e1'));
      log.record(make.verdict({ servantId: 's1', standardCode: 'EC0105' }, '2018-02-01T00:00:00.000Z', 'COMPETENT', 2, 'e1'));
      log.record(make.verdict({ servantId: 's2', standardCode: 'EC0105' }, '2018-02-01T00:00:00.000Z', 'COMPETENT', 1, 'e2'));
      log.record(accredited('e1', 'Alberto Ibarra', ['EC0076'], '2025-01-01T00:00:00.000Z'), '2019-01-01T00:00:00.000Z');
      await project(fixture().db, projections, log.events, 2);

      expect(await readModelOf(fixture()).evaluators()).toEqual([
        {
          id: 'e1',
          fullName: 'Alberto Ibarra',
          certificationBody: 'UTT',
          ec0076Folio: 'EC0076-e1',
          standardCodes: ['EC0076'],
          validUntil: '2025-01-01T00:00:00.000Z',
          verdictsRecorded: 2,
        },
        expect.objectContaining({ id: 'e2', standardCodes: ['EC0105'], verdictsRecorded: 1 }),
      ]);
    });

    it('counts verdicts that share a batch with their evaluator\'s accreditation and re-accreditation', async () => {
      const log = new EventLog();
      log.record(accredited('e1', 'Alberto Ibarra', ['EC0105'], '2020-01-01T00:00:00.000Z'), '2017-01-01T00:00:00.000Z');
      log.record(make.verdict({ servantId: 's1', standardCode: 'EC0105' }, '2018-01-01T00:00:00.000Z', 'NOT_YET_COMPETENT', 1, 'e1'));
      log.record(accredited('e1', 'Alberto Ibarra', ['EC0217'], '2022-01-01T00:00:00.000Z'), '2018-01-15T00:00:00.000Z');
      log.record(make.verdict({ servantId: 's1', standardCode: 'EC0105' }, '2018-02-01T00:00:00.000Z', 'COMPETENT', 2, 'e1'));
      log.record(make.verdict({ servantId: 's2', standardCode: 'EC0105' }, '2018-02-01T00:00:00.000Z', 'COMPETENT', 1, 'e1'));
      await project(fixture().db, projections, log.events.slice(0, 1));
      // One batch: a verdict, the re-accreditation, two more verdicts.
      await project(fixture().db, projections, log.events.slice(1));
      expect(await readModelOf(fixture()).evaluators()).toEqual([
        expect.objectContaining({ id: 'e1', standardCodes: ['EC0217'], validUntil: '2022-01-01T00:00:00.000Z', verdictsRecorded: 3 }),
      ]);
      // A new evaluator's first verdicts in the batch that accredits them.
      const next = new EventLog();
      next.record(accredited('e9', 'Berta Soto', ['EC0105'], '2024-01-01T00:00:00.000Z'), '2019-01-01T00:00:00.000Z');
      next.record(make.verdict({ servantId: 's3', standardCode: 'EC0105' }, '2019-02-01T00:00:00.000Z', 'COMPETENT', 1, 'e9'));
      await project(fixture().db, projections, next.events);
      expect((await readModelOf(fixture()).evaluators()).map((e) => [e.id, e.verdictsRecorded])).toEqual([
        ['e1', 3],
        ['e9', 1],
      ]);
    });

    it('never counts a verdict twice when a batch is applied again', async () => {
      const log = new EventLog();
      log.record(accredited('e1', 'Alberto Ibarra', ['EC0105'], '2020-01-01T00:00:00.000Z'), '2017-01-01T00:00:00.000Z');
      log.record(make.verdict({ servantId: 's1', standardCode: 'EC0105' }, '2018-01-01T00:00:00.000Z', 'COMPETENT', 1, 'e1'));
      await project(fixture().db, projections, log.events);
      await project(fixture().db, projections, log.events);
      expect((await readModelOf(fixture()).evaluators())[0].verdictsRecorded).toBe(1);
    });
  },
);
