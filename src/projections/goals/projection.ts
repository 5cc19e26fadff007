/** Goals (metas): setting a goal again replaces it. Progress is read from the certificates model. */
import { foldingProjection, IGNORED, type Projection } from '../projection.js';
import { isoTime, RowCache } from '../sql-support.js';
import { GOALS_TABLE, type GoalRow, migrateGoals } from './tables.js';

export function createGoalsProjection(): Projection {
  return foldingProjection<RowCache<GoalRow>>({
    name: 'goals',
    version: 1,
    tables: [GOALS_TABLE],
    migrate: (db) => migrateGoals(db),
    handlers: {
      GoalSet(rows, { data }) {
        rows.put({
          id: data.goalId,
          state: data.state,
          municipality: data.municipality,
          target: data.target,
          starts_at: isoTime(data.startsAt),
          deadline: isoTime(data.deadline),
          description: data.description,
        });
      },
      StandardPublished: IGNORED,
      StandardWithdrawn: IGNORED,
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
    },
    open: async (trx) => new RowCache<GoalRow>(trx, GOALS_TABLE, ['id']),
    close: (rows) => rows.flush(),
  });
}
