/**
 * Direct database access for tamper tests: what someone holding the database,
 * but not the application, could do to the events on SQLite or PostgreSQL.
 * SQL is written with $1.. parameters and {events}, {streams}, {log_head},
 * {log_checkpoints} table names, adapted per backend.
 */
import { PostgresEventStore } from '../../../src/eventstore/postgres.js';
import { SqliteEventStore } from '../../../src/eventstore/sqlite.js';
import type { RecordedEvent } from '../../../src/eventstore/types.js';
import { postgresTestSchema } from '../../support/postgres.js';
import { temporarySqliteFile } from '../../support/sqlite.js';

export type SqlBackend = 'sqlite' | 'postgres';
export type SqlStore = SqliteEventStore | PostgresEventStore;

export interface TamperKit {
  store: SqlStore;
  /** Runs SQL directly, bypassing the store. */
  sql(text: string, params?: unknown[]): Promise<Array<Record<string, unknown>>>;
  /** Writes an event row as given, at its position (a store would never do this). */
  insertRow(event: RecordedEvent): Promise<void>;
  /** Closes the store and opens a new one on the same database (runs its migration). */
  reopen(): Promise<SqlStore>;
  close(): Promise<void>;
}

/** A fresh, empty SQL store with direct access; null when PostgreSQL is unreachable outside CI. */
export async function openTamperKit(backend: SqlBackend): Promise<TamperKit | null> {
  if (backend === 'sqlite') {
    const file = await temporarySqliteFile();
    let store = new SqliteEventStore(file.path);
    const kit: TamperKit = {
      get store() {
        return store;
      },
      sql: async (text, params = []) => {
        const statement = store.database.prepare(text.replace(/\$(\d+)/g, '@p$1').replace(/\{(\w+)\}/g, '$1'));
        const named = Object.fromEntries(params.map((value, index) => [`p${index + 1}`, value]));
        return statement.reader ? (statement.all(named) as Array<Record<string, unknown>>) : (statement.run(named), []);
      },
      insertRow: (event) => kit.sql(INSERT_ROW, rowValues(event)).then(() => undefined),
      reopen: async () => {
        await store.close();
        store = new SqliteEventStore(file.path);
        return store;
      },
      close: async () => {
        await store.close();
        await file.remove();
      },
    };
    return kit;
  }
  const database = await postgresTestSchema();
  if (!database) return null;
  let store = await PostgresEventStore.connect(database.url, { schema: database.schema });
  const kit: TamperKit = {
    get store() {
      return store;
    },
    sql: async (text, params = []) => {
      const { rows } = await store.pool.query(text.replace(/\{(\w+)\}/g, `"${database.schema}".$1`), params);
      return rows;
    },
    insertRow: (event) =>
      kit.sql(INSERT_ROW.replace(') values', ') overriding system value values'), rowValues(event)).then(() => undefined),
    reopen: async () => {
      await store.close();
      store = await PostgresEventStore.connect(database.url, { schema: database.schema });
      return store;
    },
    close: async () => {
      await store.close();
      await database.drop();
    },
  };
  return kit;
}

const INSERT_ROW = `insert into {events} (position, id, stream_id, revision, type, data, metadata, recorded_at, previous_hash, hash, global_hash) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`;

function rowValues(event: RecordedEvent): unknown[] {
  return [
    event.position.toString(),
    event.id,
    event.streamId,
    event.revision,
    event.type,
    JSON.stringify(event.data),
    JSON.stringify(event.metadata),
    event.recordedAt,
    event.previousHash,
    event.hash,
    event.globalHash ?? null,
  ];
}
