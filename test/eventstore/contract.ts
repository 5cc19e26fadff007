/**
 * The behaviour every EventStore backend must show. Each backend's test file
 * calls describeEventStoreContract with a way to open a fresh, empty store.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DuplicateEventIdError,
  InvalidEventStoreInputError,
  WrongExpectedVersionError,
} from '../../src/eventstore/errors.js';
import { eventHash } from '../../src/eventstore/hashing.js';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import type { EventStore, JsonObject, NewEvent, RecordedEvent, SubscriptionItem } from '../../src/eventstore/types.js';
import { newEvent, numberedEvents, testMetadata } from './support/events.js';

export interface ContractSubject {
  /** A fresh, empty store. */
  store: EventStore;
  /** Changes one stored event's data directly in the database, bypassing the store. */
  tamper?: (streamId: string, revision: number, data: object) => Promise<void>;
  /** Deletes one stored event directly in the database. */
  deleteEvent?: (streamId: string, revision: number) => Promise<void>;
  /** Swaps the revision numbers of two stored events of one stream directly in the database. */
  swapRevisions?: (streamId: string, revisionA: number, revisionB: number) => Promise<void>;
  /** Opens another store object on the same database (its own connections), for real concurrency. */
  openAnother?: () => Promise<EventStore>;
  /** Closes the store (and anything opened with openAnother is closed by the suite) and cleans up. */
  close: () => Promise<void>;
}

export function describeEventStoreContract(backend: string, open: () => Promise<ContractSubject>): void {
  describe(`EventStore contract (${backend})`, () => {
    let subject: ContractSubject;
    let store: EventStore;
    const extraStores: EventStore[] = [];

    beforeEach(async () => {
      subject = await open();
      store = subject.store;
    });

    afterEach(async () => {
      await Promise.all(extraStores.splice(0).map((extra) => extra.close()));
      await subject.close();
    });

    /** `count` writers spread over separate store objects when the backend can open more. */
    async function writers(count: number, objects = count): Promise<EventStore[]> {
      const stores = [store];
      while (subject.openAnother && stores.length < objects) {
        const another = await subject.openAnother();
        extraStores.push(another);
        stores.push(another);
      }
      return Array.from({ length: count }, (_, index) => stores[index % stores.length]);
    }

    /**
     * Waits until readAll reaches the head. PostgreSQL hands out an event only once
     * every older transaction in the cluster has ended (docs/eventstore.md), and
     * other test files run transactions at the same time.
     */
    async function settled(): Promise<void> {
      const head = await store.headPosition();
      while (head > 0n && (await store.readAll({ after: head - 1n, limit: 1 })).length === 0) await sleep(10);
    }

    describe('append and read', () => {
      it('an empty store has head 0 and no events', async () => {
        expect(await store.headPosition()).toBe(0n);
        expect(await store.readAll({ limit: 10 })).toEqual([]);
        expect(await store.readStream('servant-missing')).toEqual([]);
        expect(await store.streamVersion('servant-missing')).toBe(0);
      });

      it('records revision, position, recordedAt and the hash chain', async () => {
        const before = Date.now();
        const first = numberedEvents(3);
        const r1 = await store.append('certification-a', first);
        const r2 = await store.append('certification-b', numberedEvents(2));
        const last = newEvent('CertificateIssued', { folio: 'TIJ-2018-0001' });
        const r3 = await store.append('certification-a', [last], { expectedVersion: 3 });

        expect(r1.nextVersion).toBe(3);
        expect(r2.nextVersion).toBe(2);
        expect(r3.nextVersion).toBe(4);
        expect(r1.position < r2.position && r2.position < r3.position).toBe(true);

        const stream = await store.readStream('certification-a');
        expect(stream.map((event) => event.revision)).toEqual([0, 1, 2, 3]);
        expect(stream.map((event) => event.id)).toEqual([...first, last].map((event) => event.id));
        expect(stream[3]).toMatchObject({ type: 'CertificateIssued', data: { folio: 'TIJ-2018-0001' }, metadata: last.metadata });
        expect(stream[2].position).toBe(r1.position);
        expect(stream[3].position).toBe(r3.position);
        expect(await store.streamVersion('certification-a')).toBe(4);
        expect(await store.headPosition()).toBe(r3.position);

        stream.forEach((event, index) => {
          expect(event.recordedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
          expect(Math.abs(Date.parse(event.recordedAt) - before)).toBeLessThan(60_000);
          expect(event.previousHash).toBe(index === 0 ? null : stream[index - 1].hash);
          expect(event.hash).toBe(eventHash(event.previousHash, event));
          if (index > 0) expect(event.position > stream[index - 1].position).toBe(true);
        });

        await settled();
        const all = await store.readAll({ limit: 100 });
        expect(all.map((event) => [event.streamId, event.revision])).toEqual([
          ['certification-a', 0],
          ['certification-a', 1],
          ['certification-a', 2],
          ['certification-b', 0],
          ['certification-b', 1],
          ['certification-a', 3],
        ]);
      });

      it('gives data and metadata back exactly as JSON carries them', async () => {
        const data = {
          nombre: 'Secretaría de Administración y Finanzas ✓ 🎓',
          nested: { list: [1, 'two', { three: [true, false, null] }], empty: {} },
          numbers: [0, -5, 0.1, 0.1 + 0.2, 1e21, 2 ** 53, -1.5e-7],
          quote: 'she said "hola" \\ adiós',
          dropped: undefined,
        };
        const event: NewEvent = {
          id: randomUUID(),
          type: 'ServantRegistered',
          data: data as unknown as JsonObject,
          metadata: testMetadata({ commandId: 'cmd-1', correlationId: 'corr-1', causationId: 'cause-1', schemaVersion: 2 }),
        };
        await store.append('servant-1', [event]);
        const [stored] = await store.readStream('servant-1');
        expect(stored.data).toStrictEqual(JSON.parse(JSON.stringify(data)));
        expect(stored.metadata).toStrictEqual(event.metadata);
        expect(stored.hash).toBe(eventHash(stored.previousHash, stored));
      });

      it('hashes stream ids, types and data holding quotes, backslashes, control characters and non-ASCII as eventHash does', async () => {
        const streamId = 'servant-"ñ"\\\u0001\t✓🎓';
        const event = newEvent('Señal "rara"\\\u001f', { 'clé "x"': 'a\u2028b', z: [1.5, { 'é': '\n' }], a: -0 });
        await store.append(streamId, [event, newEvent()]);
        await settled();
        const stored = await store.readStream(streamId);
        expect(stored.map((recorded) => recorded.hash)).toEqual(stored.map((recorded) => eventHash(recorded.previousHash, recorded)));
        expect((await verifyIntegrity(store)).ok).toBe(true);
      });

      it('readAll pages by position with after and limit', async () => {
        await store.append('goal-1', numberedEvents(4));
        await store.append('goal-2', numberedEvents(3));
        await settled();
        const pages: RecordedEvent[][] = [];
        let after = 0n;
        for (;;) {
          const page = await store.readAll({ after, limit: 3 });
          if (page.length === 0) break;
          pages.push(page);
          after = page[page.length - 1].position;
        }
        expect(pages.map((page) => page.length)).toEqual([3, 3, 1]);
        const positions = pages.flat().map((event) => event.position);
        expect(positions).toEqual([...positions].sort((a, b) => (a < b ? -1 : 1)));
        expect(new Set(positions).size).toBe(7);
        expect(after).toBe(await store.headPosition());
      });

      it('counts the events after a position, when the backend offers countEventsAfter', async (context) => {
        const counting = store as EventStore & { countEventsAfter?: (after: bigint) => Promise<number> };
        if (typeof counting.countEventsAfter !== 'function' || !store.appendBatch) return context.skip();
        expect(await counting.countEventsAfter(0n)).toBe(0);
        const first = await store.append('goal-3', numberedEvents(4));
        await store.append('goal-4', numberedEvents(3));
        expect(await counting.countEventsAfter(0n)).toBe(7);
        expect(await counting.countEventsAfter(first.position)).toBe(3);
        // A batch refused after its first item was written leaves nothing to count (SQLite subtracts positions).
        await expect(
          store.appendBatch([
            { streamId: 'goal-5', events: numberedEvents(2) },
            { streamId: 'goal-3', events: numberedEvents(1), expectedVersion: 0 },
          ]),
        ).rejects.toBeInstanceOf(WrongExpectedVersionError);
        await store.append('goal-6', numberedEvents(1));
        expect(await counting.countEventsAfter(0n)).toBe(8);
        expect(await counting.countEventsAfter(first.position)).toBe(4);
        expect(await counting.countEventsAfter(await store.headPosition())).toBe(0);
      });

      it('readStream honours fromRevision and toRevision', async () => {
        await store.append('standard-EC0217', numberedEvents(10));
        const revisions = async (options: { fromRevision?: number; toRevision?: number }) =>
          (await store.readStream('standard-EC0217', options)).map((event) => event.revision);
        expect(await revisions({ fromRevision: 3 })).toEqual([3, 4, 5, 6, 7, 8, 9]);
        expect(await revisions({ toRevision: 4 })).toEqual([0, 1, 2, 3, 4]);
        expect(await revisions({ fromRevision: 2, toRevision: 5 })).toEqual([2, 3, 4, 5]);
        expect(await revisions({ fromRevision: 20 })).toEqual([]);
        expect((await store.readStream('standard-EC0217', { fromRevision: 8 })).map((event) => event.data.n)).toEqual([8, 9]);
      });

      it('readStreams answers several streams as readStream would, in request order, when the backend offers it', async (context) => {
        if (!store.readStreams) return context.skip();
        await store.append('standard-EC0301', numberedEvents(4));
        await store.append('servant-7', numberedEvents(2));
        await store.append('standard-EC0301', numberedEvents(2, 4));
        const read = await store.readStreams([
          { streamId: 'servant-7' },
          { streamId: 'missing-1' },
          { streamId: 'standard-EC0301', fromRevision: 3 },
          { streamId: 'servant-7', fromRevision: 2 },
          { streamId: 'standard-EC0301' },
        ]);
        expect(read.map((events) => events.map((event) => `${event.streamId}:${event.revision}`))).toEqual([
          ['servant-7:0', 'servant-7:1'],
          [],
          ['standard-EC0301:3', 'standard-EC0301:4', 'standard-EC0301:5'],
          [],
          ['standard-EC0301:0', 'standard-EC0301:1', 'standard-EC0301:2', 'standard-EC0301:3', 'standard-EC0301:4', 'standard-EC0301:5'],
        ]);
        expect(read[4]).toEqual(await store.readStream('standard-EC0301'));
        expect(await store.readStreams([])).toEqual([]);
        await expect(store.readStreams([{ streamId: ' ' }])).rejects.toBeInstanceOf(InvalidEventStoreInputError);
        await expect(store.readStreams([{ streamId: 'servant-7', fromRevision: -1 }])).rejects.toBeInstanceOf(InvalidEventStoreInputError);
      });

      it('readStream with recordedUntil returns only what was recorded by then', async () => {
        await store.append('servant-2', numberedEvents(3));
        const cutOff = new Date((await store.readStream('servant-2'))[2].recordedAt);
        // Let the store's millisecond clock move on, so the next append is recorded strictly later.
        await sleep(25);
        await store.append('servant-2', numberedEvents(2, 3));
        const later = await store.readStream('servant-2');
        expect(Date.parse(later[3].recordedAt)).toBeGreaterThan(cutOff.getTime());

        const until = async (options: { recordedUntil: Date; fromRevision?: number }) =>
          (await store.readStream('servant-2', options)).map((event) => event.revision);
        expect(await until({ recordedUntil: cutOff })).toEqual([0, 1, 2]);
        expect(await until({ recordedUntil: cutOff, fromRevision: 1 })).toEqual([1, 2]);
        expect(await until({ recordedUntil: new Date(cutOff.getTime() - 60_000) })).toEqual([]);
        expect(await until({ recordedUntil: new Date(Date.now() + 60_000) })).toEqual([0, 1, 2, 3, 4]);
      });
    });

    describe('expectedVersion', () => {
      async function conflict(append: Promise<unknown>, actual: number): Promise<void> {
        const error = await append.then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(WrongExpectedVersionError);
        expect(error).toMatchObject({ code: 'CONFLICT', actual });
      }

      it("'no_stream' only creates a stream", async () => {
        await store.append('curp-abc', [newEvent('CurpClaimed')], { expectedVersion: 'no_stream' });
        await conflict(store.append('curp-abc', [newEvent('CurpClaimed')], { expectedVersion: 'no_stream' }), 1);
        expect(await store.streamVersion('curp-abc')).toBe(1);
      });

      it("'exists' only continues a stream", async () => {
        await conflict(store.append('servant-3', [newEvent()], { expectedVersion: 'exists' }), 0);
        expect(await store.streamVersion('servant-3')).toBe(0);
        await store.append('servant-3', [newEvent()]);
        expect((await store.append('servant-3', [newEvent()], { expectedVersion: 'exists' })).nextVersion).toBe(2);
      });

      it('a number must equal the stream version (0 for a new stream)', async () => {
        expect((await store.append('servant-4', numberedEvents(2), { expectedVersion: 0 })).nextVersion).toBe(2);
        await conflict(store.append('servant-4', [newEvent()], { expectedVersion: 1 }), 2);
        await conflict(store.append('servant-4', [newEvent()], { expectedVersion: 5 }), 2);
        await conflict(store.append('servant-5', [newEvent()], { expectedVersion: 1 }), 0);
        expect((await store.append('servant-4', [newEvent()], { expectedVersion: 2 })).nextVersion).toBe(3);
      });

      it("'any' (the default) appends whatever the version", async () => {
        expect((await store.append('servant-6', [newEvent()], { expectedVersion: 'any' })).nextVersion).toBe(1);
        expect((await store.append('servant-6', [newEvent()])).nextVersion).toBe(2);
      });

      it('a conflict writes nothing', async () => {
        const { position } = await store.append('servant-7', numberedEvents(2));
        const loser = newEvent();
        await conflict(store.append('servant-7', [loser], { expectedVersion: 1 }), 2);
        expect(await store.headPosition()).toBe(position);
        expect((await store.readStream('servant-7')).map((event) => event.id)).not.toContain(loser.id);
        // The refused event id stays free.
        expect((await store.append('servant-7', [loser], { expectedVersion: 2 })).nextVersion).toBe(3);
      });

      it('20 concurrent appends at the same expectedVersion: exactly one wins', async () => {
        await store.append('certification-race', numberedEvents(2));
        const attempts = (await writers(20, 4)).map((writer) => {
          const events = numberedEvents(3, 2);
          return { events, result: writer.append('certification-race', events, { expectedVersion: 2 }) };
        });
        const outcomes = await Promise.allSettled(attempts.map((attempt) => attempt.result));
        const winners = outcomes.flatMap((outcome, index) => (outcome.status === 'fulfilled' ? [attempts[index]] : []));
        expect(winners).toHaveLength(1);
        for (const outcome of outcomes) {
          if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(WrongExpectedVersionError);
        }
        const stream = await store.readStream('certification-race');
        expect(stream.map((event) => event.revision)).toEqual([0, 1, 2, 3, 4]);
        expect(stream.slice(2).map((event) => event.id)).toEqual(winners[0].events.map((event) => event.id));
        expect((await verifyIntegrity(store, { streamId: 'certification-race' })).ok).toBe(true);
      });

      it("10 concurrent 'no_stream' appends: exactly one creates the stream", async () => {
        const outcomes = await Promise.allSettled(
          (await writers(10, 4)).map((writer) => writer.append('curp-race', [newEvent('CurpClaimed')], { expectedVersion: 'no_stream' })),
        );
        expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
        expect(await store.streamVersion('curp-race')).toBe(1);
      });
    });

    describe('appendBatchIfUnchanged', () => {
      it('appends only while the streams a decision read are at the versions it read, checked with the append', async (context) => {
        if (!store.appendBatchIfUnchanged) return context.skip();
        await store.append('standard-u1', numberedEvents(2));
        const item = (n: number) => ({ streamId: 'certification-u1', events: numberedEvents(1, n), expectedVersion: n === 0 ? ('no_stream' as const) : n });
        const [first] = await store.appendBatchIfUnchanged([item(0)], [{ streamId: 'standard-u1', version: 2 }, { streamId: 'servant-u1', version: 0 }]);
        expect(first.nextVersion).toBe(1);

        await store.append('servant-u1', numberedEvents(1));
        const head = await store.headPosition();
        const moved = await store.appendBatchIfUnchanged([item(1)], [{ streamId: 'standard-u1', version: 2 }, { streamId: 'servant-u1', version: 0 }]).catch((e: unknown) => e);
        expect(moved).toBeInstanceOf(WrongExpectedVersionError);
        expect(moved).toMatchObject({ streamId: 'servant-u1', expected: 0, actual: 1 });
        expect(await store.headPosition()).toBe(head);

        // The appended streams' own expectedVersion is checked as in appendBatch; no checks at all is appendBatch.
        await expect(store.appendBatchIfUnchanged([item(0)], [{ streamId: 'standard-u1', version: 2 }])).rejects.toBeInstanceOf(WrongExpectedVersionError);
        const [second] = await store.appendBatchIfUnchanged([item(1)], []);
        expect(second.nextVersion).toBe(2);
        await expect(store.appendBatchIfUnchanged([item(2)], [{ streamId: ' ', version: 0 }])).rejects.toBeInstanceOf(InvalidEventStoreInputError);
        await expect(store.appendBatchIfUnchanged([item(2)], [{ streamId: 'servant-u1', version: -1 }])).rejects.toBeInstanceOf(InvalidEventStoreInputError);
      });
    });

    describe('appendBatch', () => {
      const batchOf = (target: EventStore) => {
        if (!target.appendBatch) throw new Error('no appendBatch');
        return target.appendBatch.bind(target);
      };

      it('appends several streams in one go: results in item order, positions in item order, one recordedAt', async (context) => {
        if (!store.appendBatch) return context.skip();
        await store.append('servant-b1', numberedEvents(2));
        const items = [
          { streamId: 'servant-b1', events: numberedEvents(2, 2), expectedVersion: 2 },
          { streamId: 'certification-b1', events: numberedEvents(3), expectedVersion: 'no_stream' as const },
          { streamId: 'folio-b1', events: [newEvent('FolioClaimed')] },
        ];
        const results = await batchOf(store)(items);
        expect(results.map((result) => result.nextVersion)).toEqual([4, 3, 1]);
        expect(results[0].position < results[1].position && results[1].position < results[2].position).toBe(true);
        expect(await store.headPosition()).toBe(results[2].position);
        await settled();
        const all = await store.readAll({ after: 0n, limit: 100 });
        expect(all.slice(2).map((event) => [event.streamId, event.revision])).toEqual([
          ['servant-b1', 2],
          ['servant-b1', 3],
          ['certification-b1', 0],
          ['certification-b1', 1],
          ['certification-b1', 2],
          ['folio-b1', 0],
        ]);
        expect(new Set(all.slice(2).map((event) => event.recordedAt)).size).toBe(1);
        expect(all[2].previousHash).toBe(all[1].hash);
        expect(await verifyIntegrity(store)).toMatchObject({ ok: true, checkedEvents: 8 });
      });

      it('a batch of many streams, some already written: each result is its last event, each stream continues its own head', async (context) => {
        if (!store.appendBatch) return context.skip();
        const older = Array.from({ length: 70 }, (_, i) => `servant-m${i}`);
        for (const streamId of older.filter((_, i) => i % 3 === 0)) await store.append(streamId, numberedEvents(2));
        const items = [
          ...older.map((streamId, i) => ({ streamId, events: numberedEvents(1 + (i % 4), i % 3 === 0 ? 2 : 0), expectedVersion: i % 3 === 0 ? 2 : ('no_stream' as const) })),
          { streamId: 'certification-m-long', events: numberedEvents(150) },
        ];
        const before = await store.headPosition();
        const results = await batchOf(store)(items);
        await settled();
        const written = await store.readAll({ after: before, limit: 1_000 });
        expect(written).toHaveLength(items.reduce((sum, item) => sum + item.events.length, 0));
        const lastOf = new Map(written.map((event) => [event.streamId, event]));
        expect(results).toEqual(items.map((item) => ({ nextVersion: lastOf.get(item.streamId)!.revision + 1, position: lastOf.get(item.streamId)!.position })));
        expect(results.map((result) => result.nextVersion)).toEqual(items.map((item, i) => item.events.length + (i < 70 && i % 3 === 0 ? 2 : 0)));
        for (const [k, item] of items.entries()) expect(await store.streamVersion(item.streamId)).toBe(results[k].nextVersion);
        expect(await verifyIntegrity(store)).toMatchObject({ ok: true });
      });

      it('a version conflict or a duplicate id in any item writes nothing', async (context) => {
        if (!store.appendBatch) return context.skip();
        const stored = numberedEvents(2);
        const { position } = await store.append('servant-b2', stored);
        const fresh = () => ({ streamId: `certification-${randomUUID()}`, events: numberedEvents(2) });
        const conflict = await batchOf(store)([fresh(), { streamId: 'servant-b2', events: [newEvent()], expectedVersion: 1 }]).catch((e: unknown) => e);
        expect(conflict).toBeInstanceOf(WrongExpectedVersionError);
        expect(conflict).toMatchObject({ streamId: 'servant-b2', actual: 2 });
        const duplicate = await batchOf(store)([fresh(), { streamId: 'servant-b3', events: [stored[0], newEvent()] }]).catch((e: unknown) => e);
        expect(duplicate).toBeInstanceOf(DuplicateEventIdError);
        expect(await store.headPosition()).toBe(position);
        expect(await store.streamVersion('servant-b3')).toBe(0);
      });

      it('an item appended before gets its earlier result and the rest are appended', async (context) => {
        if (!store.appendBatch) return context.skip();
        const first = { streamId: 'servant-b4', events: numberedEvents(2), expectedVersion: 'no_stream' as const };
        const [earlier] = await batchOf(store)([first]);
        const second = { streamId: 'servant-b5', events: numberedEvents(3) };
        const results = await batchOf(store)([first, second]);
        expect(results[0]).toEqual(earlier);
        expect(results[1].nextVersion).toBe(3);
        expect(await batchOf(store)([first, second])).toEqual(results);
        expect(await store.streamVersion('servant-b4')).toBe(2);
        expect(await store.headPosition()).toBe(results[1].position);
      });

      it('concurrent batches and appends from several store objects keep both chains whole', async (context) => {
        if (!store.appendBatch) return context.skip();
        const all = await writers(6, 3);
        await Promise.all(
          all.map((writer, w) =>
            w % 2 === 0
              ? batchOf(writer)(Array.from({ length: 5 }, (_, i) => ({ streamId: `servant-c${w}-${i}`, events: numberedEvents(3) })))
              : writer.append('servant-shared', numberedEvents(2)),
          ),
        );
        await settled();
        expect(await verifyIntegrity(store)).toMatchObject({ ok: true, checkedEvents: 3 * 5 * 3 + 3 * 2 });
      });

      it('refuses an empty batch, a stream twice and an id twice with BAD_USER_INPUT, writing nothing', async (context) => {
        if (!store.appendBatch) return context.skip();
        const event = newEvent();
        for (const items of [
          [],
          [{ streamId: 'servant-b6', events: [newEvent()] }, { streamId: 'servant-b6', events: [newEvent()] }],
          [{ streamId: 'servant-b6', events: [event] }, { streamId: 'servant-b7', events: [{ ...event, id: event.id.toUpperCase() }] }],
          [{ streamId: 'servant-b6', events: [] }],
        ]) {
          const error = await batchOf(store)(items).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(InvalidEventStoreInputError);
        }
        expect(await store.headPosition()).toBe(0n);
      });
    });

    describe('idempotency', () => {
      it('the same events appended again are stored once and the first result comes back', async () => {
        const events = numberedEvents(3);
        const first = await store.append('servant-8', events, { expectedVersion: 'no_stream' });
        await store.append('servant-8', numberedEvents(2, 3));
        const head = await store.headPosition();
        // Even with an expectedVersion that no longer holds.
        const again = await store.append('servant-8', events, { expectedVersion: 'no_stream' });
        expect(again).toEqual(first);
        expect(again).toEqual({ nextVersion: 3, position: first.position });
        expect(await store.headPosition()).toBe(head);
        expect(await store.streamVersion('servant-8')).toBe(5);
      });

      it('concurrent copies of one append store it once and all get the same result', async () => {
        const events = numberedEvents(4);
        const results = await Promise.all((await writers(6, 3)).map((writer) => writer.append('servant-9', events)));
        expect(new Set(results.map((result) => `${result.nextVersion}@${result.position}`)).size).toBe(1);
        expect((await store.readStream('servant-9')).map((event) => event.id)).toEqual(events.map((event) => event.id));
      });

      it('a partial overlap or the same ids in another stream is refused and writes nothing', async () => {
        const events = numberedEvents(2);
        await store.append('servant-10', events);
        const head = await store.headPosition();
        const fresh = newEvent();
        for (const [streamId, batch] of [
          ['servant-10', [events[0], fresh]],
          ['servant-10', [fresh, events[1]]],
          ['servant-10', [events[1], events[0]]],
          ['servant-11', events],
        ] as const) {
          const error = await store.append(streamId, [...batch]).then(
            () => null,
            (caught: unknown) => caught,
          );
          expect(error).toBeInstanceOf(DuplicateEventIdError);
          expect(error).toMatchObject({ code: 'CONFLICT' });
        }
        expect(await store.headPosition()).toBe(head);
        expect(await store.streamVersion('servant-11')).toBe(0);
      });

      it('event ids are compared without regard to letter case', async () => {
        const event = newEvent();
        const first = await store.append('servant-12', [{ ...event, id: event.id.toUpperCase() }]);
        const [stored] = await store.readStream('servant-12');
        expect(stored.id).toBe(event.id.toLowerCase());
        expect(await store.append('servant-12', [event])).toEqual(first);
        expect(await store.streamVersion('servant-12')).toBe(1);
      });
    });

    describe('bad input', () => {
      const cyclic: Record<string, unknown> = {};
      cyclic.self = cyclic;
      const good = () => newEvent();
      const withData = (data: unknown) => ({ ...good(), data }) as NewEvent;
      const cases: Array<[string, unknown, unknown, unknown?]> = [
        ['an empty stream id', '', [good()]],
        ['a blank stream id', '   ', [good()]],
        ['a stream id with surrounding spaces', ' servant-1 ', [good()]],
        ['a stream id too long', 'x'.repeat(201), [good()]],
        ['a stream id that is not a string', 42, [good()]],
        ['no events', 'servant-1', []],
        ['events that are not an array', 'servant-1', good()],
        ['an event id that is not a UUID', 'servant-1', [{ ...good(), id: 'not-a-uuid' }]],
        ['an event id that is a number', 'servant-1', [{ ...good(), id: 42 }]],
        ['the same event id twice in one append', 'servant-1', (() => { const event = good(); return [event, { ...event }]; })()],
        ['an empty event type', 'servant-1', [{ ...good(), type: '' }]],
        ['data holding a function', 'servant-1', [withData({ run: () => 1 })]],
        ['data holding a bigint', 'servant-1', [withData({ big: 1n })]],
        ['data holding NaN', 'servant-1', [withData({ n: Number.NaN })]],
        ['data holding Infinity', 'servant-1', [withData({ n: [Number.POSITIVE_INFINITY] })]],
        ['data holding a Date', 'servant-1', [withData({ at: new Date() })]],
        ['data holding a Map', 'servant-1', [withData({ map: new Map() })]],
        ['data with a cycle', 'servant-1', [withData(cyclic)]],
        ['data with undefined inside an array', 'servant-1', [withData({ list: [1, undefined] })]],
        ['data with a NUL character', 'servant-1', [withData({ text: 'a\u0000b' })]],
        ['data that is an array', 'servant-1', [withData([1, 2])]],
        ['data that is null', 'servant-1', [withData(null)]],
        ['metadata without occurredAt', 'servant-1', [{ ...good(), metadata: { ...testMetadata(), occurredAt: undefined } }]],
        ['metadata with a bad occurredAt', 'servant-1', [{ ...good(), metadata: testMetadata({ occurredAt: 'yesterday' }) }]],
        ['metadata with schemaVersion 0', 'servant-1', [{ ...good(), metadata: testMetadata({ schemaVersion: 0 }) }]],
        ['expectedVersion -1', 'servant-1', [good()], { expectedVersion: -1 }],
        ['expectedVersion 1.5', 'servant-1', [good()], { expectedVersion: 1.5 }],
        ["expectedVersion 'latest'", 'servant-1', [good()], { expectedVersion: 'latest' }],
        ["expectedVersion '0' as a string", 'servant-1', [good()], { expectedVersion: '0' }],
        ['expectedVersion null', 'servant-1', [good()], { expectedVersion: null }],
        ['expectedVersion as a bigint', 'servant-1', [good()], { expectedVersion: 0n }],
      ];

      it.each(cases)('refuses %s with BAD_USER_INPUT and writes nothing', async (_, streamId, events, options) => {
        const error = await (store.append as (...args: unknown[]) => Promise<unknown>)(streamId, events, options).then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(InvalidEventStoreInputError);
        expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
        expect(await store.headPosition()).toBe(0n);
        expect(await store.readAll({ limit: 10 })).toEqual([]);
      });

      it('a bad event in a batch keeps the good ones out too', async () => {
        const goodEvent = good();
        await expect(store.append('servant-1', [goodEvent, { ...good(), type: '' }])).rejects.toBeInstanceOf(
          InvalidEventStoreInputError,
        );
        expect(await store.streamVersion('servant-1')).toBe(0);
        // Its id was not taken: it appends as a fresh event.
        expect(await store.append('servant-1', [goodEvent], { expectedVersion: 'no_stream' })).toMatchObject({ nextVersion: 1 });
      });

      it('refuses bad read options with BAD_USER_INPUT', async () => {
        const reads: Array<() => Promise<unknown>> = [
          () => store.readStream(''),
          () => store.readStream('servant-1', { fromRevision: -1 }),
          () => store.readStream('servant-1', { toRevision: 1.5 }),
          () => store.readStream('servant-1', { recordedUntil: new Date('nonsense') }),
          () => store.streamVersion(''),
          () => store.readAll({ limit: 0 }),
          () => store.readAll({ after: -1n, limit: 10 }),
          () => store.readAll({ after: 3 as unknown as bigint, limit: 10 }),
          async () => store.subscribe({ batchSize: 0 })[Symbol.asyncIterator]().next(),
        ];
        for (const read of reads) {
          await expect(read()).rejects.toBeInstanceOf(InvalidEventStoreInputError);
        }
      });
    });

    describe('subscribe', () => {
      /** Collects items until `until` says stop. */
      async function collect(
        items: AsyncIterable<SubscriptionItem>,
        until: (collected: SubscriptionItem[]) => boolean,
      ): Promise<SubscriptionItem[]> {
        const collected: SubscriptionItem[] = [];
        for await (const item of items) {
          collected.push(item);
          if (until(collected)) break;
        }
        return collected;
      }
      const caughtUp = (count: number) => (items: SubscriptionItem[]) => items.filter((item) => item.kind === 'caught-up').length >= count;

      it('delivers the history, says caught-up, then delivers new events live', async () => {
        const controller = new AbortController();
        const { position } = await store.append('servant-13', numberedEvents(3));
        await settled();
        const iterator = store.subscribe({ signal: controller.signal })[Symbol.asyncIterator]();
        const next = async () => (await iterator.next()).value as SubscriptionItem;

        const history = [await next(), await next(), await next(), await next()];
        expect(history.slice(0, 3).map((item) => item.kind === 'event' && item.event.data.n)).toEqual([0, 1, 2]);
        expect(history[3]).toEqual({ kind: 'caught-up', position });

        const pending = next();
        const live = await store.append('servant-14', numberedEvents(1, 100));
        const item = await pending;
        expect(item.kind === 'event' && item.event.data.n).toBe(100);
        expect(await next()).toEqual({ kind: 'caught-up', position: live.position });
        controller.abort();
        expect((await iterator.next()).done).toBe(true);
      });

      it('an empty store says caught-up at 0 at once', async () => {
        const controller = new AbortController();
        const items = await collect(store.subscribe({ signal: controller.signal }), caughtUp(1));
        controller.abort();
        expect(items).toEqual([{ kind: 'caught-up', position: 0n }]);
      });

      it('starts after the given position and honours a small batchSize', async () => {
        await store.append('servant-15', numberedEvents(2));
        const { position } = await store.append('servant-15', numberedEvents(7, 2));
        const after = (await store.readStream('servant-15'))[1].position;
        await settled();
        const controller = new AbortController();
        const items = await collect(store.subscribe({ after, batchSize: 2, signal: controller.signal }), caughtUp(1));
        controller.abort();
        expect(items.map((item) => (item.kind === 'event' ? item.event.data.n : 'caught-up'))).toEqual([2, 3, 4, 5, 6, 7, 8, 'caught-up']);
        expect(items.at(-1)).toEqual({ kind: 'caught-up', position });
      });

      it('ends cleanly when the signal aborts while it waits, or was aborted before', async () => {
        const controller = new AbortController();
        const items: SubscriptionItem[] = [];
        const done = (async () => {
          for await (const item of store.subscribe({ signal: controller.signal })) items.push(item);
        })();
        while (items.length === 0) await sleep(5);
        controller.abort();
        await done;
        expect(items).toEqual([{ kind: 'caught-up', position: 0n }]);

        const preAborted = [];
        for await (const item of store.subscribe({ signal: AbortSignal.abort() })) preAborted.push(item);
        expect(preAborted).toEqual([]);
      });

      it('8 concurrent writers x 500 events: a subscriber from position 0 sees each exactly once, in increasing position', async () => {
        const perWriter = 500;
        const total = 8 * perWriter;
        const controller = new AbortController();
        const seen: RecordedEvent[] = [];
        const subscriber = (async () => {
          for await (const item of store.subscribe({ after: 0n, signal: controller.signal, batchSize: 128 })) {
            if (item.kind === 'event') seen.push(item.event);
            else if (seen.length >= total) return;
          }
        })();

        await Promise.all(
          (await writers(8)).map(async (writer, w) => {
            let ownVersion = 0;
            // 100 appends of 5 events: 4 of every 5 to the writer's own stream at its exact version,
            // every 5th to one stream all writers share, with 'any'.
            for (let k = 0; k < perWriter / 5; k += 1) {
              if (k % 5 === 4) {
                await writer.append('load-shared', numberedEvents(5, k * 5, `Writer${w}`));
              } else {
                const result = await writer.append(`load-${w}`, numberedEvents(5, ownVersion), { expectedVersion: ownVersion });
                ownVersion = result.nextVersion;
              }
            }
          }),
        );
        await subscriber;
        controller.abort();

        expect(seen).toHaveLength(total);
        expect(new Set(seen.map((event) => event.id)).size).toBe(total);
        for (let index = 1; index < seen.length; index += 1) {
          if (seen[index].position <= seen[index - 1].position) {
            throw new Error(`position ${seen[index].position} came after ${seen[index - 1].position}`);
          }
        }
        const byStream = new Map<string, RecordedEvent[]>();
        for (const event of seen) {
          const list = byStream.get(event.streamId) ?? [];
          list.push(event);
          byStream.set(event.streamId, list);
        }
        expect(byStream.get('load-shared')!.map((event) => event.revision)).toEqual([...Array(800).keys()]);
        for (let w = 0; w < 8; w += 1) {
          const own = byStream.get(`load-${w}`)!;
          expect(own.map((event) => event.revision)).toEqual([...Array(400).keys()]);
          expect(own.map((event) => event.data.n)).toEqual([...Array(400).keys()]);
        }
        expect(seen.at(-1)!.position).toBe(await store.headPosition());
        expect((await verifyIntegrity(store)).ok).toBe(true);
      });
    });

    describe('integrity', () => {
      it('a store nobody tampered with verifies, streaming and per stream', async () => {
        await store.append('certification-x', numberedEvents(4));
        await store.append('servant-x', numberedEvents(3));
        await store.append('certification-x', numberedEvents(2, 4));
        await settled();
        const progress: number[] = [];
        expect(await verifyIntegrity(store, { onProgress: (checked) => progress.push(checked) })).toMatchObject({
          ok: true,
          checkedEvents: 9,
          brokenStreamId: null,
          brokenRevision: null,
          brokenPosition: null,
          reason: null,
        });
        expect(progress.at(-1)).toBe(9);
        expect(await verifyIntegrity(store, { streamId: 'certification-x' })).toMatchObject({ ok: true, checkedEvents: 6 });
        expect(await verifyIntegrity(store, { streamId: 'nobody' })).toMatchObject({ ok: true, checkedEvents: 0 });
      });

      async function twoStreams(): Promise<void> {
        await store.append('certification-t', numberedEvents(4));
        await store.append('servant-t', numberedEvents(2));
        await settled();
      }

      it('finds data changed directly in the database', async (context) => {
        if (!subject.tamper) return context.skip();
        await twoStreams();
        await subject.tamper('certification-t', 1, { n: 1, verdict: 'COMPETENT' });
        const expected = { ok: false, brokenStreamId: 'certification-t', brokenRevision: 1 };
        const whole = await verifyIntegrity(store);
        expect(whole).toMatchObject({ ...expected, checkedEvents: 1 });
        expect(whole.reason).toMatch(/changed after it was recorded/);
        expect(await verifyIntegrity(store, { streamId: 'certification-t' })).toMatchObject(expected);
        expect(await verifyIntegrity(store, { streamId: 'servant-t' })).toMatchObject({ ok: true, checkedEvents: 2 });
      });

      it('finds an event deleted directly in the database', async (context) => {
        if (!subject.deleteEvent) return context.skip();
        await twoStreams();
        await subject.deleteEvent('certification-t', 1);
        const expected = { ok: false, brokenStreamId: 'certification-t', brokenRevision: 2 };
        const whole = await verifyIntegrity(store);
        expect(whole).toMatchObject(expected);
        expect(whole.reason).toMatch(/Revision 2 follows revision 0/);
        expect(await verifyIntegrity(store, { streamId: 'certification-t' })).toMatchObject(expected);
      });

      it('finds a missing first event', async (context) => {
        if (!subject.deleteEvent) return context.skip();
        await twoStreams();
        await subject.deleteEvent('servant-t', 0);
        const report = await verifyIntegrity(store);
        expect(report).toMatchObject({ ok: false, brokenStreamId: 'servant-t', brokenRevision: 1 });
        expect(report.reason).toMatch(/starts at revision 1/);
      });

      it('finds two events whose revisions were swapped directly in the database', async (context) => {
        if (!subject.swapRevisions) return context.skip();
        await twoStreams();
        await subject.swapRevisions('certification-t', 1, 2);
        // In log order the event recorded second now claims revision 2.
        expect(await verifyIntegrity(store)).toMatchObject({ ok: false, brokenStreamId: 'certification-t', brokenRevision: 2 });
        // In stream order revision 1 is now the event that was recorded third, linked to the wrong hash.
        const oneStream = await verifyIntegrity(store, { streamId: 'certification-t' });
        expect(oneStream).toMatchObject({ ok: false, brokenStreamId: 'certification-t', brokenRevision: 1 });
        expect(oneStream.reason).toMatch(/previousHash is not the hash of revision 0/);
      });
    });

    describe('close', () => {
      it('ends open subscriptions and may be called twice', async () => {
        await store.append('servant-16', numberedEvents(1));
        await settled();
        const items: SubscriptionItem[] = [];
        const done = (async () => {
          for await (const item of store.subscribe()) items.push(item);
        })();
        while (items.length < 2) await sleep(5);
        await store.close();
        await done;
        await store.close();
        expect(items.map((item) => item.kind)).toEqual(['event', 'caught-up']);
      });
    });
  });
}
