/** The standards catalogue (Estandares de Competencia), one row per `standard-{code}` stream. */
import { foldingProjection, IGNORED, type Projection, type ProjectedEvent } from '../projection.js';
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
      ServantRegistered: IGNORED,
      EmploymentChanged: IGNORED,
      ServantSeparated: IGNORED,
      PersonalDataErased: IGNORED,
      CurpClaimed: IGNORED,
      EvaluatorAccredited: IGNORED,
      TrainingEnrolled: IGNORED,
      TrainingCompleted: IGNORED,
      VerdictRecorded: IGNORED,
      CertificateIssued: IGNORED,
      CertificateDelivered: IGNORED,
      CertificateRevoked: IGNORED,
      CertificateReissued: IGNORED,
      FolioAssigned: IGNORED,
      PrintedFolioAssigned: IGNORED,
      GoalSet: IGNORED,
    },
    async open(trx, events) {
      const rows = new RowCache<StandardRow>(trx, STANDARDS_TABLE, ['code']);
      await rows.load(events.map((e) => (e as ProjectedEvent<'StandardPublished' | 'StandardWithdrawn'>).data.code));
      return rows;
    },
    close: (rows) => rows.flush(),
  });
}
