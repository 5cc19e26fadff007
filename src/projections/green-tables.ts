/**
 * Where a rebuild creates its new ("green") tables, inside its transaction.
 * SQLite: the old tables are dropped and the new ones created in their place;
 * readers on their own connections keep their WAL snapshot, the old tables,
 * until the commit. PostgreSQL: DROP TABLE would lock readers out until the
 * commit, so the new tables are created in a schema of their own, put first on
 * the transaction's search_path (every statement of a rebuild names tables
 * unqualified), and `swap` drops the old ones and moves the new ones in, at the
 * end: readers wait only for the commit of that last step.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'kysely';
import type { ReadTransaction, SqlDialect } from './projection.js';

export interface GreenTables {
  /** Puts the new tables in place of the old ones (in the same transaction). */
  swap(): Promise<void>;
}

export async function greenTables(trx: ReadTransaction, dialect: SqlDialect, tables: readonly string[]): Promise<GreenTables> {
  if (dialect === 'sqlite') {
    for (const table of tables) await sql`drop table if exists ${sql.id(table)}`.execute(trx);
    return { swap: async () => {} };
  }
  const { rows } = await sql<{ schema: string; path: string }>`select current_schema() as schema, current_setting('search_path') as path`.execute(trx);
  const { schema, path } = rows[0];
  const green = `acredita_rebuild_${randomBytes(6).toString('hex')}`;
  await sql`create schema ${sql.id(green)}`.execute(trx);
  await sql`select set_config('search_path', ${`${green}, ${path}`}, true)`.execute(trx);
  return {
    async swap() {
      // A migrate may also create, if missing, a table that is not the projection's
      // own (the tree's signed checkpoints): the one beside it is kept.
      const made = await sql<{ name: string; kept: boolean }>`
        select c.relname as name, exists (select 1 from pg_class o join pg_namespace ns on ns.oid = o.relnamespace
          where ns.nspname = ${schema} and o.relname = c.relname and o.relkind in ('r', 'p')) as kept
        from pg_class c join pg_namespace n on n.oid = c.relnamespace
        where n.nspname = ${green} and c.relkind in ('r', 'p')`.execute(trx);
      for (const { name, kept } of made.rows) {
        if (tables.includes(name)) await sql`drop table if exists ${sql.id(schema, name)}`.execute(trx);
        else if (kept) {
          await sql`drop table ${sql.id(green, name)}`.execute(trx);
          continue;
        }
        await sql`alter table ${sql.id(green, name)} set schema ${sql.id(schema)}`.execute(trx);
      }
      await sql`drop schema ${sql.id(green)}`.execute(trx);
      await sql`select set_config('search_path', ${path}, true)`.execute(trx);
    },
  };
}
