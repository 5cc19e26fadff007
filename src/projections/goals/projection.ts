/** Goals (metas): setting a goal again replaces it. Progress is read from the certificates model. */
import type { GoalSet } from '../../domain/goals/events.js';
import type { Projection } from '../projection.js';
import { deleteAll, isoTime, type ProjectedEvent, projectedEvents, RowCache } from '../sql-support.js';
import { GOALS_TABLE, type GoalRow, migrateGoals } from './tables.js';

export function createGoalsProjection(): Projection {
  return {
    name: 'goals',
    eventTypes: new Set(['GoalSet']),
    migrate: (db) => migrateGoals(db),
    reset: (trx) => deleteAll(trx, [GOALS_TABLE]),
    async apply(trx, batch) {
      const events = projectedEvents(batch).filter((e): e is ProjectedEvent & GoalSet => e.type === 'GoalSet');
      if (events.length === 0) return;
      const rows = new RowCache<GoalRow>(trx, GOALS_TABLE, ['id']);
      for (const { data } of events) {
        rows.put({
          id: data.goalId,
          state: data.state,
          municipality: data.municipality,
          target: data.target,
          starts_at: isoTime(data.startsAt),
          deadline: isoTime(data.deadline),
          description: data.description,
        });
      }
      await rows.flush();
    },
  };
}
