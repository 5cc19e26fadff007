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
    expect(await keys.getMany([servantId])).toEqual(new Map());
    expect(await keys.putIfAbsent(servantId, first)).toEqual(first);
    expect(await keys.putIfAbsent(servantId, randomBytes(60))).toEqual(first);
    expect(await keys.getMany([servantId])).toEqual(new Map([[servantId, first]]));
  });

  it('claimCurp: the first claim wins and stores its key with it; others get the holder and no key; erasure frees the CURP', async (ctx) => {
    if (!opened) return ctx.skip();
    const { keys } = opened;
    const digest = randomBytes(32).toString('hex');
    const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
    const at = new Date('2026-01-01T00:00:00.000Z');
    const key = randomBytes(60);
    expect(await keys.claimCurp(digest, first, at, key)).toEqual({ servantId: first, claimedAt: at, wrappedKey: key });
    // A retry of the same servant keeps its claim and its first key.
    expect(await keys.claimCurp(digest, first, new Date(), randomBytes(60))).toEqual({ servantId: first, claimedAt: at, wrappedKey: key });
    expect(await keys.claimCurp(digest, second, new Date(), randomBytes(60))).toEqual({ servantId: first, claimedAt: at, wrappedKey: null });
    expect(await keys.getMany([second])).toEqual(new Map());
    // Take-over is compare-and-set on the holder.
    expect(await keys.takeOverCurp(digest, second, third, new Date())).toBe(false);
    await keys.erase(first);
    const later = new Date('2026-01-02T00:00:00.000Z');
    expect(await keys.claimCurp(digest, second, later, key)).toEqual({ servantId: second, claimedAt: later, wrappedKey: key });
    // The erased servant can claim nothing again.
    await expect(keys.claimCurp(randomBytes(32).toString('hex'), first, new Date(), key)).rejects.toMatchObject({ rule: 'PERSONAL_DATA_ERASED' });
  });

  it('claimCurps: each claim as claimCurp would answer it, in order, in one call; null for an erased servant', async (ctx) => {
    if (!opened) return ctx.skip();
    const { keys } = opened;
    const [held, free, other] = [randomBytes(32).toString('hex'), randomBytes(32).toString('hex'), randomBytes(32).toString('hex')];
    const [holder, retrying, newcomer, loser, erased] = [randomUUID(), randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const before = new Date('2026-02-01T00:00:00.000Z');
    const at = new Date('2026-02-02T00:00:00.000Z');
    const [heldKey, retryKey, newKey] = [randomBytes(60), randomBytes(60), randomBytes(60)];
    await keys.claimCurp(held, holder, before, heldKey);
    await keys.claimCurp(other, retrying, before, retryKey);
    await keys.putIfAbsent(erased, randomBytes(60));
    await keys.erase(erased);

    const answers = await keys.claimCurps(
      [
        { curpDigest: free, servantId: newcomer, wrapped: newKey },
        { curpDigest: held, servantId: loser, wrapped: randomBytes(60) },
        { curpDigest: other, servantId: retrying, wrapped: randomBytes(60) },
        { curpDigest: randomBytes(32).toString('hex'), servantId: erased, wrapped: randomBytes(60) },
      ],
      at,
    );
    expect(answers).toEqual([
      { servantId: newcomer, claimedAt: at, wrappedKey: newKey },
      { servantId: holder, claimedAt: before, wrappedKey: null },
      // A retry keeps its claim and its first key.
      { servantId: retrying, claimedAt: before, wrappedKey: retryKey },
      null,
    ]);
    expect(await keys.getMany([newcomer, loser, erased])).toEqual(new Map([[newcomer, newKey]]));
    expect(await keys.claimCurps([], at)).toEqual([]);
  });

  it('getMany answers only the servants that have a key, in one read', async (ctx) => {
    if (!opened) return ctx.skip();
    const { keys } = opened;
    const [a, b, erased, never] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    const [keyA, keyB] = [randomBytes(60), randomBytes(60)];
    await keys.putIfAbsent(a, keyA);
    await keys.putIfAbsent(b, keyB);
    await keys.putIfAbsent(erased, randomBytes(60));
    await keys.erase(erased);
    expect(await keys.getMany([never, b, erased, a])).toEqual(new Map([[b, keyB], [a, keyA]]));
    expect(await keys.getMany([])).toEqual(new Map());
  });

  it('refuses a key for an erased servant, for good', async (ctx) => {
    if (!opened) return ctx.skip();
    const { keys } = opened;
    const servantId = randomUUID();
    await keys.putIfAbsent(servantId, randomBytes(60));
    await keys.erase(servantId);
    await keys.erase(servantId);
    expect(await keys.getMany([servantId])).toEqual(new Map());
    const refused = await keys.putIfAbsent(servantId, randomBytes(60)).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(AcreditaError);
    expect((refused as AcreditaError).rule).toBe('PERSONAL_DATA_ERASED');
    expect(await keys.getMany([servantId])).toEqual(new Map());
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

  it('vault: openMany opens many servants in their order with one read of the keys it has not cached', async (ctx) => {
    if (!opened) return ctx.skip();
    const masterKey = randomBytes(32);
    const sealing = new EnvelopeVault(masterKey, opened.keys);
    const people = ['OAAM800101MBCLNR09', 'PEGJ750312HBCRRN02', 'LOSA900620MBCPNN05'].map((curp, i) => ({
      servantId: randomUUID(),
      data: { curp, fullName: `Servidora ${i}` },
    }));
    const items = await Promise.all(people.map(async ({ servantId, data }) => ({ servantId, sealed: (await sealing.sealerFor(servantId))(data) })));
    await sealing.erase(people[1].servantId);

    // A second vault (another process, nothing cached) over the same key store, counting its reads.
    const reads: string[][] = [];
    const counted: DataKeyStore = {
      migrate: () => opened!.keys.migrate(),
      getMany: (ids) => (reads.push([...ids]), opened!.keys.getMany(ids)),
      putIfAbsent: (id, wrapped) => opened!.keys.putIfAbsent(id, wrapped),
      erase: (id) => opened!.keys.erase(id),
      claimCurp: (digest, id, at, wrapped) => opened!.keys.claimCurp(digest, id, at, wrapped),
      claimCurps: (claims, at) => opened!.keys.claimCurps(claims, at),
      takeOverCurp: (digest, holder, id, at) => opened!.keys.takeOverCurp(digest, holder, id, at),
      importLegacyClaims: (batch) => opened!.keys.importLegacyClaims(batch),
      legacyImportProgress: () => opened!.keys.legacyImportProgress(),
    };
    const reader = new EnvelopeVault(masterKey, counted);
    expect(await reader.openMany([items[2], items[0], items[1], items[0]])).toEqual([people[2].data, people[0].data, null, people[0].data]);
    expect(reads).toEqual([[items[2].servantId, items[0].servantId, items[1].servantId]]);
    // Cached now: no read for the keys it holds, one for the erased servant it could not find.
    expect(await reader.openMany([items[0], items[2]])).toEqual([people[0].data, people[2].data]);
    expect(await reader.open(items[1].servantId, items[1].sealed)).toBeNull();
    expect(reads).toHaveLength(2);
    expect(await reader.openMany([])).toEqual([]);
  });
});
