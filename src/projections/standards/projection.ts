/** The standards catalogue (Estandares de Competencia), one row per `standard-{code}` stream. */
import { SERVANT_EVENT_SCHEMAS } from '../../domain/servants/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from '../../domain/evaluators/events.js';
import { CERTIFICATION_EVENT_SCHEMAS } from '../../domain/certifications/events.js';
import { GOAL_EVENT_SCHEMAS } from '../../domain/goals/events.js';
import { foldingProjection, ignoring, type Projection, type ProjectedEvent } from '../projection.js';
import { RowCache } from '../sql-support.js';
import { migrateStandards, STANDARDS_TABLE, type StandardRow } from './tables.js';

export function createStandardsProjection(): Projection {
  return foldingProjection<RowCache<StandardRow>>({
    name: 'standards',
    version: 1,
    tables: [STANDARDS_TABLE],
    migrate: (db) => migrateStandards(db),
    handlers: {
      StandardPublished(rows, { data: { code, title, level, sector, validityYears } }) {
        rows.put({ code, title, level, sector, validity_years: validityYears, status: 'ACTIVE' });
      },
      StandardWithdrawn(rows, { data }) {
        const row = rows.get(data.code);
        if (row) rows.put({ ...row, status: 'WITHDRAWN' });
      },
      ...ignoring(SERVANT_EVENT_SCHEMAS, EVALUATOR_EVENT_SCHEMAS, CERTIFICATION_EVENT_SCHEMAS, GOAL_EVENT_SCHEMAS),
    },
    async open(trx, events) {
      const rows = new RowCache<StandardRow>(trx, STANDARDS_TABLE, ['code']);
      await rows.load(events.map((e) => (e as ProjectedEvent<'StandardPublished' | 'StandardWithdrawn'>).data.code));
      return rows;
    },
    close: (rows) => rows.flush(),
  });
}
