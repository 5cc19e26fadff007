/** The standards catalogue (Estandares de Competencia), one row per `standard-{code}` stream. */
import type { Projection } from '../projection.js';
import { deleteAll, projectedEvents, RowCache } from '../sql-support.js';
import { migrateStandards, STANDARDS_TABLE, type StandardRow } from './tables.js';

export function createStandardsProjection(): Projection {
  return {
    name: 'standards',
    eventTypes: new Set(['StandardPublished', 'StandardWithdrawn']),
    migrate: (db) => migrateStandards(db),
    reset: (trx) => deleteAll(trx, [STANDARDS_TABLE]),
    async apply(trx, batch) {
      const rows = new RowCache<StandardRow>(trx, STANDARDS_TABLE, ['code']);
      const events = projectedEvents(batch).filter(
        (e) => e.type === 'StandardPublished' || e.type === 'StandardWithdrawn',
      );
      await rows.load(events.map((e) => (e.data as { code: string }).code));
      for (const event of events) {
        if (event.type === 'StandardPublished') {
          const { code, title, level, sector, validityYears } = event.data;
          rows.put({ code, title, level, sector, validity_years: validityYears, status: 'ACTIVE' });
        } else if (event.type === 'StandardWithdrawn') {
          const row = rows.get(event.data.code);
          if (row) rows.put({ ...row, status: 'WITHDRAWN' });
        }
      }
      await rows.flush();
    },
  };
}
