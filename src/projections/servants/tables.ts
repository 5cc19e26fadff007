import type { EmploymentRegime } from '../../domain/shared/vocabulary.js';
import type { ReadDatabase, SqlDialect } from '../projection.js';
import { toNumber } from '../sql-support.js';
import { migrateNameWords, type NameWordsTables } from './name-words.js';

export const SERVANTS_TABLE = 'rm_servants';
/**
 * Servants registered per place: totalCount of a list filtered by place alone,
 * without counting a municipality's rows on every request (a place never changes
 * and rows are never deleted, so this only grows).
 */
export const SERVANT_COUNTS_TABLE = 'rm_servant_counts';

export interface ServantCountRow {
  state: string;
  municipality: string;
  servants: number;
}

export interface ServantRow {
  id: string;
  /** Global position of ServantRegistered as `positionKey`: the paging order. */
  registered_position: string;
  registered_at: string;
  curp: string | null;
  full_name: string;
  /** vault.curpDigest(curp), for servantByCurp without storing a searchable CURP. */
  curp_digest: string | null;
  /** Lower-case name without diacritics, for nameContains. */
  name_search: string | null;
  state: string;
  municipality: string;
  department: string;
  position: string | null;
  regime: EmploymentRegime;
  unionized: number;
  active: number;
  erased: number;
  version: number;
}

export interface ServantsTables extends NameWordsTables {
  [SERVANTS_TABLE]: ServantRow;
  [SERVANT_COUNTS_TABLE]: ServantCountRow;
}

/**
 * A global position as 20-digit text: sorts like the number in both dialects and
 * keeps KurrentDB's unsigned 64-bit positions exact (no 2^53 or signed limit).
 */
export const positionKey = (position: bigint): string => position.toString().padStart(20, '0');

export async function migrateServants(db: ReadDatabase, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable(SERVANTS_TABLE)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('registered_position', 'text', (c) => c.notNull().unique())
    .addColumn('registered_at', 'text', (c) => c.notNull())
    .addColumn('curp', 'text')
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('curp_digest', 'text')
    .addColumn('name_search', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('municipality', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('position', 'text')
    .addColumn('regime', 'text', (c) => c.notNull())
    .addColumn('unionized', 'integer', (c) => c.notNull())
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('erased', 'integer', (c) => c.notNull())
    .addColumn('version', 'integer', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('rm_servants_curp_digest').ifNotExists().on(SERVANTS_TABLE).column('curp_digest').execute();
  // Paging within a place in registration order; name_search in the index too, so a page with
  // nameContains checks names on the index alone (a table row is read per servant shown, not per
  // servant looked at). It replaces (state, municipality, registered_position).
  await db.schema
    .createIndex('rm_servants_place_name')
    .ifNotExists()
    .on(SERVANTS_TABLE)
    .columns(['state', 'municipality', 'registered_position', 'name_search'])
    .execute();
  await db.schema.dropIndex('rm_servants_place').ifExists().execute();
  await db.schema
    .createTable(SERVANT_COUNTS_TABLE)
    .ifNotExists()
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('municipality', 'text', (c) => c.notNull())
    .addColumn('servants', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('rm_servant_counts_pk', ['state', 'municipality'])
    .execute();
  await migrateNameWords(db, dialect);
  // A read model projected before this table existed: count its rows once.
  const counted = await db.selectFrom(SERVANT_COUNTS_TABLE).select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
  if (toNumber(counted.n) === 0) {
    await db
      .insertInto(SERVANT_COUNTS_TABLE)
      .columns(['state', 'municipality', 'servants'])
      .expression((eb) => eb.selectFrom(SERVANTS_TABLE).select(['state', 'municipality', eb.fn.countAll().as('servants')]).groupBy(['state', 'municipality']))
      .execute();
  }
}
