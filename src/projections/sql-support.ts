/**
 * Small pieces every read model shares: typed events, value normalisation across
 * the two dialects, and RowCache, the batch pattern the projections use
 * (load the rows a batch touches in one query, fold in memory, upsert once).
 */
import type { Kysely, Transaction } from 'kysely';
import type { DomainEvent } from '../domain/events.js';
import type { RecordedEvent } from '../eventstore/types.js';

/** A domain event with its store envelope, narrowed by `type`. */
export type ProjectedEvent = DomainEvent & { readonly recorded: RecordedEvent };

export function projectedEvents(events: readonly RecordedEvent[]): ProjectedEvent[] {
  // The store only holds events of the catalogue (upcast before projection).
  return events.map((recorded) => ({ type: recorded.type, data: recorded.data, recorded }) as unknown as ProjectedEvent);
}

// Read-model tables are declared per projection; queries cast locally.
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
  return (typeof value === 'string' ? new Date(value) : value).toISOString();
}

/** The UTC business day of an ISO time, 'YYYY-MM-DD'. */
export const utcDay = (iso: string): string => iso.slice(0, 10);

/** Multi-row statements stay under SQLite's and PostgreSQL's bound-parameter limits. */
export function chunks<T>(items: readonly T[], columnsPerItem = 1): T[][] {
  const size = Math.max(1, Math.floor(30_000 / columnsPerItem));
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

type Row = Record<string, unknown>;

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
    const loaded: R[] = [];
    for (const part of chunks(wanted)) {
      const raws = (await this.trx.selectFrom(this.table).selectAll().where(column, 'in', part).execute()) as Row[];
      for (const raw of raws) {
        const row = this.decode(raw);
        const key = this.keyOf(row);
        if (!this.rows.has(key)) this.rows.set(key, row);
        loaded.push(this.rows.get(key)!);
      }
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
    const rows = [...this.dirty].map((key) => this.rows.get(key)!);
    this.dirty.clear();
    if (rows.length === 0) return;
    const keyColumns: string[] = [...this.primaryKey];
    const columns = Object.keys(rows[0]);
    const updated = columns.filter((column) => !keyColumns.includes(column));
    for (const part of chunks(rows, columns.length)) {
      await this.trx
        .insertInto(this.table)
        .values(part)
        .onConflict((oc) => {
          const target = oc.columns(keyColumns);
          return updated.length === 0
            ? target.doNothing()
            : target.doUpdateSet((eb) => Object.fromEntries(updated.map((column) => [column, eb.ref(`excluded.${column}`)])));
        })
        .execute();
    }
  }
}

/** `reset` for a projection: empties its tables inside the rebuild's transaction. */
export async function deleteAll(trx: AnyDb, tables: readonly string[]): Promise<void> {
  for (const table of tables) await trx.deleteFrom(table).execute();
}
