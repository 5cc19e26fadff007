/**
 * How far each projection has applied the log (its position) and the version
 * its rows were made by. The table keeps its first name, projection_checkpoints
 * ("checkpoint" now means the log's signed tree head only): renaming it would
 * cost a migration of every deployed database for a name. The position is decimal text (KurrentDB commit positions may exceed 2^53 and even
 * a signed 64-bit integer) and is only ever compared in JavaScript as a bigint.
 * Every move is a compare-and-set inside the transaction that writes the rows:
 * two runners, or a runner and a rebuild, can never both apply the same batch.
 */
import { type ColumnType, CompiledQuery } from 'kysely';
import type { ReadDatabase, ReadTransaction, SqlDialect } from './projection.js';
import { columnNames } from './sql-support.js';

export const POSITIONS_TABLE = 'projection_checkpoints';

type Db = ReadDatabase | ReadTransaction;

export interface StoredPosition {
  name: string;
  /** Global position of the last event applied (0n: none). */
  position: bigint;
  /** Projection.version of the code that made its rows. */
  version: number;
  /** Why the projection stopped, or null. */
  lastError: string | null;
  updatedAt: string;
}

export interface PositionsTables {
  [POSITIONS_TABLE]: PositionRow;
}

interface PositionRow {
  name: string;
  position: string;
  /** Defaults to 1 when a row is added without it. */
  version: ColumnType<number | string, number | undefined, number>;
  last_error: string | null;
  updated_at: string;
}

export async function migratePositions(db: Db, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable(POSITIONS_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (column) => column.primaryKey())
    .addColumn('position', 'text', (column) => column.notNull())
    .addColumn('last_error', 'text')
    .addColumn('updated_at', 'text', (column) => column.notNull())
    .addColumn('version', 'integer', (column) => column.notNull().defaultTo(1))
    .execute();
  // Rows made before projections had versions were made by their version 1.
  if (!(await columnNames(db, dialect, POSITIONS_TABLE)).has('version')) {
    await db.schema.alterTable(POSITIONS_TABLE).addColumn('version', 'integer', (column) => column.notNull().defaultTo(1)).execute();
  }
}

/** Adds a row at position 0 and the projection's version for each that has none (nothing projected yet: nothing to rebuild). */
export async function ensurePositions(db: Db, projections: readonly { name: string; version: number }[]): Promise<void> {
  if (projections.length === 0) return;
  const updatedAt = new Date().toISOString();
  await db
    .insertInto(POSITIONS_TABLE)
    .values(projections.map(({ name, version }) => ({ name, position: '0', last_error: null, updated_at: updatedAt, version })))
    .onConflict((conflict) => conflict.column('name').doNothing())
    .execute();
}

export async function readPositions(db: Db, names: readonly string[]): Promise<Map<string, StoredPosition>> {
  const found = new Map<string, StoredPosition>();
  if (names.length === 0) return found;
  const rows = await db.selectFrom(POSITIONS_TABLE).selectAll().where('name', 'in', names).execute();
  for (const row of rows) {
    found.set(row.name, { name: row.name, position: BigInt(row.position), version: Number(row.version), lastError: row.last_error, updatedAt: row.updated_at });
  }
  return found;
}

export interface PositionClaim {
  name: string;
  from: bigint;
  to: bigint;
}

/**
 * Moves positions by compare-and-set. One per runner (which owns it), keeping
 * the claim's SQL text per number of claims: it runs once per batch on the
 * read-your-writes path, and compiling it from a template (Kysely's sql tag)
 * took longer than SQLite took to run it.
 */
export class PositionClaims {
  private readonly texts = new Map<number, string>();

  constructor(private readonly dialect: SqlDialect) {}

  /**
   * Moves each named position from `from` to `to`, only if it is still at
   * `from`, in one statement; returns the names moved (the others were moved by
   * someone else). Runs first in the batch transaction, so on PostgreSQL its row
   * locks also queue a concurrent writer of the same projections.
   */
  async claim(trx: ReadTransaction, claims: readonly PositionClaim[]): Promise<Set<string>> {
    if (claims.length === 0) return new Set();
    const parameters: string[] = claims.flatMap((c) => [c.name, c.to.toString()]);
    parameters.push(new Date().toISOString(), ...claims.flatMap((c) => [c.name, c.from.toString()]));
    const { rows } = await trx.executeQuery<{ name: string }>(CompiledQuery.raw(this.text(claims.length), parameters));
    return new Set(rows.map((row) => row.name));
  }

  private text(count: number): string {
    let text = this.texts.get(count);
    if (text === undefined) {
      let index = 0;
      const next = () => (this.dialect === 'postgres' ? `$${++index}` : '?');
      const cases = Array.from({ length: count }, () => `when ${next()} then ${next()}`).join(' ');
      const updatedAt = next();
      const where = Array.from({ length: count }, () => `(name = ${next()} and position = ${next()})`).join(' or ');
      text = `update ${POSITIONS_TABLE} set position = case name ${cases} end, last_error = null, updated_at = ${updatedAt} where ${where} returning name`;
      this.texts.set(count, text);
    }
    return text;
  }
}

/**
 * Sets position and error unconditionally (the caller holds the row: it claimed
 * it, or it is rebuilding), and the version when given (a rebuild's end).
 */
export async function savePosition(db: Db, name: string, position: bigint, lastError: string | null, version?: number): Promise<void> {
  const row = { position: position.toString(), last_error: lastError, updated_at: new Date().toISOString(), ...(version !== undefined && { version }) };
  await db
    .insertInto(POSITIONS_TABLE)
    .values({ name, ...row })
    .onConflict((conflict) => conflict.column('name').doUpdateSet(row))
    .execute();
}

/** Forgets a previous run's error when a runner takes a projection over (it retries from its position). */
export async function clearError(db: Db, name: string): Promise<void> {
  await db
    .updateTable(POSITIONS_TABLE)
    .set({ last_error: null, updated_at: new Date().toISOString() })
    .where('name', '=', name)
    .where('last_error', 'is not', null)
    .execute();
}

const VERSION_QUERY = CompiledQuery.raw(`select name, position, version, last_error, updated_at from ${POSITIONS_TABLE} order by name`);

/**
 * Every position as one text. Read-model rows only change in the transaction
 * that moves (or, on rebuild and on a stop, rewrites) their position, so two
 * equal texts mean the read models held the same rows.
 */
export async function positionsVersion(db: Db): Promise<string> {
  const { rows } = await db.executeQuery<PositionRow>(VERSION_QUERY);
  return rows.map((row) => `${row.name}@${row.position}@${row.updated_at}@${row.last_error ?? ''}`).join(';');
}
