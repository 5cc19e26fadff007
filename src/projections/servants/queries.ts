import { type Expression, type ExpressionBuilder, sql, type SqlBool } from 'kysely';
import { CERTIFICATES_TABLE } from '../certificates/tables.js';
import { validAt } from '../certificates/validity.js';
import { CERTIFICATIONS_TABLE } from '../certifications/tables.js';
import type { ServantFilter, ServantPage, ServantView, ServantWindow } from '../read-model.js';
import type { ReadDatabase } from '../projection.js';
import type { ReadModels } from '../read-models.js';
import { fromFlag, toFlag, toNumber } from '../sql-support.js';
import { selectByKeys } from '../select-by-keys.js';
import { positionsNamed } from './name-words.js';
import { containsPattern } from './search.js';
import { positionKey, SERVANT_COUNTS_TABLE, SERVANTS_TABLE, type ServantRow } from './tables.js';

/** The largest page the read model reads (GraphQL allows 100); more is a programming error. */
export const MAX_PAGE_SIZE = 500;

const toView = (row: ServantRow): ServantView => ({
  id: row.id,
  curp: row.curp,
  fullName: row.full_name,
  state: row.state,
  municipality: row.municipality,
  department: row.department,
  position: row.position,
  regime: row.regime,
  unionized: fromFlag(row.unionized),
  active: fromFlag(row.active),
  personalDataErased: fromFlag(row.erased),
  registeredAt: row.registered_at,
  version: toNumber(row.version),
});

export async function servantsByIds(db: ReadDatabase, ids: readonly string[]): Promise<(ServantView | null)[]> {
  if (ids.length === 0) return [];
  const rows = await selectByKeys(db, 'servantsByIds', [...new Set(ids)], (keys) =>
    db.selectFrom(SERVANTS_TABLE).selectAll().where('id', 'in', keys),
  );
  const byId = new Map(rows.map((row) => [row.id, toView(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function servantByCurpDigest(db: ReadDatabase, curpDigest: string): Promise<ServantView | null> {
  const row = await db.selectFrom(SERVANTS_TABLE).selectAll().where('curp_digest', '=', curpDigest).executeTakeFirst();
  return row ? toView(row) : null;
}

type Eb = ExpressionBuilder<ReadModels & { s: ServantRow }, 's'>;

/** `named`: the positions whose names match, read from the words, instead of a LIKE on each name. */
function matches(eb: Eb, filter: ServantFilter, now: string, named: ReturnType<typeof positionsNamed> = null): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  for (const [field, column] of [
    ['state', 's.state'],
    ['municipality', 's.municipality'],
    ['department', 's.department'],
    ['regime', 's.regime'],
  ] as const) {
    const value = filter[field];
    if (value != null) conditions.push(eb(column, '=', value));
  }
  if (filter.unionized != null) conditions.push(eb('s.unionized', '=', toFlag(filter.unionized)));
  if (filter.certified != null) {
    const holdsValid = eb.exists(
      eb
        .selectFrom(`${CERTIFICATES_TABLE} as c`)
        .select(sql.lit(1).as('one'))
        .whereRef('c.servant_id', '=', 's.id')
        .where((inner) => validAt(inner, 'c', now)),
    );
    conditions.push(filter.certified ? holdsValid : eb.not(holdsValid));
  }
  if (filter.standardCode != null) {
    conditions.push(
      eb.exists(
        eb
          .selectFrom(`${CERTIFICATIONS_TABLE} as k`)
          .select(sql.lit(1).as('one'))
          .whereRef('k.servant_id', '=', 's.id')
          .where('k.standard_code', '=', filter.standardCode),
      ),
    );
  }
  const name = filter.nameContains?.trim();
  if (named) conditions.push(eb('s.registered_position', 'in', named.select('w.registered_position')));
  else if (name) conditions.push(sql<SqlBool>`${sql.ref('s.name_search')} like ${containsPattern(name)} escape '\\'`);
  return eb.and(conditions);
}

/**
 * Keyset paging in registration order, forwards or from the newest end of the
 * window; totalCount counts the whole filtered list (not only the window).
 * One statement: the count and whether anything matches beyond the cursor are
 * uncorrelated subqueries of a one-row select, the page left-joined to it (so
 * an empty page still brings them): two round trips fewer than a statement
 * each, which matters most on PostgreSQL.
 */
export async function pageServants(db: ReadDatabase, filter: ServantFilter, window: ServantWindow, now: Date): Promise<ServantPage> {
  const { size, after = null, before = null, fromEnd = false } = window;
  if (!Number.isInteger(size) || size < 0 || size > MAX_PAGE_SIZE) {
    throw new RangeError(`a servants page reads 0 to ${MAX_PAGE_SIZE} items, not ${size}`);
  }
  const at = now.toISOString();
  const matching = (bounds: { after?: bigint | null; before?: bigint | null; through?: 'after' | 'before' }) => {
    let query = db
      .selectFrom(`${SERVANTS_TABLE} as s`)
      .where((eb) => matches(eb, filter, at));
    if (bounds.after != null) query = query.where('s.registered_position', bounds.through === 'after' ? '<=' : '>', positionKey(bounds.after));
    if (bounds.before != null) query = query.where('s.registered_position', bounds.through === 'before' ? '>=' : '<', positionKey(bounds.before));
    return query;
  };
  const order = fromEnd ? 'desc' : 'asc';
  // One more than asked tells whether the window holds more in the direction read.
  const items = matching({ after, before }).selectAll('s').orderBy('s.registered_position', order).limit(size + 1);
  // Beyond the cursor the read started from: the cursor's own servant, unless it no longer matches.
  const cursor = fromEnd ? ('before' as const) : ('after' as const);
  const from = fromEnd ? before : after;
  const rows = await db
    .selectFrom(
      db
        .selectNoFrom((eb) => [
          countServants(db, filter, at).as('total_count'),
          from === null ? sql.lit(0).as('beyond') : eb.exists(matching({ [cursor]: from, through: cursor }).select(sql.lit(1).as('one'))).as('beyond'),
        ])
        .as('t'),
    )
    .leftJoin(items.as('p'), (join) => join.onTrue())
    .selectAll('p')
    .select(['t.total_count', 't.beyond'])
    .orderBy('p.registered_position', order)
    .execute();
  const { total_count, beyond } = rows[0];
  const found = rows.filter((row): row is typeof row & ServantRow => row.registered_position !== null);
  const page = found.slice(0, size);
  if (fromEnd) page.reverse();
  const more = found.length > size;
  const beyondCursor = beyond === true || fromFlag(beyond);
  return {
    items: page.map((row) => ({ servant: toView(row), position: BigInt(row.registered_position) })),
    hasNextPage: fromEnd ? beyondCursor : more,
    hasPreviousPage: fromEnd ? more : beyondCursor,
    totalCount: toNumber(total_count),
  };
}

/** A filter naming at most a state, a municipality and a name fragment. */
const byPlaceAndName = (filter: ServantFilter): boolean =>
  filter.department == null && filter.regime == null && filter.unionized == null && filter.certified == null && filter.standardCode == null;

/**
 * The count of the whole filtered list, as a subquery: by place alone from the
 * kept per-place counts, with a name fragment through the names' words.
 */
function countServants(db: ReadDatabase, filter: ServantFilter, at: string) {
  const named = positionsNamed(db, filter);
  if (named && byPlaceAndName(filter)) return named.select(sql<number>`count(distinct ${sql.ref('w.registered_position')})`.as('count'));
  if (byPlaceAndName(filter) && !filter.nameContains?.trim()) {
    // coalesce: a place nobody was registered in has no row, and sum() of none is null.
    let places = db.selectFrom(SERVANT_COUNTS_TABLE).select(sql<number>`coalesce(sum(servants), 0)`.as('count'));
    if (filter.state != null) places = places.where('state', '=', filter.state);
    if (filter.municipality != null) places = places.where('municipality', '=', filter.municipality);
    return places;
  }
  return db
    .selectFrom(`${SERVANTS_TABLE} as s`)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where((eb) => matches(eb, filter, at, named));
}
