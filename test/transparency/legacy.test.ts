/**
 * Migrating a database from before the transparency log in place: its HMAC
 * checkpoints (made here the way the old code made them) are re-signed as C2SP
 * checkpoints of the tree at the same points, once the tree gets there; a
 * forged one, or one the log no longer matches, never is.
 */
import { createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyCheckpoint } from '../../docs/verify-log.mjs';
import type { LogCheckpoint } from '../../src/eventstore/types.js';
import type { SqlDialect } from '../../src/projections/projection.js';
import { checkLogExtends } from '../../src/transparency/audit.js';
import { adoptLegacyCheckpoints } from '../../src/transparency/legacy.js';
import { TransparencyLog } from '../../src/transparency/log.js';
import { migrateTreeTables } from '../../src/transparency/tree-store.js';
import { generateSignerKey, parseSignerKey } from '../../src/transparency/note.js';
import { type Backend, openBackend, postgresAvailable } from '../projections/fixtures/backends.js';
import { allEvents, appendEvents, projectTree } from './support/history.js';

const backends: [SqlDialect, boolean][] = [
  ['sqlite', true],
  ['postgres', await postgresAvailable()],
];

/** The pre-transparency signer: HMAC-SHA256 under a key derived from MASTER_KEY. */
function oldCheckpoint(masterKey: Buffer, position: bigint, globalHash: string): LogCheckpoint {
  const signedAt = '2025-06-01T12:00:00.000Z';
  const key = Buffer.from(hkdfSync('sha256', masterKey, '', 'acredita log checkpoint', 32));
  const signature = createHmac('sha256', key).update(`acredita-checkpoint:v1:${position}:${globalHash}:${signedAt}`).digest('hex');
  return { position, globalHash, signedAt, signature };
}

describe.each(backends)('legacy HMAC checkpoints on %s', (dialect, available) => {
  let backend: Backend | undefined;
  afterEach(async () => backend?.close());

  it.skipIf(!available)('genuine ones are re-signed at the same point once the tree is there; forged or outdated ones never', async () => {
    backend = await openBackend(dialect);
    await appendEvents(backend, 120);
    const masterKey = randomBytes(32);
    const events = await allEvents(backend);
    const store = backend.store as Required<Pick<typeof backend.store, 'saveCheckpoint'>> & typeof backend.store;
    await store.saveCheckpoint(oldCheckpoint(masterKey, events[49].position, events[49].globalHash!));
    await store.saveCheckpoint({ ...oldCheckpoint(masterKey, events[59].position, events[59].globalHash!), signature: 'ab'.repeat(32) });
    await store.saveCheckpoint(oldCheckpoint(masterKey, events[69].position, events[68].globalHash!));
    const signer = parseSignerKey(generateSignerKey('acredita.test/log'));
    const log = new TransparencyLog({ store: backend.store, db: backend.read.db, writeLock: backend.writeLock, signer, origin: 'acredita.test/log' });

    // As at a server's start: the runner has created the tree's tables but not caught up yet.
    await backend.writeLock(() => migrateTreeTables(backend!.read.db, dialect));
    const early = await adoptLegacyCheckpoints(backend.store, log, masterKey);
    expect(early).toMatchObject({ adopted: [], pending: 1 });
    expect(early.refused).toEqual([
      expect.stringMatching(/does not carry a valid HMAC for this MASTER_KEY/),
      expect.stringMatching(/no longer matches the log's global chain/),
    ]);

    await projectTree(backend);
    const adoption = await adoptLegacyCheckpoints(backend.store, log, masterKey);
    expect(adoption).toMatchObject({ adopted: [50], pending: 0 });
    const kept = (await log.checkpointOf(50))!;
    const checked = verifyCheckpoint(kept.note, signer.vkey);
    expect(checked.size).toBe(50n);
    expect((await checkLogExtends(backend.store, [{ origin: checked.origin, size: 50, root: checked.root }])).ok).toBe(true);
    // Run again (each keeper tick does until nothing is pending): nothing new.
    expect((await adoptLegacyCheckpoints(backend.store, log, masterKey)).adopted).toEqual([50]);
    expect((await log.latestCheckpoint())!.size).toBe(50);
    // A wrong MASTER_KEY re-signs nothing.
    expect((await adoptLegacyCheckpoints(backend.store, log, randomBytes(32))).adopted).toEqual([]);
  });
});
