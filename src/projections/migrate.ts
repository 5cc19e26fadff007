/** Creates the positions table, every projection's tables and a position row each, in one transaction. */
import { sql } from 'kysely';
import { ensurePositions, migratePositions } from './positions.js';
import type { Projection, ReadDatabase, SqlDialect } from './projection.js';
import { inWriteTransaction, type WriteLock } from './transaction.js';

export async function migrateProjections(
  db: ReadDatabase,
  dialect: SqlDialect,
  projections: readonly Projection[],
  writeLock: WriteLock,
): Promise<void> {
  await inWriteTransaction(db, writeLock, async (trx) => {
    // Two processes starting together would race on "create table if not exists"
    // in PostgreSQL; SQLite's file lock already serialises them.
    if (dialect === 'postgres') {
      await sql`select pg_advisory_xact_lock(hashtextextended('acredita-projections:migrate:' || current_schema(), 0))`.execute(trx);
    }
    await migratePositions(trx, dialect);
    for (const projection of projections) await projection.migrate(trx, dialect);
    await ensurePositions(trx, projections);
  });
}
