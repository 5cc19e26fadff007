/**
 * Tamper evidence on SQLite and PostgreSQL: changed data, a deleted middle
 * event, a deleted newest event of a stream, reordered events, a truncated log
 * tail, a chain rewritten by someone holding the database, and the in-place
 * upgrade of a log written before the global chain.
 */
import { randomBytes } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CheckpointSigner, createCheckpoint, formatCheckpoint, parseCheckpoints } from '../../src/eventstore/checkpoints.js';
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
  const signer = new CheckpointSigner(randomBytes(32));

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

  it('an untouched log verifies, global chain, head record and checkpoint included', async () => {
    await createCheckpoint(kit.store, signer);
    const events = await all();
    expect(events.map((event) => event.position)).toEqual([1n, 2n, 3n, 4n, 5n, 6n, 7n, 8n]);
    let globalHash = '';
    for (const event of events) {
      globalHash = globalChainHash(globalHash, event.hash);
      expect(event.globalHash).toBe(globalHash);
    }
    expect(await kit.store.logHead()).toEqual({ position: 8n, globalHash });
    expect(await verifyIntegrity(kit.store, { signer })).toEqual({
      ok: true,
      checkedEvents: 8,
      brokenStreamId: null,
      brokenRevision: null,
      brokenPosition: null,
      reason: null,
      checkedCheckpoints: 2,
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

    it('with the head record rewritten too: seen against a stored signed checkpoint, not by any chain', async () => {
      const checkpoint = await createCheckpoint(kit.store, signer);
      await truncate();
      await coverTracks();
      const report = await verifyIntegrity(kit.store, { signer });
      expect(report).toMatchObject({ ok: false, brokenPosition: 8n });
      expect(report.reason).toBe(
        `The checkpoint signed at ${checkpoint.signedAt} (stored) says the log reached position 8, but it ends at position 6: the newest events of the log were deleted (tail truncation).`,
      );
    });

    it('with the stored checkpoints deleted too: seen only against the line an auditor kept outside', async () => {
      const kept = formatCheckpoint(await createCheckpoint(kit.store, signer));
      await truncate();
      await coverTracks();
      await kit.sql(`delete from {log_checkpoints}`);
      expect(await verifyIntegrity(kit.store, { signer })).toMatchObject({ ok: true, checkedEvents: 6 });
      const report = await verifyIntegrity(kit.store, { signer, checkpoints: parseCheckpoints(kept) });
      expect(report).toMatchObject({ ok: false, brokenPosition: 8n });
      expect(report.reason).toMatch(/\(the auditor's\) says the log reached position 8, but it ends at position 6/);
    });
  });

  describe('a chain rewritten by someone holding the database but not MASTER_KEY', () => {
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

    it('passes every chain, and is seen against a checkpoint signed before', async () => {
      const checkpoint = await createCheckpoint(kit.store, signer);
      await rewrite();
      await kit.sql(`delete from {log_checkpoints}`);
      expect(await verifyIntegrity(kit.store)).toMatchObject({ ok: true, checkedEvents: 8 });
      const report = await verifyIntegrity(kit.store, { signer, checkpoints: [checkpoint] });
      expect(report).toMatchObject({ ok: false, brokenStreamId: 'servant-c', brokenRevision: 1, brokenPosition: 8n });
      expect(report.reason).toMatch(/says the log had global hash [0-9a-f]{12}… at this position; it now has [0-9a-f]{12}…: the log was rewritten up to here/);
    });

    it('cannot forge a checkpoint to match: a signature made without MASTER_KEY is refused', async () => {
      await createCheckpoint(kit.store, signer);
      await rewrite();
      const head = await kit.store.logHead();
      await kit.sql(`update {log_checkpoints} set global_hash = $1`, [head.globalHash]);
      const report = await verifyIntegrity(kit.store, { signer });
      expect(report).toMatchObject({ ok: false, brokenPosition: 8n, checkedEvents: 0 });
      expect(report.reason).toMatch(/\(stored\) does not carry a valid signature: it was forged or altered/);
      await kit.sql(`delete from {log_checkpoints}`);
      await kit.store.saveCheckpoint(new CheckpointSigner(randomBytes(32)).sign(head));
      expect((await verifyIntegrity(kit.store, { signer })).reason).toMatch(/does not carry a valid signature/);
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

describe('checkpoint lines', () => {
  it('print on one line, read back, and hold only for the MASTER_KEY that signed them', () => {
    const signer = new CheckpointSigner(randomBytes(32));
    const checkpoint = signer.sign({ position: 410n, globalHash: 'ab'.repeat(32) }, new Date('2018-09-18T17:00:00.000Z'));
    const line = formatCheckpoint(checkpoint);
    expect(line).toMatch(/^acredita-checkpoint v1 position=410 globalHash=(ab){32} signedAt=2018-09-18T17:00:00.000Z hmac=[0-9a-f]{64}$/);
    expect(parseCheckpoints(`# kept by the auditor\n\n${line}\n`)).toEqual([checkpoint]);
    expect(signer.isGenuine(checkpoint)).toBe(true);
    expect(signer.isGenuine({ ...checkpoint, position: 411n })).toBe(false);
    expect(new CheckpointSigner(randomBytes(32)).isGenuine(checkpoint)).toBe(false);
    expect(() => parseCheckpoints(`${line}\nposition=5`)).toThrow(/Line 2 is not a checkpoint line/);
  });
});
