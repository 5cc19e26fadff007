/** Every read-model table (rm_*) as sorted JSON rows, to compare live read models with a fresh rebuild. */
import { sql } from 'kysely';
import type { ReadDatabase, SqlDialect } from '../../../src/projections/projection.js';
import { untyped } from '../../projections/fixtures/projections.js';

export async function readModelTables(db: ReadDatabase, dialect: SqlDialect): Promise<Record<string, string[]>> {
  const { rows } =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from sqlite_master where type = 'table' and name like 'rm\_%' escape '\\' order by name`.execute(db)
      : await sql<{ name: string }>`select table_name as name from information_schema.tables
          where table_schema = current_schema() and table_name like 'rm\_%' order by table_name`.execute(db);
  const tables: Record<string, string[]> = {};
  for (const { name } of rows) {
    const all = await untyped(db).selectFrom(name).selectAll().execute();
    tables[name] = all.map((row) => JSON.stringify(row, (_, value) => (typeof value === 'bigint' ? String(value) : value))).sort();
  }
  return tables;
}
