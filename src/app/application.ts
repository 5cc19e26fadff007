import { realpathSync } from 'node:fs';
import { Mutex } from 'async-mutex';
import Database from 'better-sqlite3';
import pg from 'pg';
import type { Logger } from 'pino';
import { createOffice } from '../application/create-office.js';
import type { Office } from '../application/office.js';
import type { PersonalDataVault } from '../domain/servants/personal-data.js';
import { createEventStore } from '../eventstore/factory.js';
import { PostgresEventStore } from '../eventstore/postgres.js';
import { SqliteEventStore } from '../eventstore/sqlite.js';
import { SqliteFiles } from '../eventstore/sqlite-files.js';
import { parseReadStoreUrl, type ReadStoreLocation } from '../eventstore/store-url.js';
import type { EventStore } from '../eventstore/types.js';
import type { DataKeyStore } from '../privacy/data-key-store.js';
import { PostgresKeyStore } from '../privacy/postgres-key-store.js';
import { SqliteKeyStore } from '../privacy/sqlite-key-store.js';
import { importLegacyCurpClaims } from '../privacy/legacy-curp-claims.js';
import { PersonalDataAccessRecord } from '../privacy/access-record.js';
import { EnvelopeVault } from '../privacy/vault.js';
import { createAllProjections } from '../projections/all.js';
import { eventsConnectionWriter, openReadDatabase, type ReadStore } from '../projections/database.js';
import type { Projection, ReadDatabase } from '../projections/projection.js';
import type { ReadModel } from '../projections/read-model.js';
import { ProjectionRunner } from '../projections/runner.js';
import { SqlReadModel } from '../projections/sql-read-model.js';
import type { WriteLock } from '../projections/transaction.js';
import { Webhooks } from '../notifications/webhooks/webhooks.js';
import { TransparencyLog } from '../transparency/log.js';
import { generateSignerKey, parseSignerKey, parseVerifierKey } from '../transparency/note.js';
import type { AppConfig } from './config.js';
import { eventStreamsOf } from './event-streams.js';

/** Everything a server, the CLI or a test needs, wired once. */
export interface Application {
  office: Office;
  readModel: ReadModel;
  store: EventStore;
  vault: PersonalDataVault;
  runner: ProjectionRunner;
  readStore: ReadStore;
  /** Where projections and rebuilds write: the events' own connection when both share a SQLite file, else `readStore.db`. */
  projectionDb: ReadDatabase;
  projections: readonly Projection[];
  /** The write lock read-model transactions take (SQLite sharing a file with appends). */
  writeLock: WriteLock | undefined;
  /** Webhook registrations and deliveries; `serve` starts its dispatcher (src/notifications/webhooks). */
  webhooks: Webhooks;
  /** The log's Merkle tree: checkpoints, proofs, tiles (src/transparency). */
  transparency: TransparencyLog;
  /** Who was shown personal data (src/privacy/access-record.ts). */
  accessRecord: PersonalDataAccessRecord;
  /** True while the store answers and no projection is stopped. */
  healthy(): Promise<boolean>;
  close(): Promise<void>;
}

export type ApplicationConfig = Pick<AppConfig, 'eventStoreUrl' | 'readStoreUrl' | 'databaseSchema' | 'masterKey'> &
  /** Absent (tests): the defaults, private addresses refused. */
  Partial<Pick<AppConfig, 'webhooks'>> &
  /** Absent (tests): a key made for this process only, origin localhost/log. */
  Partial<Pick<AppConfig, 'transparency'>>;

export interface ApplicationOptions {
  logger: Logger;
  /** Start projecting right away (default true). `rebuild` and `verify` do not. */
  project?: boolean;
}

/** Where the data keys and CURP claims live: next to the read models, never in the event log. */
function openKeyStore(
  store: EventStore,
  readLocation: ReadStoreLocation,
  schema: string,
  writeLock: WriteLock | undefined,
): { keys: DataKeyStore; close(): Promise<void> } {
  if (store instanceof SqliteEventStore) return { keys: new SqliteKeyStore(store.database, (fn) => store.withWriteLock(fn)), close: async () => {} };
  if (store instanceof PostgresEventStore) return { keys: new PostgresKeyStore(store.pool, store.schema), close: async () => {} };
  // KurrentDB: READ_STORE_URL holds read models and keys.
  if (readLocation.backend === 'sqlite' && writeLock) {
    const db = new Database(readLocation.path);
    db.pragma('busy_timeout = 5000');
    return { keys: new SqliteKeyStore(db, writeLock), close: async () => void db.close() };
  }
  const pool = new pg.Pool({ connectionString: readLocation.backend === 'postgres' ? readLocation.url : undefined, max: 2 });
  // A connection the database ends (restart, failover) must fail the next query, not crash the process.
  pool.on('error', () => {});
  pool.on('connect', (client) => client.on('error', () => {}));
  return { keys: new PostgresKeyStore(pool, schema, { eventsElsewhere: true }), close: () => pool.end() };
}

/** The SQLite file of the read models is the events' own (both are open by now). */
function sameFile(store: SqliteEventStore, readLocation: ReadStoreLocation): boolean {
  return readLocation.backend === 'sqlite' && realpathSync(store.path) === realpathSync(readLocation.path);
}

export async function createApplication(config: ApplicationConfig, options: ApplicationOptions): Promise<Application> {
  // This application's SQLite write locks, append notifiers and WAL flush worker, closed with it.
  const sqliteFiles = new SqliteFiles();
  const store = await createEventStore(config.eventStoreUrl, { schema: config.databaseSchema, sqliteFiles });
  const readLocation = parseReadStoreUrl(config.readStoreUrl);
  const readStore = await openReadDatabase(config.readStoreUrl, { schema: config.databaseSchema });
  const writeLock: WriteLock | undefined =
    store instanceof SqliteEventStore ? (fn) => store.withWriteLock(fn) : readLocation.backend === 'sqlite' ? separateFileLock() : undefined;
  const { keys, close: closeKeys } = openKeyStore(store, readLocation, config.databaseSchema, writeLock);
  await keys.migrate();
  // Before any registration: the claims of databases written when they were CurpClaimed events.
  await importLegacyCurpClaims(store, keys);
  const vault = new EnvelopeVault(config.masterKey, keys);
  const projections = createAllProjections({ dialect: readStore.dialect, vault });
  const projectionDb =
    store instanceof SqliteEventStore && sameFile(store, readLocation) ? eventsConnectionWriter(store.database) : readStore.db;
  const runner = new ProjectionRunner({ store, db: projectionDb, readDb: readStore.db, dialect: readStore.dialect, projections, writeLock, logger: options.logger });
  if (options.project !== false) await runner.start();
  const readModel = new SqlReadModel({ db: readStore.db, dialect: readStore.dialect, runner });
  const office = createOffice(eventStreamsOf(store), vault);
  const accessRecord = new PersonalDataAccessRecord({ writeDb: projectionDb, readDb: readStore.db, dialect: readStore.dialect, writeLock });
  await accessRecord.migrate();
  // Written like the read models: on SQLite through the events connection, under the write lock.
  const webhooks = await Webhooks.open({
    db: projectionDb,
    dialect: readStore.dialect,
    writeLock,
    store,
    readModel,
    masterKey: config.masterKey,
    settings: config.webhooks,
    logger: options.logger,
  });
  const logSettings = config.transparency ?? { signingKey: generateSignerKey('localhost/log'), logOrigin: 'localhost/log', witnessKeys: [] };
  const transparency = new TransparencyLog({
    store,
    db: readStore.db,
    writeDb: projectionDb,
    writeLock,
    signer: parseSignerKey(logSettings.signingKey),
    origin: logSettings.logOrigin,
    witnesses: logSettings.witnessKeys.map(parseVerifierKey),
  });

  return {
    office,
    readModel,
    store,
    accessRecord,
    vault,
    runner,
    readStore,
    projectionDb,
    projections,
    writeLock,
    webhooks,
    transparency,
    async healthy() {
      try {
        await store.headPosition();
        return (await runner.status()).every((status) => status.lastError === null);
      } catch {
        return false;
      }
    },
    async close() {
      await webhooks.stop();
      await runner.stop();
      await closeKeys();
      if (projectionDb !== readStore.db) await projectionDb.destroy();
      await readStore.close();
      await store.close();
      await sqliteFiles.close();
    },
  };
}

function separateFileLock(): WriteLock {
  const mutex = new Mutex();
  return (fn) => mutex.runExclusive(fn);
}
