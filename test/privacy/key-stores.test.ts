import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AcreditaError } from '../../src/domain/shared/errors.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import type { DataKeyStore } from '../../src/privacy/data-key-store.js';
import { PostgresKeyStore } from '../../src/privacy/postgres-key-store.js';
import { SqliteKeyStore } from '../../src/privacy/sqlite-key-store.js';
import { EnvelopeVault } from '../../src/privacy/vault.js';
import { postgresTestSchema, testDatabaseUrl } from '../support/postgres.js';
import { temporarySqliteFile } from '../support/sqlite.js';

async function openKeyStore(backend: 'sqlite' | 'postgres'): Promise<{ keys: DataKeyStore; close(): Promise<void> } | null> {
  if (backend === 'sqlite') {
    const file = await temporarySqliteFile();
    const store = new SqliteEventStore(file.path);
    return { keys: new SqliteKeyStore(store.database, (fn) => store.withWriteLock(fn)), close: async () => { await store.close(); await file.remove(); } };
  }
  const schema = await postgresTestSchema();
  if (!schema) return null;
  const pool = new pg.Pool({ connectionString: testDatabaseUrl, max: 2 });
  return { keys: new PostgresKeyStore(pool, schema.schema), close: async () => { await pool.end(); await schema.drop(); } };
}

describe.each(['sqlite', 'postgres'] as const)('data key store on %s', (backend) => {
  let opened: Awaited<ReturnType<typeof openKeyStore>>;
  beforeAll(async () => {
    opened = await openKeyStore(backend);
    await opened?.keys.migrate();
  });
  afterAll(() => opened?.close());

  it('stores a key once: a second put returns the first key', async (ctx) => {
    if (!opened) return ctx.skip();
    const { keys } = opened;
    const servantId = randomUUID();
    const first = randomBytes(60);
    expect(await keys.get(servantId)).toBeNull();
    expect(await keys.putIfAbsent(servantId, first)).toEqual(first);
    expect(await keys.putIfAbsent(servantId, randomBytes(60))).toEqual(first);
    expect(await keys.get(servantId)).toEqual(first);
  });

  it('refuses a key for an erased servant, for good', async (ctx) => {
    if (!opened) return ctx.skip();
    const { keys } = opened;
    const servantId = randomUUID();
    await keys.putIfAbsent(servantId, randomBytes(60));
    await keys.erase(servantId);
    await keys.erase(servantId);
    expect(await keys.get(servantId)).toBeNull();
    const refused = await keys.putIfAbsent(servantId, randomBytes(60)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AcreditaError);
    expect((refused as AcreditaError).rule).toBe('PERSONAL_DATA_ERASED');
    expect(await keys.get(servantId)).toBeNull();
  });

  it('vault: one key per servant across vaults, none after erasure', async (ctx) => {
    if (!opened) return ctx.skip();
    const masterKey = randomBytes(32);
    // Two vaults on one key store: two processes, each with its own key cache.
    const [a, b] = [new EnvelopeVault(masterKey, opened.keys), new EnvelopeVault(masterKey, opened.keys)];
    const servantId = randomUUID();
    const data = { curp: 'OAAM800101MBCLNR09', fullName: 'María Olague' };
    const sealed = (await a.sealerFor(servantId))(data);
    expect(await b.open(servantId, (await b.sealerFor(servantId))(data))).toEqual(data);
    expect(await b.open(servantId, sealed)).toEqual(data);
    await a.erase(servantId);
    expect(await a.open(servantId, sealed)).toBeNull();
    expect(((await a.sealerFor(servantId).catch((e: unknown) => e)) as AcreditaError).rule).toBe('PERSONAL_DATA_ERASED');
  });
});
