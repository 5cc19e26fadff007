/**
 * Tamper evidence on SQLite and PostgreSQL: changed data, a deleted middle
 * event, a deleted newest event of a stream, reordered events, a truncated log
 * tail, a chain rewritten by someone holding the database, and the in-place
 * upgrade of a log written before the global chain. What no chain can see (a
 * rewrite with every hash recomputed) the transparency log's signed
 * checkpoints catch: test/transparency/log.test.ts.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventHash, globalChainHash } from '../../src/eventstore/hashing.js';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import { postgresTestSchema } from '../support/postgres.js';
import { numberedEvents } from './support/events.js';
import { openTamperKit, type SqlBackend, type TamperKit } from './support/tamper.js';

const probe = await postgresTestSchema();
await probe?.drop();
const backends: SqlBackend[] = probe === null ? ['sqlite'] : ['sqlite', 'postgres'];

describe.each(backends)('tamper evidence (%s)', (backend) => {
  let kit: TamperKit;

  beforeEach(async () => {
    kit = (await openTamperKit(backend))!;
    // Positions: certification-a 1-3, servant-b 4-5, certification-a 6, servant-c 7-8.
    await kit.store.append('certification-a', numberedEvents(3));
    await kit.store.append('servant-b', numberedEvents(2));
    await kit.store.append('certification-a', numberedEvents(1, 3));
    await kit.store.append('servant-c', numberedEvents(2));
  });
  afterEach(() => kit.close());

  const all = async (): Promise<RecordedEvent[]> => kit.store.readAll({ limit: 100 });

  it('an untouched log verifies, global chain and head record included', async () => {
    const events = await all();
    expect(events.map((event) => event.position)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    let globalHash = '';
    for (const event of events) {
      globalHash = globalChainHash(globalHash, event.hash);
      expect(event.globalHash).toBe(globalHash);
    }
    expect(await kit.store.logHead()).toEqual({ position: 8n, globalHash });
    expect(await verifyIntegrity(kit.store)).toEqual({
      ok: true,
      checkedEvents: 8,
      brokenStreamId: null,
      brokenRevision: null,
      brokenPosition: null,
      reason: null,
      checkedCheckpoints: 1,
    });
  });

  it('changed data: named by stream, revision and position', async () => {
    await kit.sql(`update {events} set data = $1 where position = 2`, [JSON.stringify({ n: 1, verdict: 'COMPETENT' })]);
    const report = await verifyIntegrity(kit.store);
    expect(report).toMatchObject({ ok: false, brokenStreamId: 'certification-a', brokenRevision: 1, brokenPosition: 2n, checkedEvents: 1 });
    expect(report.reason).toBe('Its stored hash does not match its content: the event was changed after it was recorded.');
  });

  it('a deleted middle event: the next event of its stream names the gap', async () => {
    await kit.sql(`delete from {events} where position = 2`);
    const report = await verifyIntegrity(kit.store);
    expect(report).toMatchObject({ ok: false, brokenStreamId: 'certification-a', brokenRevision: 2, brokenPosition: 3n });
    expect(report.reason).toMatch(/Revision 2 follows revision 0: an event is missing/);
  });

  it("a stream's newest event deleted: its stream looks whole, the global chain names the missing position", async () => {
    await kit.sql(`delete from {events} where position = 6`);
    expect(await verifyIntegrity(kit.store, { streamId: 'certification-a' })).toMatchObject({ ok: true, checkedEvents: 3 });
    const report = await verifyIntegrity(kit.store);
    expect(report).toMatchObject({ ok: false, brokenStreamId: 'servant-c', brokenRevision: 0, brokenPosition: 7n, checkedEvents: 5 });
    expect(report.reason).toBe(
      'The global chain breaks here: it does not continue from position 5, and position 6 is missing: the event(s) recorded there were deleted.',
    );
  });

  it('two events of different streams swapped in the log: each stream still in order, the global chain breaks', async () => {
    const [, , , , fifth, sixth] = await all();
    await kit.sql(`delete from {events} where position in (5, 6)`);
    await kit.insertRow({ ...sixth, position: 5n });
    await kit.insertRow({ ...fifth, position: 6n });
    expect(await verifyIntegrity(kit.store, { streamId: 'certification-a' })).toMatchObject({ ok: true });
    expect(await verifyIntegrity(kit.store, { streamId: 'servant-b' })).toMatchObject({ ok: true });
    const report = await verifyIntegrity(kit.store);
    expect(report).toMatchObject({ ok: false, brokenStreamId: 'certification-a', brokenRevision: 3, brokenPosition: 5n });
    expect(report.reason).toMatch(/does not continue from position 4, the event before it in the log: events were reordered/);
  });

  describe('tail truncation (the newest events of the whole log deleted)', () => {
    const truncate = () => kit.sql(`delete from {events} where position > 6`);
    /** What a careful attacker adds: the head record and stream heads made to agree with the shorter log. */
    async function coverTracks(): Promise<void> {
      const sixth = (await all()).at(-1)!;
      await kit.sql(`update {log_head} set position = 6, global_hash = $1`, [sixth.globalHash]);
      await kit.sql(`delete from {streams} where stream_id = 'servant-c'`);
    }

    it('is seen against the head record', async () => {
      await truncate();
      const report = await verifyIntegrity(kit.store);
      expect(report).toMatchObject({ ok: false, brokenStreamId: null, brokenRevision: null, brokenPosition: 8n, checkedEvents: 6 });
      expect(report.reason).toBe(
        "The store's head record says the log reached position 8, but it ends at position 6: the newest events of the log were deleted (tail truncation).",
      );
    });

    it('with the head record rewritten too: no chain sees it (the signed checkpoints of test/transparency do)', async () => {
      await truncate();
      await coverTracks();
      expect(await verifyIntegrity(kit.store)).toMatchObject({ ok: true, checkedEvents: 6 });
    });

    it('a legacy HMAC checkpoint a database from before the transparency log still holds is held against the log', async () => {
      await kit.sql(`insert into {log_checkpoints} (position, global_hash, signed_at, signature) values (8, $1, $2, $3)`, [
        (await kit.store.logHead()).globalHash,
        '2026-01-01T00:00:00.000Z',
        '0'.repeat(64),
      ]);
      await truncate();
      await coverTracks();
      const report = await verifyIntegrity(kit.store);
      expect(report).toMatchObject({ ok: false, brokenPosition: 8n });
      expect(report.reason).toMatch(/The legacy checkpoint signed at 2026-01-01T00:00:00.000Z says the log reached position 8, but it ends at position 6/);
    });
  });

  describe('a chain rewritten by someone holding the database', () => {
    /** Changes certification-a revision 1 and recomputes every hash after it, as an attacker with SQL access can. */
    async function rewrite(): Promise<void> {
      const events = await all();
      const lastHashes = new Map<string, string>();
      let globalHash = '';
      for (const event of events) {
        const data = event.position === 2n ? { n: 1, verdict: 'COMPETENT' } : event.data;
        const previousHash = lastHashes.get(event.streamId) ?? null;
        const hash = eventHash(previousHash, { ...event, data });
        globalHash = globalChainHash(globalHash, hash);
        lastHashes.set(event.streamId, hash);
        await kit.sql(`update {events} set data = $1, previous_hash = $2, hash = $3, global_hash = $4 where position = $5`, [
          JSON.stringify(data),
          previousHash,
          hash,
          globalHash,
          event.position.toString(),
        ]);
      }
      await kit.sql(`update {log_head} set global_hash = $1`, [globalHash]);
    }

    it('passes every chain (the signed checkpoints of test/transparency catch it)', async () => {
      await rewrite();
      expect(await verifyIntegrity(kit.store)).toMatchObject({ ok: true, checkedEvents: 8 });
    });
  });

  it('an event inserted outside the append path, without a global hash, is named', async () => {
    const last = (await all()).at(-1)!;
    const hash = eventHash(last.hash, { ...last, revision: 2, id: '3b1c9a52-34a6-4a57-8f0e-41f3d59f3d10' });
    await kit.insertRow({ ...last, id: '3b1c9a52-34a6-4a57-8f0e-41f3d59f3d10', revision: 2, position: 9n, previousHash: last.hash, hash, globalHash: null });
    const report = await verifyIntegrity(kit.store);
    expect(report).toMatchObject({ ok: false, brokenStreamId: 'servant-c', brokenRevision: 2, brokenPosition: 9n });
    expect(report.reason).toMatch(/no global hash/);
  });

  it('upgrades a log written before the global chain in place, with the same hashes, and appends continue the chain', async () => {
    // Past position 9, so an upgrade that ordered positions as text ('10' < '9') would chain them wrongly.
    await kit.store.append('servant-e', numberedEvents(12));
    const before = await all();
    await kit.sql(`drop table {log_head}`);
    await kit.sql(`alter table {events} drop column global_hash`);
    const store = await kit.reopen();
    const after = await store.readAll({ limit: 100 });
    expect(after.map((event) => event.globalHash)).toEqual(before.map((event) => event.globalHash));
    expect(await store.logHead()).toEqual({ position: 20n, globalHash: before.at(-1)!.globalHash });
    await store.append('servant-d', numberedEvents(1));
    const report = await verifyIntegrity(store);
    expect(report).toMatchObject({ ok: true, checkedEvents: 21 });
  });
});
