/**
 * projection_checkpoints: how far each projection has applied the log. The
 * position is decimal text (KurrentDB commit positions may exceed 2^53 and even
 * a signed 64-bit integer) and is only ever compared in JavaScript as a bigint.
 * Every move is a compare-and-set inside the transaction that writes the rows:
 * two runners, or a runner and a rebuild, can never both apply the same batch.
 */
import type { ReadDatabase, ReadTransaction } from './projection.js';

export const CHECKPOINTS_TABLE = 'projection_checkpoints';

type Db = ReadDatabase | ReadTransaction;

export interface Checkpoint {
  name: string;
  /** Global position of the last event applied (0n: none). */
  position: bigint;
  /** Why the projection stopped, or null. */
  lastError: string | null;
  updatedAt: string;
}

interface CheckpointRow {
  name: string;
  position: string;
  last_error: string | null;
  updated_at: string;
}

export async function migrateCheckpoints(db: Db): Promise<void> {
  await db.schema
    .createTable(CHECKPOINTS_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('position', 'text', (column) => column.notNull())
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .execute();
}

/** Adds a row at position 0 for each name that has none. */
export async function ensureCheckpoints(db: Db, names: readonly string[]): Promise<void> {
  if (names.length === 0) return;
  const updatedAt = new Date().toISOString();
  await db
    .insertInto(CHECKPOINTS_TABLE)
    .values(names.map((name) => ({ name, position: '0', last_error: null, updated_at: updatedAt })))
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}

export async function readCheckpoints(db: Db, names: readonly string[]): Promise<Map<string, Checkpoint>> {
  const found = new Map<string, Checkpoint>();
  if (names.length === 0) return found;
  const rows = (await db.selectFrom(CHECKPOINTS_TABLE).selectAll().where('name', 'in', names).execute()) as CheckpointRow[];
  for (const row of rows) {
    found.set(row.name, { name: row.name, position: BigInt(row.position), lastError: row.last_error, updatedAt: row.updated_at });
  }
  return found;
}

/**
 * Moves the checkpoint from `from` to `to` only if it is still at `from`; false
 * when someone else moved it. Runs first in the batch transaction, so on
 * PostgreSQL its row lock also queues a concurrent writer of the same projection.
 */
export async function claimCheckpoint(trx: ReadTransaction, name: string, from: bigint, to: bigint): Promise<boolean> {
  const result = await trx
    .updateTable(CHECKPOINTS_TABLE)
    .set({ position: to.toString(), last_error: null, updated_at: new Date().toISOString() })
    .where('name', '=', name)
    .where('position', '=', from.toString())
    .executeTakeFirst();
  return result.numUpdatedRows === 1n;
}

/** Sets position and error unconditionally (the caller holds the row: it claimed it, or it is rebuilding). */
export async function saveCheckpoint(db: Db, name: string, position: bigint, lastError: string | null): Promise<void> {
  const row = { position: position.toString(), last_error: lastError, updated_at: new Date().toISOString() };
  await db
    .insertInto(CHECKPOINTS_TABLE)
    .values({ name, ...row })
    .onConflict((conflict) => conflict.column('name').doUpdateSet(row))
    .execute();
}

/** Forgets a previous run's error when a runner takes a projection over (it retries from its checkpoint). */
export async function clearError(db: Db, name: string): Promise<void> {
  await db
    .updateTable(CHECKPOINTS_TABLE)
    .set({ last_error: null, updated_at: new Date().toISOString() })
    .where('name', '=', name)
    .where('last_error', 'is not', null)
    .execute();
}
