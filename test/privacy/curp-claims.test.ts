/**
 * CURP claims live next to the data keys, not in the log: after an erasure the
 * CURP is free for a new servant and nothing in the log links it (or its HMAC)
 * to the erased one. On a real SQLite file and a real PostgreSQL schema,
 * through the whole application (its start runs the import of old claims).
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createApplication, type Application, type ApplicationConfig } from '../../src/app/application.js';
import { createOffice } from '../../src/application/create-office.js';
import { eventStreamsOf } from '../../src/app/event-streams.js';
import type { Office } from '../../src/application/office.js';
import { curpCheckDigit } from '../../src/domain/shared/validation.js';
import { PostgresEventStore } from '../../src/eventstore/postgres.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import type { NewEvent, RecordedEvent } from '../../src/eventstore/types.js';
import type { DataKeyStore } from '../../src/privacy/data-key-store.js';
import { importLegacyCurpClaims } from '../../src/privacy/legacy-curp-claims.js';
import { PostgresKeyStore } from '../../src/privacy/postgres-key-store.js';
import { SqliteKeyStore } from '../../src/privacy/sqlite-key-store.js';
import { M, Q } from '../graphql/support/documents.js';
import { startTestApi, TIJUANA, type TestApi } from '../graphql/support/api.js';
import { must } from '../graphql/support/scenario.js';
import { at, rejection } from '../support/office.js';
import { postgresTestSchema } from '../support/postgres.js';
import { startKurrentDbDouble } from '../support/kurrentdb-double/server.js';
import { temporarySqliteFile } from '../support/sqlite.js';

const curpOf = (first17: string) => first17 + curpCheckDigit(first17);
const CURP = curpOf('OAAM800101MBCLNR0');
const OTHER_CURP = curpOf('PEGJ750312HBCRRN0');
const THIRD_CURP = curpOf('LOSA900620MBCPNN0');
const ALREADY_REGISTERED = 'A servant with this CURP is already registered';

const probe = await postgresTestSchema();
await probe?.drop();

type Kind = 'sqlite' | 'postgres' | 'kurrentdb';

/** A database that can be opened again (a restart), with the same MASTER_KEY. */
interface Backend {
  config: ApplicationConfig;
  open(): Promise<Application>;
  /** The key store of an open application, as another process would open it. */
  keysOf(app: Application): Promise<DataKeyStore>;
  /** Runs SQL on the database, as an operator (or an older version of the code) would. */
  sql(app: Application, text: string): Promise<void>;
  remove(): Promise<void>;
}

async function migrated(keys: DataKeyStore): Promise<DataKeyStore> {
  await keys.migrate();
  return keys;
}

async function openBackend(kind: Kind): Promise<Backend> {
  const masterKey = randomBytes(32);
  const logger = pino({ level: 'silent' });
  if (kind === 'kurrentdb') {
    // The events in KurrentDB (its protocol double), the keys and claims in READ_STORE_URL's SQLite file.
    const [double, file] = await Promise.all([startKurrentDbDouble(), temporarySqliteFile()]);
    const config = { eventStoreUrl: double.url, readStoreUrl: `sqlite:${file.path}`, databaseSchema: 'public', masterKey };
    const connection = () => {
      const db = new Database(file.path);
      db.pragma('busy_timeout = 5000');
      return db;
    };
    const opened: Database.Database[] = [];
    return {
      config,
      open: () => createApplication(config, { logger }),
      keysOf: () => {
        const db = connection();
        opened.push(db);
        return migrated(new SqliteKeyStore(db, (fn) => fn()));
      },
      sql: async (_app, text) => {
        const db = connection();
        db.exec(text);
        db.close();
      },
      remove: async () => {
        for (const db of opened) db.close();
        await double.stop();
        await file.remove();
      },
    };
  }
  if (kind === 'sqlite') {
    const file = await temporarySqliteFile();
    const url = `sqlite:${file.path}`;
    const config = { eventStoreUrl: url, readStoreUrl: url, databaseSchema: 'public', masterKey };
    const sqlite = (app: Application) => app.store as SqliteEventStore;
    return {
      config,
      open: () => createApplication(config, { logger }),
      keysOf: (app) => migrated(new SqliteKeyStore(sqlite(app).database, (fn) => sqlite(app).withWriteLock(fn))),
      sql: async (app, text) => void sqlite(app).database.exec(text),
      remove: file.remove,
    };
  }
  const schema = (await postgresTestSchema())!;
  const config = { eventStoreUrl: schema.url, readStoreUrl: schema.url, databaseSchema: schema.schema, masterKey };
  const postgres = (app: Application) => app.store as PostgresEventStore;
  return {
    config,
    open: () => createApplication(config, { logger }),
    keysOf: (app) => migrated(new PostgresKeyStore(postgres(app).pool, schema.schema)),
    // SET LOCAL: the pooled connection goes back to the store with its own search_path.
    sql: async (app, text) => void (await postgres(app).pool.query(`BEGIN; SET LOCAL search_path TO "${schema.schema}"; ${text}; COMMIT`)),
    remove: schema.drop,
  };
}

const servantInput = (curp: string, extra: { id?: string; fullName?: string } = {}) => ({
  curp,
  fullName: extra.fullName ?? 'María de los Ángeles Olague Núñez',
  state: 'Baja California',
  municipality: 'Tijuana',
  department: 'Oficialía Mayor',
  regime: 'BASE' as const,
  unionized: true,
  id: extra.id,
});

/** CONFLICT, in words that name neither who holds the CURP nor where. */
async function expectAlreadyRegistered(promise: Promise<unknown>): Promise<void> {
  const error = await rejection(promise);
  expect({ code: error.code, message: error.message, details: error.details }).toEqual({ code: 'CONFLICT', message: ALREADY_REGISTERED, details: undefined });
}

async function everyEvent(app: Application): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0n; ; ) {
    const page = await app.store.readAll({ after, limit: 10_000 });
    if (page.length === 0) return events;
    events.push(...page);
    after = page.at(-1)!.position;
  }
}

/**
 * Nothing an auditor reads links the CURP to the erased servant: no event's
 * stream id, data or metadata holds the CURP or its HMAC, no claim event
 * exists, and the erased servant's id appears only in its own stream.
 */
function expectNoLink(events: readonly RecordedEvent[], curp: string, digest: string, erasedId: string): void {
  for (const event of events) {
    const text = JSON.stringify({ streamId: event.streamId, type: event.type, data: event.data, metadata: event.metadata });
    expect(text).not.toContain(curp);
    expect(text).not.toContain(digest);
    expect(event.type).not.toBe('CurpClaimed');
    if (text.includes(erasedId)) expect(event.streamId).toBe(`servant-${erasedId}`);
  }
}

/** A CurpClaimed event as the code before this change appended it. */
function oldClaim(servantId: string): NewEvent {
  return {
    id: randomUUID(),
    type: 'CurpClaimed',
    data: { servantId },
    metadata: { occurredAt: new Date().toISOString(), actor: 'old-version', commandId: null, correlationId: null, causationId: null, schemaVersion: 1 },
  };
}

describe.each(['sqlite', 'postgres', 'kurrentdb'] as const)('CURP claims on %s', (kind) => {
  const skip = kind === 'postgres' && probe === null;
  let backend: Backend | undefined;
  let app: Application | undefined;

  afterEach(async () => {
    await app?.close();
    await backend?.remove();
    app = backend = undefined;
  });

  const start = async () => {
    backend = await openBackend(kind);
    app = await backend.open();
    return app;
  };

  it.skipIf(skip)('frees the CURP on erasure: the same person registers anew as a new servant, and the log links neither to the other', async () => {
    const app = await start();
    const { servantId: erasedId } = await app.office.registerServant(servantInput(CURP), at('2017-02-01T00:00:00Z'));
    await expectAlreadyRegistered(app.office.registerServant(servantInput(CURP.toLowerCase()), at()));
    await app.office.erasePersonalData({ servantId: erasedId, reason: 'ARCO 2019/17' }, at());

    const again = await app.office.registerServant(servantInput(CURP, { fullName: 'María Olague Núñez' }), at());
    expect(again.servantId).not.toBe(erasedId);
    await app.readModel.waitFor(again.position);
    const digest = app.vault.curpDigest(CURP);
    expect(await app.readModel.servantByCurpDigest(digest)).toMatchObject({ id: again.servantId, curp: CURP, fullName: 'María Olague Núñez' });
    expect(await app.readModel.servantsByIds([erasedId])).toMatchObject([{ curp: null, personalDataErased: true }]);
    expectNoLink(await everyEvent(app), CURP, digest, erasedId);

    // The new servant's CURP is claimed as any other: a third registration is refused.
    const head = await app.store.headPosition();
    await expectAlreadyRegistered(app.office.registerServant(servantInput(CURP), at()));
    expect(await app.store.headPosition()).toBe(head);
  });

  it.skipIf(skip || kind !== 'sqlite')('leaves no claim of the erased servant on disk: the file holds no HMAC of its CURP once erased', async () => {
    const app = await start();
    const { servantId, position } = await app.office.registerServant(servantInput(CURP), at('2017-02-01T00:00:00Z'));
    await app.readModel.waitFor(position);
    const digest = Buffer.from(app.vault.curpDigest(CURP));
    const erased = await app.office.erasePersonalData({ servantId, reason: 'ARCO 2019/17' }, at());
    await app.readModel.waitFor(erased.position);
    const store = app.store as SqliteEventStore;
    store.database.pragma('wal_checkpoint(TRUNCATE)');
    expect((await readFile(store.path)).includes(digest)).toBe(false);
  });

  it.skipIf(skip)('refuses a duplicate CURP of a servant not erased, writing nothing and making no data key', async () => {
    const app = await start();
    await app.office.registerServant(servantInput(CURP), at());
    const head = await app.store.headPosition();
    for (const curp of [CURP, CURP.toLowerCase(), ` ${CURP} `]) {
      await expectAlreadyRegistered(app.office.registerServant(servantInput(curp, { id: randomUUID() }), at()));
    }
    expect(await app.store.headPosition()).toBe(head);
    expect((await everyEvent(app)).filter((e) => e.type === 'ServantRegistered')).toHaveLength(1);
  });

  it.skipIf(skip)('gives one servant to concurrent registrations of one CURP from several processes', async () => {
    const app = await start();
    // Each office has its own command handler: what separate API servers would have.
    const offices: Office[] = Array.from({ length: 4 }, () => createOffice(eventStreamsOf(app.store), app.vault));
    const results = await Promise.allSettled(
      Array.from({ length: 16 }, (_, i) => offices[i % offices.length].registerServant(servantInput(OTHER_CURP), at())),
    );
    const won = results.filter((r) => r.status === 'fulfilled');
    expect(won).toHaveLength(1);
    for (const lost of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) {
      expect(lost.reason).toMatchObject({ code: 'CONFLICT', message: ALREADY_REGISTERED });
    }
    expect((await everyEvent(app)).filter((e) => e.type === 'ServantRegistered')).toHaveLength(1);
  });

  it.skipIf(skip)('takes over a claim left by a crash between claim and registration once ABANDONED_CLAIM_MS has passed, never a live one', async () => {
    const app = await start();
    const crashed = randomUUID();
    // The claim of a registration whose process died before it appended anything.
    await app.vault.claimCurp(THIRD_CURP, crashed, new Date());
    const later = (ms: number) => at(undefined, { now: new Date(Date.now() + ms) });
    await expectAlreadyRegistered(app.office.registerServant(servantInput(THIRD_CURP), at()));
    const taken = await app.office.registerServant(servantInput(THIRD_CURP), later(61_000));
    expect(taken.servantId).not.toBe(crashed);
    // The new holder registered: however old its claim, it is never taken over.
    await expectAlreadyRegistered(app.office.registerServant(servantInput(THIRD_CURP), later(3_600_000)));
    // The crashed registration, retried with its own servant id, finds the CURP gone.
    await expectAlreadyRegistered(app.office.registerServant(servantInput(THIRD_CURP, { id: crashed }), later(3_600_000)));
  });

  it.skipIf(skip)('on a database with the old curp-* streams: live claims still hold, erased ones are free, and the import is idempotent', async () => {
    let app = await start();
    const live = randomUUID();
    const erased = randomUUID();
    const crashed = randomUUID();
    // What the code before this change wrote: each claim as an event on curp-{hmac}, just before the registration.
    const oldRegistration = async (curp: string, servantId: string) => {
      await app.store.append(`curp-${app.vault.curpDigest(curp)}`, [oldClaim(servantId)], { expectedVersion: 'no_stream' });
      await app.office.registerServant(servantInput(curp, { id: servantId }), at('2017-02-01T00:00:00Z'));
    };
    await oldRegistration(CURP, live);
    await oldRegistration(OTHER_CURP, erased);
    await app.office.erasePersonalData({ servantId: erased, reason: 'ARCO 2019/17' }, at());
    // A claim whose registration never came (a crash under the old code).
    await app.store.append(`curp-${app.vault.curpDigest(THIRD_CURP)}`, [oldClaim(crashed)], { expectedVersion: 'no_stream' });
    // Before this change the claim tables did not exist.
    await backend!.sql(app, 'DROP TABLE curp_claims; DROP TABLE legacy_curp_claims_import;');
    const oldLog = await everyEvent(app);
    await app.close();

    app = await backend!.open();
    // The old events stay as they were: the log is hash-chained.
    expect(await everyEvent(app)).toEqual(oldLog);
    await expectAlreadyRegistered(app.office.registerServant(servantInput(CURP), at()));
    const anew = await app.office.registerServant(servantInput(OTHER_CURP), at());
    expect(anew.servantId).not.toBe(erased);
    await expectAlreadyRegistered(app.office.registerServant(servantInput(THIRD_CURP), at()));
    await app.office.registerServant(servantInput(THIRD_CURP), at(undefined, { now: new Date(Date.now() + 61_000) }));

    // Imported again from the start, in small batches (another process, or a crash before it was marked done): nothing changes.
    const keys = await backend!.keysOf(app);
    await backend!.sql(app, 'DELETE FROM legacy_curp_claims_import');
    expect(await importLegacyCurpClaims(app.store, keys, 1)).toBe(3);
    expect(await keys.legacyImportProgress()).toEqual({ position: oldLog.at(-1)!.position, done: true });
    await expectAlreadyRegistered(app.office.registerServant(servantInput(OTHER_CURP), at()));
    await expectAlreadyRegistered(app.office.registerServant(servantInput(CURP), at()));
    // Done: a restart reads nothing.
    expect(await importLegacyCurpClaims(app.store, keys)).toBe(0);
    await app.close();
    app = await backend!.open();
    await expectAlreadyRegistered(app.office.registerServant(servantInput(CURP), at()));
    await expectAlreadyRegistered(app.office.registerServant(servantInput(OTHER_CURP), at()));
  });
});

describe.each(['sqlite', 'postgres'] as const)('CURP after erasure, through the real HTTP server on %s', (kind) => {
  let api: TestApi | null = null;
  afterEach(async () => {
    await api?.close();
    api = null;
  });

  it.skipIf(kind === 'postgres' && probe === null)('registerServant, erasePersonalData, registerServant again: a new servant with the same CURP', async () => {
    api = await startTestApi(kind);
    const admin = await api!.token('ADMIN');
    const input = { ...TIJUANA, curp: CURP, fullName: 'María Olague Núñez', department: 'Oficialía Mayor', regime: 'BASE', unionized: true };
    const first = must(await api!.gql(M.registerServant, { input }, admin)).registerServant.servant;
    const duplicate = await api!.gql(M.registerServant, { input }, admin);
    expect(duplicate.errors?.map((e) => [e.extensions.code, e.message])).toEqual([['CONFLICT', ALREADY_REGISTERED]]);
    expect(JSON.stringify(duplicate)).not.toContain(first.id);

    must(await api!.gql(M.erasePersonalData, { input: { servantId: first.id, reason: 'ARCO 2019/17' } }, admin));
    const second = must(await api!.gql(M.registerServant, { input }, admin)).registerServant.servant;
    expect(second).toMatchObject({ curp: CURP, fullName: 'María Olague Núñez', personalDataErased: false });
    expect(second.id).not.toBe(first.id);
    expect(must(await api!.gql(Q.servantByCurp, { curp: CURP }, admin)).servantByCurp).toMatchObject({ id: second.id });
    expect(must(await api!.gql(Q.servant, { id: first.id }, admin)).servant).toMatchObject({ curp: null, personalDataErased: true });

    const auditor = await api!.token('AUDITOR');
    const log = must(await api!.gql(Q.auditLog, { first: 500 }, auditor)).auditLog.edges.map((edge: any) => edge.node);
    const digest = api!.app.vault.curpDigest(CURP);
    for (const event of log) {
      const text = JSON.stringify(event);
      expect(text).not.toContain(digest);
      expect(event.type).not.toBe('CurpClaimed');
      if (text.includes(first.id)) expect(event.streamId).toBe(`servant-${first.id}`);
    }
    expect((await api!.gql(M.registerServant, { input }, admin)).errors?.[0]?.extensions.code).toBe('CONFLICT');
  });
});
