import { CERTIFICATES_TABLE } from '../certificates/tables.js';
import type { GoalProgressView, GoalView } from '../read-model.js';
import type { ReadDatabase } from '../projection.js';
import { toNumber } from '../sql-support.js';
import { GOALS_TABLE, type GoalRow } from './tables.js';

const toView = (row: GoalRow): GoalView => ({
  id: row.id,
  state: row.state,
  municipality: row.municipality,
  target: toNumber(row.target),
  startsAt: row.starts_at,
  deadline: row.deadline,
  description: row.description,
});

export async function listGoals(db: ReadDatabase, municipality: string | null): Promise<GoalView[]> {
  let query = db.selectFrom(GOALS_TABLE).selectAll();
  if (municipality !== null) query = query.where('municipality', '=', municipality);
  const rows = await query.orderBy('deadline').orderBy('id').execute();
  return rows.map(toView);
}

/**
 * achieved: distinct servants whose certificate was issued in the goal's place
 * (holder snapshot) between startsAt and deadline, both inclusive, and was never
 * revoked. A certificate that expired after the deadline still counts.
 */
export async function goalProgress(db: ReadDatabase, goalId: string): Promise<GoalProgressView | null> {
  const row = await db.selectFrom(GOALS_TABLE).selectAll().where('id', '=', goalId).executeTakeFirst();
  if (!row) return null;
  const goal = toView(row);
  const result = await db
    .selectFrom(CERTIFICATES_TABLE)
    .select((eb) => eb.fn.count('servant_id').distinct().as('achieved'))
    .where('state', '=', goal.state)
    .where('municipality', '=', goal.municipality)
    .where('issued_at', '>=', goal.startsAt)
    .where('issued_at', '<=', goal.deadline)
    .where('revoked_at', 'is', null)
    .executeTakeFirstOrThrow();
  const achieved = toNumber(result.achieved);
  return {
    goal,
    achieved,
    remaining: Math.max(0, goal.target - achieved),
    percent: goal.target > 0 ? Math.round((achieved / goal.target) * 1000) / 10 : 100,
  };
}
