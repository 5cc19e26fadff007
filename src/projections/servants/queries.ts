import { type Expression, type ExpressionBuilder, sql, type SqlBool } from 'kysely';
import { BadUserInputError } from '../../domain/shared/errors.js';
import { CERTIFICATES_TABLE } from '../certificates/tables.js';
import { validAt } from '../certificates/validity.js';
import { CERTIFICATIONS_TABLE } from '../certifications/tables.js';
import type { Page, ServantFilter, ServantView } from '../read-model.js';
import { type AnyDb, fromFlag, toFlag, toNumber } from '../sql-support.js';
import { selectByKeys } from '../select-by-keys.js';
import { containsPattern } from './search.js';
import { SERVANT_COUNTS_TABLE, SERVANTS_TABLE, type ServantRow } from './tables.js';

/** The largest page `servants` serves; more is BAD_USER_INPUT. */
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

export async function servantsByIds(db: AnyDb, ids: readonly string[]): Promise<(ServantView | null)[]> {
  if (ids.length === 0) return [];
  const rows = await selectByKeys<ServantRow>(db, 'servantsByIds', [...new Set(ids)], (keys) =>
    db.selectFrom(SERVANTS_TABLE).selectAll().where('id', 'in', keys),
  );
  const byId = new Map(rows.map((row) => [row.id, toView(row)]));
  return ids.map((id) => byId.get(id) ?? null);
}

export async function servantByCurpDigest(db: AnyDb, curpDigest: string): Promise<ServantView | null> {
  const row = (await db.selectFrom(SERVANTS_TABLE).selectAll().where('curp_digest', '=', curpDigest).executeTakeFirst()) as
    | ServantRow
    | undefined;
  return row ? toView(row) : null;
}

/** Cursors are opaque to clients: base64url of the registration position key. */
const CURSOR = /^servant:(\d{20})$/;
const encodeCursor = (positionKey: string): string => Buffer.from(`servant:${positionKey}`).toString('base64url');

function decodeCursor(cursor: string): string {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match) throw new BadUserInputError('after is not a cursor returned by servants', 'after');
  return match[1];
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Eb = ExpressionBuilder<any, any>;

function matches(eb: Eb, filter: ServantFilter, now: string): Expression<SqlBool> {
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
  if (name) conditions.push(sql<SqlBool>`${sql.ref('s.name_search')} like ${containsPattern(name)} escape '\\'`);
  return eb.and(conditions);
}

/** Keyset paging in registration order; totalCount counts the whole filtered list (not only after the cursor). */
export async function pageServants(
  db: AnyDb,
  filter: ServantFilter,
  first: number,
  after: string | null,
  now: Date,
): Promise<Page<ServantView>> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_PAGE_SIZE) {
    throw new BadUserInputError(`first must be an integer from 0 to ${MAX_PAGE_SIZE}`, 'first');
  }
  const afterKey = after === null ? null : decodeCursor(after);
  const at = now.toISOString();
  let page = db
    .selectFrom(`${SERVANTS_TABLE} as s`)
    .selectAll('s')
    .where((eb) => matches(eb, filter, at));
  if (afterKey !== null) page = page.where('s.registered_position', '>', afterKey);
  const rows = (await page
    .orderBy('s.registered_position')
    .limit(first + 1)
    .execute()) as ServantRow[];
  const items = rows.slice(0, first);
  const last = items.at(-1);
  return {
    items: items.map(toView),
    endCursor: last ? encodeCursor(last.registered_position) : null,
    hasNextPage: rows.length > first,
    totalCount: await countServants(db, filter, at),
  };
}

/** A filter naming at most a state and a municipality reads the kept per-place counts. */
const byPlaceOnly = (filter: ServantFilter): boolean =>
  filter.department == null &&
  filter.regime == null &&
  filter.unionized == null &&
  filter.certified == null &&
  filter.standardCode == null &&
  !filter.nameContains?.trim();

async function countServants(db: AnyDb, filter: ServantFilter, at: string): Promise<number> {
  if (byPlaceOnly(filter)) {
    let places = db.selectFrom(SERVANT_COUNTS_TABLE).select((eb) => eb.fn.sum<number>('servants').as('count'));
    if (filter.state != null) places = places.where('state', '=', filter.state);
    if (filter.municipality != null) places = places.where('municipality', '=', filter.municipality);
    return toNumber((await places.executeTakeFirstOrThrow()).count);
  }
  const total = await db
    .selectFrom(`${SERVANTS_TABLE} as s`)
    .select((eb) => eb.fn.countAll().as('count'))
    .where((eb) => matches(eb, filter, at))
    .executeTakeFirstOrThrow();
  return toNumber(total.count);
}
