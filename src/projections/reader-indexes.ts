/**
 * A SQLite rebuild drops the indexes that only readers use
 * (`Projection.readerIndexes`) once their tables are empty, and creates them
 * again from their own SQL after the last batch, in the same transaction:
 * kept up to date through the replay, each took an insert at a random key per
 * row written, where building it at the end sorts once (at 1M events the
 * rebuild took a fifth less time; docs/projections.md, "Rebuild"). Readers on
 * their own connections keep the old indexes until the commit (WAL
 * snapshots); a failed rebuild rolls the drop back. Not on PostgreSQL: DROP
 * INDEX there locks readers out of the table until the commit.
 */
import { sql } from 'kysely';
import type { ReadTransaction } from './projection.js';

export interface DroppedIndex {
  name: string;
  /** The CREATE INDEX statement SQLite kept for it. */
  definition: string;
}

/** Drops each named index that exists; returns what recreateIndexes needs. */
export async function dropReaderIndexes(trx: ReadTransaction, names: readonly string[]): Promise<DroppedIndex[]> {
  const dropped: DroppedIndex[] = [];
  for (const name of names) {
    const { rows } = await sql<{ sql: string }>`select sql from sqlite_master where type = 'index' and name = ${name}`.execute(trx);
    if (rows.length === 0) continue;
    await sql`drop index ${sql.id(name)}`.execute(trx);
    dropped.push({ name, definition: rows[0].sql });
  }
  return dropped;
}

export async function recreateIndexes(trx: ReadTransaction, dropped: readonly DroppedIndex[]): Promise<void> {
  for (const { definition } of dropped) await sql.raw(definition).execute(trx);
}
