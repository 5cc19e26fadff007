/**
 * The read models' database: the same SQLite file or PostgreSQL schema as the
 * events (sqlite/postgres backends), or READ_STORE_URL (KurrentDB backend).
 * One Kysely instance over its own connection(s), so read-model transactions
 * never share a connection with event appends.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresDialect,
  SqliteDialect,
  type SqliteDatabase,
  type SqliteDialectConfig,
  SqliteDriver,
  type TransactionSettings,
} from 'kysely';
import pg from 'pg';
import { ConfigurationError } from '../eventstore/errors.js';
import { EventLoopTurns } from '../eventstore/event-loop-turns.js';
import { SCHEMA_NAME } from '../eventstore/postgres.js';
import { parseStoreUrl, READ_STORE_BACKENDS } from '../eventstore/store-url.js';
import type { ReadDatabase, SqlDialect } from './projection.js';

export interface ReadStore {
  db: ReadDatabase;
  dialect: SqlDialect;
  close(): Promise<void>;
}

export interface ReadDatabaseOptions {
  /** PostgreSQL schema for the read-model tables (default `public`); created when missing. */
  schema?: string;
  /** The setting named in configuration errors (default READ_STORE_URL). */
  variable?: string;
  /** PostgreSQL pool size (default 10). */
  maxConnections?: number;
}

const BUSY_TIMEOUT_MS = 5_000;
const DUPLICATE_SCHEMA = ['42P06', '23505'];

/** Opens `sqlite:<path>` or `postgres://…` (also `postgresql://…`). */
export async function openReadDatabase(url: string, options: ReadDatabaseOptions = {}): Promise<ReadStore> {
  const variable = options.variable ?? 'READ_STORE_URL';
  const location = parseStoreUrl(url, variable, READ_STORE_BACKENDS);
  if (location.backend === 'sqlite') return openSqlite(location.path);
  const schema = options.schema ?? 'public';
  if (!SCHEMA_NAME.test(schema)) {
    throw new ConfigurationError([`${variable}: schema "${schema}" is not usable: lower-case letters, digits and _, at most 48 characters`]);
  }
  return openPostgres(location.url, schema, options.maxConnections ?? 10);
}

function openSqlite(path: string): ReadStore {
  mkdirSync(dirname(path), { recursive: true });
  const database = new Database(path);
  database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
  database.pragma('journal_mode = WAL');
  database.pragma('synchronous = NORMAL');
  // Rows deleted on erasure are overwritten, not left in free pages.
  database.pragma('secure_delete = ON');
  const db: ReadDatabase = new Kysely({ dialect: new WritableSqliteDialect({ database: withStatementCache(database) }, new EventLoopTurns()) });
  return { db, dialect: 'sqlite', close: () => db.destroy() };
}

/**
 * Kysely over the event store's own SQLite connection, for the projections'
 * writes when the read models live in the events' file. Two connections to one
 * file clear each other's page cache on every write, so the command path and the
 * projection runner each re-read pages the other just wrote (read-your-writes
 * took 2.7 to 3.1 times the command on a second connection, 1.6 to 2.4 times on
 * this one). Every transaction on it must run inside the store's write lock
 * (inWriteTransaction does): an append nested in an open read-model transaction
 * would become a savepoint. Readers keep their own connection (openReadDatabase),
 * so they never see a batch or a rebuild before it commits. Destroying it leaves
 * the connection open: the store closes it.
 */
export function eventsConnectionWriter(database: Database.Database): ReadDatabase {
  const cached = withStatementCache(database);
  return new Kysely({ dialect: new WritableSqliteDialect({ database: { prepare: (sql) => cached.prepare(sql), close: () => {} } }) });
}

/**
 * Kysely prepares every query it runs, and better-sqlite3 compiles SQL anew on
 * every prepare(); read-model batches repeat the same few statements, so keep
 * the most recent ones compiled. Multi-row statements come in a few fixed
 * sizes of at most 2,048 parameters (runInShapes in sql-support.ts); longer SQL
 * is prepared each time: a cache of statements sized by their batch (up to
 * 30,000 parameters) doubled a 1M-event rebuild's memory. Safe because
 * Kysely's SQLite driver runs one query at a time on its connection and we never
 * stream (iterate) results.
 */
function withStatementCache(database: Database.Database, size = 200, longestSql = 10_000): SqliteDatabase {
  const statements = new Map<string, Database.Statement>();
  return {
    close: () => database.close(),
    prepare(sql: string) {
      if (sql.length > longestSql) return database.prepare(sql);
      let statement = statements.get(sql);
      if (statement) {
        statements.delete(sql);
      } else {
        statement = database.prepare(sql);
        if (statements.size >= size) statements.delete(statements.keys().next().value!);
      }
      statements.set(sql, statement);
      return statement;
    },
  };
}

/**
 * `db.transaction().setAccessMode('read write')` becomes BEGIN IMMEDIATE: the
 * file's write lock is taken up front (waiting on busy_timeout), where a
 * deferred transaction that read first would fail with SQLITE_BUSY_SNAPSHOT
 * once another process appended. Other transactions stay deferred, so readers
 * never queue behind writers.
 */
class WritableSqliteDialect extends SqliteDialect {
  /** `turns`: readers serving requests give the event loop a turn between queries (event-loop-turns.ts). */
  constructor(
    private readonly config: SqliteDialectConfig,
    private readonly turns: EventLoopTurns | null = null,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    const turns = this.turns;
    return new (class extends SqliteDriver {
      override async acquireConnection(): Promise<DatabaseConnection> {
        await turns?.yieldIfHeld();
        return super.acquireConnection();
      }

      override async beginTransaction(connection: DatabaseConnection, settings?: TransactionSettings): Promise<void> {
        await connection.executeQuery(CompiledQuery.raw(settings?.accessMode === 'read write' ? 'begin immediate' : 'begin'));
      }
    })(this.config);
  }
}

async function openPostgres(url: string, schema: string, max: number): Promise<ReadStore> {
  // Read models commit without waiting for their WAL flush: a database crash can lose
  // the last batches, rows and checkpoints together, and the runner applies them again
  // from the log, which is written durably (docs/projections.md). Set for the session,
  // so a batch spends no round trip on it.
  const pool = new pg.Pool({ connectionString: url, max, options: `-c search_path="${schema}" -c synchronous_commit=off` });
  // A connection that dies while idle, or while held (the runner keeps one for its
  // advisory locks), must not crash the process: the next query on it fails instead.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  try {
    await pool.query(`create schema if not exists "${schema}"`);
  } catch (error) {
    // Another process created it at the same moment.
    if (!DUPLICATE_SCHEMA.includes((error as { code?: string }).code ?? '')) {
      await pool.end();
      throw error;
    }
  }
  const db: ReadDatabase = new Kysely({ dialect: new PostgresDialect({ pool }) });
  return { db, dialect: 'postgres', close: () => db.destroy() };
}
