import type { ReadDatabase } from '../projection.js';

export const STANDARDS_TABLE = 'rm_standards';

export interface StandardRow {
  code: string;
  title: string;
  level: number;
  sector: string | null;
  validity_years: number | null;
  status: 'ACTIVE' | 'WITHDRAWN';
}

export interface StandardsTables {
  [STANDARDS_TABLE]: StandardRow;
}

export async function migrateStandards(db: ReadDatabase): Promise<void> {
  await db.schema
    .createTable(STANDARDS_TABLE)
    .ifNotExists()
    .addColumn('code', 'text', (c) => c.primaryKey())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('level', 'integer', (c) => c.notNull())
    .addColumn('sector', 'text')
    .addColumn('validity_years', 'integer')
    .addColumn('status', 'text', (c) => c.notNull())
    .execute();
}
