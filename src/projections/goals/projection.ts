/** Goals (metas): setting a goal again replaces it. Progress is read from the certificates model. */
import { STANDARD_EVENT_SCHEMAS } from '../../domain/standards/events.js';
import { SERVANT_EVENT_SCHEMAS } from '../../domain/servants/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from '../../domain/evaluators/events.js';
import { CERTIFICATION_EVENT_SCHEMAS } from '../../domain/certifications/events.js';
import { foldingProjection, ignoring, type Projection } from '../projection.js';
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
      ...ignoring(STANDARD_EVENT_SCHEMAS, SERVANT_EVENT_SCHEMAS, EVALUATOR_EVENT_SCHEMAS, CERTIFICATION_EVENT_SCHEMAS),
    },
    open: async (trx) => new RowCache<GoalRow>(trx, GOALS_TABLE, ['id']),
    close: (rows) => rows.flush(),
  });
}
