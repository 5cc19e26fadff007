import type { ReadDatabase } from '../projection.js';

export const GOALS_TABLE = 'rm_goals';

export interface GoalRow {
  id: string;
  state: string;
  municipality: string;
  target: number;
  starts_at: string;
  deadline: string;
  description: string | null;
}

export interface GoalsTables {
  [GOALS_TABLE]: GoalRow;
}

export async function migrateGoals(db: ReadDatabase): Promise<void> {
  await db.schema
    .createTable(GOALS_TABLE)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('municipality', 'text', (c) => c.notNull())
    .addColumn('target', 'integer', (c) => c.notNull())
    .addColumn('starts_at', 'text', (c) => c.notNull())
    .addColumn('deadline', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .execute();
  await db.schema.createIndex('rm_goals_municipality').ifNotExists().on(GOALS_TABLE).column('municipality').execute();
}
