/**
 * Small pieces every read model shares: value normalisation across
 * the two dialects, and RowCache, the batch pattern the projections use
 * (load the rows a batch touches in one query, fold in memory, upsert once).
 */
import { type Compilable, CompiledQuery, type Kysely, PostgresAdapter, type Transaction, sql } from 'kysely';
// For helpers given a table name at run time (RowCache, runInShapes, selectByKeys): ReadModels cannot check it.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyDb = Kysely<any> | Transaction<any>;

/** PostgreSQL hands back SUM and COUNT (bigint) as strings; SQLite as numbers. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value ?? 0);
}

/** Booleans are stored as 0/1 in both dialects (better-sqlite3 cannot bind booleans). */
export const toFlag = (value: boolean): number => (value ? 1 : 0);
export const fromFlag = (value: unknown): boolean => toNumber(value) === 1;

/** Every time column holds `Date#toISOString()` text, so text order is time order in both dialects. */
export function isoTime(value: string | Date): string {
  // Events carry times written by toISOString(): those are already canonical (3% of a rebuild's CPU went to re-parsing them).
  if (typeof value === 'string' && CANONICAL_ISO.test(value)) return value;
  return (typeof value === 'string' ? new Date(value) : value).toISOString();
}

const CANONICAL_ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

/** The UTC business day of an ISO time, 'YYYY-MM-DD'. */
export const utcDay = (iso: string): string => iso.slice(0, 10);

type Row = Record<string, unknown>;

/** Bound parameters per statement built by `runInShapes` on SQLite; more rows take more statements. */
const SQLITE_PARAMETERS = 2_048;
/** On PostgreSQL (nothing is kept prepared, a statement is a round trip): under its 65,535 limit. */
const POSTGRES_PARAMETERS = 30_000;
/** SQL text per statement name and size, per dialect adapter (one per Kysely instance). */
const keptSql = new WeakMap<object, Map<string, string>>();

/**
 * The SQL text of the statement `name` for `size` items or keys: compiled by
 * Kysely with `compile()` the first time, kept for this database when `keep`,
 * so hot statements skip Kysely's builder and compiler.
 */
export function keptSqlText(db: AnyDb, name: string, size: number, keep: boolean, compile: () => CompiledQuery): string {
  const adapter = db.getExecutor().adapter;
  let known = keptSql.get(adapter);
  if (!known) keptSql.set(adapter, (known = new Map()));
  const key = `${name}\u0000${size}`;
  let text = known.get(key);
  if (text === undefined) {
    text = compile().sql;
    if (keep) known.set(key, text);
  }
  return text;
}

/**
 * Runs a statement over many items. On SQLite in a few fixed sizes (powers
 * of two), so the same SQL texts come back batch after batch and stay prepared
 * (database.ts) and Kysely builds each shape once instead of per batch; on
 * PostgreSQL in as few statements as its parameter limit allows. `shape(n)`
 * builds the statement for n items whose parameters, in order, are
 * `parametersOf` of each item; `name` names that statement. Returns every row
 * the statements return.
 */
export async function runInShapes<T, R = Row>(
  db: AnyDb,
  name: string,
  items: readonly T[],
  parametersPerItem: number,
  parametersOf: (item: T) => unknown[],
  shape: (n: number) => Compilable<R>,
): Promise<R[]> {
  const postgres = db.getExecutor().adapter instanceof PostgresAdapter;
  const most = Math.max(1, Math.floor((postgres ? POSTGRES_PARAMETERS : SQLITE_PARAMETERS) / parametersPerItem));
  const largest = 2 ** Math.floor(Math.log2(most));
  const returned: R[] = [];
  for (let start = 0; start < items.length; ) {
    const left = items.length - start;
    const n = postgres ? Math.min(most, left) : Math.min(largest, 2 ** Math.floor(Math.log2(left)));
    const text = keptSqlText(db, name, n, !postgres, () => {
      const compiled = shape(n).compile();
      if (compiled.parameters.length !== n * parametersPerItem) throw new Error(`${name}: ${compiled.parameters.length} parameters for ${n} items`);
      return compiled;
    });
    const parameters: unknown[] = [];
    for (let i = start; i < start + n; i++) for (const value of parametersOf(items[i])) parameters.push(value ?? null);
    const result = await db.executeQuery<R>(CompiledQuery.raw(text, parameters));
    for (const row of result.rows) returned.push(row);
    start += n;
  }
  return returned;
}

/**
 * The rows of one table that a batch touches, keyed by primary key. `put` marks a
 * row dirty; `flush` writes all dirty rows in multi-row upserts. Rows keep their
 * database shape (ISO text, 0/1 flags), so what is written is what is compared.
 */
export class RowCache<R extends object> {
  private readonly rows = new Map<string, R>();
  private readonly dirty = new Set<string>();

  constructor(
    private readonly trx: AnyDb,
    private readonly table: string,
    private readonly primaryKey: readonly (keyof R & string)[],
    private readonly decode: (raw: Row) => R = (raw) => raw as unknown as R,
  ) {}

  private keyOf(row: R): string {
    return this.primaryKey.map((column) => String((row as Row)[column])).join('\u0000');
  }

  /** Loads the rows whose `column` is one of `values` (default: the first key column). */
  async load(values: Iterable<string>, column: string = this.primaryKey[0]): Promise<R[]> {
    const wanted = [...new Set(values)];
    const raws = await runInShapes(this.trx, `select ${this.table} ${column}`, wanted, 1, (value) => [value], (n) =>
      // Placeholders only; the values are bound by runInShapes.
      this.trx.selectFrom(this.table).selectAll().where(column, 'in', Array.from({ length: n }, () => '')),
    );
    const loaded: R[] = [];
    for (const raw of raws) {
      const row = this.decode(raw);
      const key = this.keyOf(row);
      if (!this.rows.has(key)) this.rows.set(key, row);
      loaded.push(this.rows.get(key)!);
    }
    return loaded;
  }

  get(...key: string[]): R | undefined {
    return this.rows.get(key.join('\u0000'));
  }

  /** Every row loaded or put so far. */
  values(): R[] {
    return [...this.rows.values()];
  }

  put(row: R): R {
    const key = this.keyOf(row);
    this.rows.set(key, row);
    this.dirty.add(key);
    return row;
  }

  async flush(): Promise<void> {
    const rows = [...this.dirty].map((key) => this.rows.get(key)! as Row);
    this.dirty.clear();
    if (rows.length === 0) return;
    const keyColumns: string[] = [...this.primaryKey];
    const columns = Object.keys(rows[0]);
    const updated = columns.filter((column) => !keyColumns.includes(column));
    const placeholder = Object.fromEntries(columns.map((column) => [column, null]));
    await runInShapes(this.trx, `upsert ${this.table} ${columns.join(' ')}`, rows, columns.length, (row) => columns.map((column) => row[column]), (n) =>
      this.trx
        .insertInto(this.table)
        .values(Array.from({ length: n }, () => placeholder))
        .onConflict((oc) => {
          const target = oc.columns(keyColumns);
          return updated.length === 0
            ? target.doNothing()
            : target.doUpdateSet((eb) => Object.fromEntries(updated.map((column) => [column, eb.ref(`excluded.${column}`)])));
        }),
    );
  }
}

/** For `.$call` on a CREATE TABLE: on SQLite the rows live in the key's b-tree, so a lookup by key reads no table row. */
export const withoutRowidOn =
  (dialect: 'sqlite' | 'postgres') =>
  <T extends { modifyEnd(end: ReturnType<typeof sql>): T }>(table: T): T =>
    dialect === 'sqlite' ? table.modifyEnd(sql`without rowid`) : table;

/** The columns a read-model table has now: a table made by an older version may lack some. */
export async function columnNames(db: AnyDb, dialect: 'sqlite' | 'postgres', table: string): Promise<Set<string>> {
  const columns =
    dialect === 'sqlite'
      ? await sql<{ name: string }>`select name from pragma_table_info(${table})`.execute(db)
      : await sql<{ name: string }>`select column_name as name from information_schema.columns
          where table_schema = current_schema() and table_name = ${table}`.execute(db);
  return new Set(columns.rows.map((column) => column.name));
}
