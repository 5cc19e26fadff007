/**
 * Read-model transactions. On SQLite every one runs inside the event store's
 * write lock (SqliteEventStore.withWriteLock): better-sqlite3 blocks the event
 * loop while it waits for the file lock, so an append waiting on our open async
 * transaction would never let it finish.
 */
import { sql } from 'kysely';
import type { ReadDatabase, ReadTransaction } from './projection.js';

export type WriteLock = <T>(section: () => Promise<T>) => Promise<T>;

/** For a read database no append shares (PostgreSQL, or a separate READ_STORE_URL file in this process). */
export const noWriteLock: WriteLock = (section) => section();

/** 'read write' makes it BEGIN IMMEDIATE on SQLite (database.ts); PostgreSQL's default anyway. */
export function inWriteTransaction<T>(db: ReadDatabase, writeLock: WriteLock, work: (trx: ReadTransaction) => Promise<T>): Promise<T> {
  return writeLock(() => db.transaction().setAccessMode('read write').execute(work));
}

/**
 * Runs `work` so that if it throws, only its own writes are undone and the
 * transaction stays usable (on PostgreSQL a failed statement would otherwise
 * abort the whole transaction). Returns the error instead of throwing it; an
 * error of the rollback itself (connection lost) is thrown: that is no poison.
 */
export async function attempt(trx: ReadTransaction, name: string, work: () => Promise<void>): Promise<unknown> {
  const savepoint = sql.id(name);
  await sql`savepoint ${savepoint}`.execute(trx);
  try {
    await work();
  } catch (error) {
    await sql`rollback to savepoint ${savepoint}`.execute(trx);
    await sql`release savepoint ${savepoint}`.execute(trx);
    return error ?? new Error('apply threw a nullish value');
  }
  await sql`release savepoint ${savepoint}`.execute(trx);
  return undefined;
}
