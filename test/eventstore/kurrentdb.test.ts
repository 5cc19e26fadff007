/**
 * KurrentDB adapter. The shared contract suite and the KurrentDB-specific
 * tests run through the real client over gRPC in every run, against the
 * protocol double (test/support/kurrentdb-double), and again against a real
 * server when KURRENTDB_URL is set (docker compose up -d kurrentdb). Below
 * them: the pure mappings, and the checks the adapter makes before it ever
 * reaches a server (proved against an address nothing answers).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { EventStoreDBClient, NO_STREAM } from '@eventstore/db-client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ConfigurationError,
  DuplicateEventIdError,
  InvalidEventStoreInputError,
  WrongExpectedVersionError,
} from '../../src/eventstore/errors.js';
import { eventHash } from '../../src/eventstore/hashing.js';
import { createKurrentDbEventStore } from '../../src/eventstore/kurrentdb.js';
import {
  claimedStreamOf,
  claimEvent,
  expectedRevisionFor,
  ForeignEventError,
  fromKurrentEvent,
  isSystemEvent,
  StreamNames,
  toClientConnectionString,
  toEventData,
  versionOf,
  type KurrentRecordedEvent,
} from '../../src/eventstore/kurrentdb-mapping.js';
import { CHUNK_SIZE, KnownPositions, safeStart } from '../../src/eventstore/kurrentdb-positions.js';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import type { EventStore, ExpectedVersion, NewEvent, RecordedEvent, SubscriptionItem } from '../../src/eventstore/types.js';
import { startKurrentDbDouble } from '../support/kurrentdb-double/server.js';
import { describeEventStoreContract } from './contract.js';
import { newEvent, numberedEvents, testMetadata, validEvents } from './support/events.js';

const KURRENTDB_URL = process.env.KURRENTDB_URL;

/** A server to run tests against, and what to do when a test is done with it. */
interface Server {
  url: string;
  release(): Promise<void>;
}

/**
 * A protocol double of its own for each test (it starts in milliseconds): an
 * empty log, so no test walks another's records. A real server is shared,
 * each test on its own namespace.
 */
const freshDouble = async (): Promise<Server> => {
  const double = await startKurrentDbDouble();
  return { url: double.url, release: () => double.stop() };
};

describeKurrentDb('protocol double', freshDouble);

if (KURRENTDB_URL) {
  describeKurrentDb('KURRENTDB_URL', async () => ({ url: KURRENTDB_URL, release: async () => {} }));
} else {
  console.warn(
    'SKIPPED: KurrentDB contract tests against a real server: KURRENTDB_URL is not set (docker compose up -d kurrentdb, then KURRENTDB_URL="esdb://localhost:2113?tls=false"); they ran against the protocol double',
  );
  it.skip('EventStore contract (kurrentdb on a real server) needs KURRENTDB_URL');
}

describe('KurrentDB adapter on a server before 23.10 (protocol double)', () => {
  it('follows live events on a server that never says "caught up" (before 23.10): the adapter decides that itself', async () => {
    const old = await startKurrentDbDouble({ sendsCaughtUp: false });
    const store = await createKurrentDbEventStore(old.url, { namespace: 'old-' });
    try {
      const { position } = await store.append('old-1', numberedEvents(2));
      const controller = new AbortController();
      const iterator = store.subscribe({ signal: controller.signal })[Symbol.asyncIterator]();
      const next = async () => (await iterator.next()).value as SubscriptionItem;
      expect([(await next()).kind, (await next()).kind, await next()]).toEqual(['event', 'event', { kind: 'caught-up', position }]);
      const pending = next();
      const live = await store.append('old-2', numberedEvents(1, 9));
      expect(await pending).toMatchObject({ kind: 'event', event: { data: { n: 9 } } });
      expect(await next()).toEqual({ kind: 'caught-up', position: live.position });
      controller.abort();
      expect((await iterator.next()).done).toBe(true);
    } finally {
      await store.close();
      await old.stop();
    }
  });
});

/** The shared contract and the KurrentDB-specific tests, through the real client, against what `connect` gives each test. */
function describeKurrentDb(where: string, connect: () => Promise<Server>): void {
  describeEventStoreContract(`kurrentdb, ${where}`, async () => {
    const server = await connect();
    // Each store gets its own namespace, so it starts empty even on a shared server.
    const namespace = `contract-${randomUUID()}-`;
    const store = await createKurrentDbEventStore(server.url, { namespace });
    return {
      store,
      // KurrentDB events are immutable: nothing to tamper with, delete or swap.
      openAnother: () => createKurrentDbEventStore(server.url, { namespace }),
      close: async () => {
        await store.close();
        await server.release();
      },
    };
  });

  describe(`KurrentDB specifics (${where})`, () => {
    const opened: EventStore[] = [];
    let server: Server;
    let namespace: string;
    beforeEach(async () => {
      server = await connect();
    });
    /** A store object on a fresh namespace (or the current one), closed after the test. */
    const open = async (fresh = false) => {
      if (fresh || !namespace) namespace = `specific-${randomUUID()}-`;
      const store = await createKurrentDbEventStore(server.url, { namespace });
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
      await server.release();
      namespace = '';
    });

    /** Positions must strictly increase. */
    const increasing = (positions: bigint[]) => positions.every((position, index) => index === 0 || position > positions[index - 1]);

    it('positions only grow on $all: across streams, writers and store objects, as read from $all and from each stream', async () => {
      const stores = [await open(true), await open(), await open(), await open()];
      const results = await Promise.all(
        stores.map(async (store, w) => {
          const positions: bigint[] = [];
          for (let k = 0; k < 10; k += 1) positions.push((await store.append(k % 2 ? 'grow-shared' : `grow-${w}`, numberedEvents(1 + (k % 3)))).position);
          return positions;
        }),
      );
      // Each writer's own appends come back in increasing position.
      for (const positions of results) expect(increasing(positions)).toBe(true);
      const all = await stores[0].readAll({ limit: 1000 });
      // 10 appends of 1, 2, 3, 1, ... events per writer: 19 each.
      expect(all).toHaveLength(4 * 19);
      expect(increasing(all.map((event) => event.position))).toBe(true);
      // A stream read gives every event the position $all gave it.
      const byId = new Map(all.map((event) => [event.id, event.position]));
      for (const streamId of ['grow-shared', 'grow-0', 'grow-1', 'grow-2', 'grow-3']) {
        const stream = await stores[1].readStream(streamId);
        expect(increasing(stream.map((event) => event.position))).toBe(true);
        for (const event of stream) expect(event.position).toBe(byId.get(event.id));
      }
      expect(await stores[2].headPosition()).toBe(all.at(-1)!.position);
      // Pages cut anywhere, even inside a record, give the same order.
      const cut = all[Math.floor(all.length / 2)].position;
      for (const after of [cut, cut - 1n, cut + 1n]) {
        const page = await stores[3].readAll({ after, limit: 1000 });
        expect(page.map((event) => event.id)).toEqual(all.filter((event) => event.position > after).map((event) => event.id));
      }
    });

    it('a subscription started mid-record starts just after the position asked for, then follows live', async () => {
      const store = await open(true);
      await store.append('mid-1', numberedEvents(3));
      const stream = await store.readStream('mid-1');
      const [, second] = stream;
      // Not a record boundary: one byte before, and one byte into, the second event's record.
      for (const after of [second.position - 1n, second.position + 1n]) {
        const expected = (await store.readAll({ after, limit: 100 })).map((event) => event.id);
        expect(expected.includes(second.id)).toBe(after < second.position);
        const controller = new AbortController();
        const iterator = store.subscribe({ after, signal: controller.signal })[Symbol.asyncIterator]();
        const items: SubscriptionItem[] = [];
        while (items.at(-1)?.kind !== 'caught-up') items.push((await iterator.next()).value as SubscriptionItem);
        expect(items.flatMap((item) => (item.kind === 'event' ? [item.event.id] : []))).toEqual(expected);
        expect(items.at(-1)).toEqual({ kind: 'caught-up', position: await store.headPosition() });
        const pending = iterator.next();
        const live = await store.append('mid-2', numberedEvents(1, 7));
        expect((await pending).value).toMatchObject({ kind: 'event', event: { position: live.position, data: { n: 7 } } });
        controller.abort();
        expect((await iterator.next()).done).toBe(true);
      }
    });

    it('a catch-up subscription is handed over to live under 16 concurrent writers without a gap or a repeat', async () => {
      const writers = await Promise.all(Array.from({ length: 16 }, (_, w) => open(w === 0)));
      const reader = await open();
      // 16 writers, 16 appends each (every third to one stream they share), a short pause between
      // appends so that a reader can catch up while they write; the subscriber starts once 32 are in.
      const perWriter = 16;
      const total = 16 * perWriter;
      // On a shared server the subscriber starts after a marker, not at the start of a long log.
      const { position: marker } = await reader.append('handover-marker', numberedEvents(1));
      let written = 0;
      const writing = Promise.all(
        writers.map(async (store, w) => {
          for (let k = 0; k < perWriter; k += 1) {
            await store.append(k % 3 === 2 ? 'handover-shared' : `handover-${w}`, numberedEvents(1, k, `W${w}`));
            written += 1;
            await sleep(3);
          }
        }),
      );
      while (written < 32) await sleep(2);
      const controller = new AbortController();
      const seen: RecordedEvent[] = [];
      let writtenAtFirstCaughtUp = -1;
      const subscriber = (async () => {
        for await (const item of reader.subscribe({ after: marker, signal: controller.signal, batchSize: 16 })) {
          if (item.kind === 'event') seen.push(item.event);
          else if (writtenAtFirstCaughtUp < 0) writtenAtFirstCaughtUp = written;
          if (seen.length === total) return;
        }
      })();
      await writing;
      await subscriber;
      controller.abort();
      // It caught up, and went live, while the writers were still writing.
      expect(writtenAtFirstCaughtUp).toBeGreaterThanOrEqual(32);
      expect(writtenAtFirstCaughtUp).toBeLessThan(total);
      expect(seen).toHaveLength(total);
      expect(new Set(seen.map((event) => event.id)).size).toBe(total);
      expect(increasing(seen.map((event) => event.position))).toBe(true);
      expect(seen.map((event) => event.id)).toEqual((await reader.readAll({ after: marker, limit: 10_000 })).map((event) => event.id));
      expect((await verifyIntegrity(reader)).ok).toBe(true);
    });

    it('a head one store object remembers goes stale when another appends: it re-reads, and the chain stays whole', async () => {
      const [first, second] = [await open(true), await open()];
      await first.append('stale-1', numberedEvents(1));
      await second.append('stale-1', numberedEvents(2, 1));
      // first remembers version 1; the stream is at 3.
      expect((await first.append('stale-1', numberedEvents(1, 3), { expectedVersion: 3 })).nextVersion).toBe(4);
      await second.append('stale-1', numberedEvents(1, 4));
      expect((await first.append('stale-1', numberedEvents(1, 5))).nextVersion).toBe(6);
      await expect(first.append('stale-1', numberedEvents(1), { expectedVersion: 5 })).rejects.toMatchObject({ code: 'CONFLICT', actual: 6 });
      const stream = await second.readStream('stale-1');
      expect(stream.map((event) => event.data.n)).toEqual([0, 1, 2, 3, 4, 5]);
      expect((await verifyIntegrity(second, { streamId: 'stale-1' })).ok).toBe(true);
    });

    it('an event id is claimed by exactly one stream when 16 store objects race for it', async () => {
      const stores = await Promise.all(Array.from({ length: 16 }, (_, w) => open(w === 0)));
      const event = newEvent('CertificateIssued', { folio: 'TIJ-2018-0179' });
      const outcomes = await Promise.allSettled(stores.map((store, w) => store.append(`claim-race-${w}`, [event])));
      const winners = outcomes.flatMap((outcome, w) => (outcome.status === 'fulfilled' ? [w] : []));
      expect(winners).toHaveLength(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(DuplicateEventIdError);
      const holders = [];
      for (let w = 0; w < 16; w += 1) if ((await stores[0].streamVersion(`claim-race-${w}`)) > 0) holders.push(w);
      expect(holders).toEqual(winners);
      // The claim stream underneath holds one claim, naming the winner.
      const client = EventStoreDBClient.connectionString(toClientConnectionString(server.url));
      try {
        const claims = [];
        for await (const { event: claim } of client.readStream(`${namespace}event-id-claim-${event.id}`)) claims.push(claim);
        expect(claims).toHaveLength(1);
        expect(claims[0]).toMatchObject({ type: 'EventIdClaimed', data: { streamId: `claim-race-${winners[0]}` } });
      } finally {
        await client.dispose();
      }
      // The same id to the winning stream again, from every store at once, is the one earlier append.
      const again = await Promise.all(stores.map((store) => store.append(`claim-race-${winners[0]}`, [event])));
      expect(new Set(again.map((result) => `${result.nextVersion}@${result.position}`))).toEqual(new Set([`1@${(outcomes[winners[0]] as PromiseFulfilledResult<{ position: bigint }>).value.position}`]));
    });
  });
}

/** Nothing listens on port 1: any request that reaches the network fails with the client's UNAVAILABLE. */
const UNREACHABLE = 'esdb://127.0.0.1:1?tls=false';

describe('KurrentDB connection string', () => {
  it.each([
    ['kurrentdb://localhost:2113?tls=false', 'esdb://localhost:2113?tls=false'],
    ['KurrentDB://localhost:2113', 'esdb://localhost:2113'],
    ['kurrentdb+discover://cluster.local:2113', 'esdb+discover://cluster.local:2113'],
    ['esdb://admin:changeit@localhost:2113?tls=false', 'esdb://admin:changeit@localhost:2113?tls=false'],
    ['esdb+discover://a:2113,b:2113', 'esdb+discover://a:2113,b:2113'],
  ])('%s -> %s', (url, expected) => {
    expect(toClientConnectionString(url)).toBe(expected);
  });

  it.each(['postgres://user:secret@localhost/db', 'http://localhost:2113', 'localhost:2113', ''])(
    'refuses %j naming EVENT_STORE_URL, without echoing the value',
    (url) => {
      const error = captureSync(() => toClientConnectionString(url));
      expect(error).toBeInstanceOf(ConfigurationError);
      expect(error).toMatchObject({ problems: [expect.stringMatching(/^EVENT_STORE_URL: /)] });
      expect((error as Error).message).not.toContain('secret');
      expect((error as Error).message).not.toContain('localhost');
    },
  );

  it('createKurrentDbEventStore refuses what the client cannot parse, and a $ namespace', async () => {
    await expect(createKurrentDbEventStore('kurrentdb://')).rejects.toMatchObject({
      name: 'ConfigurationError',
      problems: [expect.stringMatching(/^EVENT_STORE_URL: /)],
    });
    await expect(createKurrentDbEventStore('esdb://localhost:2113?tls=maybe')).rejects.toBeInstanceOf(ConfigurationError);
    await expect(createKurrentDbEventStore(UNREACHABLE, { namespace: '$system-' })).rejects.toBeInstanceOf(ConfigurationError);
  });
});

describe('KurrentDB expected versions', () => {
  it.each<[ExpectedVersion, number, ReturnType<typeof expectedRevisionFor>]>([
    [0, 0, NO_STREAM],
    [3, 3, 2n],
    ['no_stream', 0, NO_STREAM],
    ['exists', 1, 0n],
    ['exists', 7, 6n],
    ['any', 0, NO_STREAM],
    ['any', 5, 4n],
  ])('expected %j on a stream at version %i appends at KurrentDB revision %s', (expected, current, revision) => {
    expect(expectedRevisionFor('servant-1', expected, current)).toBe(revision);
  });

  it.each<[ExpectedVersion, number]>([
    [0, 2],
    [2, 0],
    [4, 3],
    ['no_stream', 1],
    ['exists', 0],
  ])('expected %j on a stream at version %i is our CONFLICT, with the actual version', (expected, current) => {
    const error = captureSync(() => expectedRevisionFor('servant-1', expected, current));
    expect(error).toBeInstanceOf(WrongExpectedVersionError);
    expect(error).toMatchObject({ code: 'CONFLICT', streamId: 'servant-1', actual: current });
  });

  it("reads KurrentDB's current revision as our stream version", () => {
    expect(versionOf(NO_STREAM)).toBe(0);
    expect(versionOf(0n)).toBe(1);
    expect(versionOf(41n)).toBe(42);
  });
});

describe('KurrentDB envelope', () => {
  const names = new StreamNames('ns-');
  const recordedAt = '2018-03-01T18:30:00.000Z';

  /** What the client hands back for events it wrote: JSON bytes parsed again, bigint revisions, log positions. */
  function asRecorded(streamId: string, events: NewEvent[], firstRevision: number, lastHash: string | null, firstPosition = 1000n) {
    const data = toEventData(streamId, { version: firstRevision, lastHash }, recordedAt, validEvents(events));
    return data.map((event, index): KurrentRecordedEvent => {
      const position = firstPosition + BigInt(index) * 150n;
      return {
        streamId: names.kurrentStream(streamId),
        id: event.id,
        revision: BigInt(firstRevision + index),
        type: event.type,
        isJson: event.contentType === 'application/json',
        data: JSON.parse(JSON.stringify(event.data)),
        metadata: JSON.parse(JSON.stringify(event.metadata)),
        position: { commit: position, prepare: position },
      };
    });
  }

  it('round-trips events, with a hash chain that verifies and continues across appends', () => {
    const first = numberedEvents(2);
    const second = [
      { ...newEvent('CertificateIssued', { folio: 'TIJ-2018-0001', nested: { list: [1, 'dos', null] } }), metadata: testMetadata({ commandId: 'cmd-7', schemaVersion: 2 }) },
    ];
    const firstRead = asRecorded('certification-a', first, 0, null).map((recorded) => fromKurrentEvent(recorded, names));
    const secondRead = asRecorded('certification-a', second, 2, firstRead[1].hash, 2000n).map((recorded) =>
      fromKurrentEvent(recorded, names),
    );
    const stream = [...firstRead, ...secondRead];

    expect(stream.map((event) => [event.streamId, event.revision, event.position])).toEqual([
      ['certification-a', 0, 1000n],
      ['certification-a', 1, 1150n],
      ['certification-a', 2, 2000n],
    ]);
    expect(stream[2]).toMatchObject({ id: second[0].id, type: 'CertificateIssued', data: second[0].data, metadata: second[0].metadata, recordedAt });
    stream.forEach((event, index) => {
      expect(event.previousHash).toBe(index === 0 ? null : stream[index - 1].hash);
      expect(event.hash).toBe(eventHash(event.previousHash, event));
    });
  });

  it('keeps the hashed revision and the caller metadata (extra keys too) in the KurrentDB metadata', () => {
    const event = { ...newEvent(), metadata: { ...testMetadata(), origin: 'import-2018.csv' } };
    const [data] = toEventData('servant-1', { version: 4, lastHash: 'ab'.repeat(32) }, recordedAt, validEvents([event]));
    expect(data).toMatchObject({ id: event.id, type: event.type, contentType: 'application/json', data: event.data });
    expect(data.metadata).toEqual({
      metadata: event.metadata,
      revision: 4,
      recordedAt,
      previousHash: 'ab'.repeat(32),
      hash: eventHash('ab'.repeat(32), { ...event, streamId: 'servant-1', revision: 4, recordedAt }),
    });
  });

  it('gives ids back in lower case, as they were hashed', () => {
    const [recorded] = asRecorded('servant-1', [newEvent()], 0, null);
    expect(fromKurrentEvent({ ...recorded, id: recorded.id.toUpperCase() }, names).id).toBe(recorded.id);
  });

  it.each<[string, (recorded: KurrentRecordedEvent) => KurrentRecordedEvent, RegExp]>([
    ['binary data', (recorded) => ({ ...recorded, isJson: false, data: new Uint8Array([1, 2]) }), /data is not a JSON object/],
    ['no envelope', (recorded) => ({ ...recorded, metadata: { occurredAt: recordedAt } }), /metadata is not our envelope/],
    ['binary metadata', (recorded) => ({ ...recorded, metadata: new Uint8Array([123]) }), /metadata is not our envelope/],
    ['no log position (old server)', (recorded) => ({ ...recorded, position: undefined }), /22\.10 or newer/],
    ['the 2^64 - 1 position of servers before 22.6', (recorded) => ({ ...recorded, position: { commit: 2n ** 64n - 1n, prepare: 0n } }), /22\.10 or newer/],
    ['another namespace', (recorded) => ({ ...recorded, streamId: 'other-servant-1' }), /outside this store's namespace/],
  ])('refuses a stored event with %s as a ForeignEventError', (_, spoil, message) => {
    const [recorded] = asRecorded('servant-1', [newEvent()], 0, null);
    const error = captureSync(() => fromKurrentEvent(spoil(recorded), names));
    expect(error).toBeInstanceOf(ForeignEventError);
    expect((error as Error).message).toMatch(message);
  });
});

describe('KurrentDB read start positions', () => {
  /** A probe that answers `answer` and counts its calls. */
  const probe = (answer: boolean | Error) => {
    const calls: bigint[] = [];
    const isRecordAt = async (position: bigint) => {
      calls.push(position);
      if (answer instanceof Error) throw answer;
      return answer;
    };
    return { calls, isRecordAt };
  };
  const at = (position: bigint) => ({ commit: position, prepare: position });

  it('reads from the start for position 0', async () => {
    const { calls, isRecordAt } = probe(true);
    expect(await safeStart(0n, new KnownPositions(), isRecordAt)).toBeUndefined();
    expect(calls).toEqual([]);
  });

  it('reads from a position seen on a record without asking the server', async () => {
    const known = new KnownPositions();
    known.add(4242n);
    const { calls, isRecordAt } = probe(false);
    expect(await safeStart(4242n, known, isRecordAt)).toEqual(at(4242n));
    expect(calls).toEqual([]);
  });

  it('reads from an unknown position once a probe finds a record there', async () => {
    const { calls, isRecordAt } = probe(true);
    expect(await safeStart(3n * CHUNK_SIZE + 77n, new KnownPositions(), isRecordAt)).toEqual(at(3n * CHUNK_SIZE + 77n));
    expect(calls).toEqual([3n * CHUNK_SIZE + 77n]);
  });

  it.each([
    ['finds no record there', false],
    ['fails (a read from mid-record is an error)', new Error('InvalidPosition')],
  ])('falls back to the start of the chunk when the probe %s', async (_, answer) => {
    expect(await safeStart(3n * CHUNK_SIZE + 77n, new KnownPositions(), probe(answer).isRecordAt)).toEqual(at(3n * CHUNK_SIZE));
    expect(await safeStart(77n, new KnownPositions(), probe(answer).isRecordAt)).toBeUndefined();
  });

  it('keeps a bounded number of known positions', () => {
    const known = new KnownPositions(3);
    for (const position of [1n, 2n, 3n]) known.add(position);
    expect(known.has(1n) && known.has(3n)).toBe(true);
    known.add(4n);
    expect([known.has(1n), known.has(3n), known.has(4n)]).toEqual([false, false, true]);
  });
});

describe('KurrentDB stream names and claims', () => {
  it('prefixes our streams with the namespace and tells ours from the rest of $all', () => {
    const names = new StreamNames('t1-');
    expect(names.kurrentStream('servant-1')).toBe('t1-servant-1');
    const claim = names.claimStream('0b6f0c56-7a4e-4b8e-9a51-5c2b0f7e2d11');
    expect(claim).toBe('t1-event-id-claim-0b6f0c56-7a4e-4b8e-9a51-5c2b0f7e2d11');
    expect(names.ourStreamId('t1-servant-1')).toBe('servant-1');
    for (const foreign of [claim, 't2-servant-1', 'servant-1', '$stats-127.0.0.1:2113', '$$t1-servant-1']) {
      expect(names.ourStreamId(foreign)).toBeNull();
    }
    expect(names.isOurs({ streamId: 't1-servant-1', type: 'ServantRegistered' })).toBe(true);
    expect(names.isOurs({ streamId: 't1-servant-1', type: '$metadata' })).toBe(false);
    expect(new StreamNames().isOurs({ streamId: 'servant-1', type: 'ServantRegistered' })).toBe(true);
    expect(new StreamNames().isOurs({ streamId: '$scavenges', type: '$scavengeStarted' })).toBe(false);
  });

  it('gives the server a stream filter that matches exactly our event streams', () => {
    // The pattern uses only syntax .NET and JavaScript regexes share.
    const pattern = new RegExp(new StreamNames('a.b+').streamPattern());
    expect(pattern.test('a.b+servant-1')).toBe(true);
    for (const other of ['aXb+servant-1', 'a.bbservant-1', 'a.b+event-id-claim-x', 'a.b+$x', 'servant-1']) {
      expect(pattern.test(other)).toBe(false);
    }
    const plain = new RegExp(new StreamNames().streamPattern());
    expect(plain.test('servant-1')).toBe(true);
    expect(plain.test('$all')).toBe(false);
    expect(plain.test('event-id-claim-x')).toBe(false);
  });

  it('a claim names its stream and has a fresh id each time', () => {
    const first = claimEvent('servant-1');
    const second = claimEvent('servant-1');
    expect(first.id).not.toBe(second.id);
    const recorded: KurrentRecordedEvent = { ...first, streamId: 'event-id-claim-x', revision: 0n, isJson: true, data: JSON.parse(JSON.stringify(first.data)) };
    expect(claimedStreamOf(recorded)).toBe('servant-1');
    expect(() => claimedStreamOf({ ...recorded, type: 'Other' })).toThrow(ForeignEventError);
    expect(() => claimedStreamOf({ ...recorded, data: {} })).toThrow(ForeignEventError);
  });

  it('treats $-prefixed streams and types as KurrentDB system records', () => {
    expect(isSystemEvent({ streamId: '$settings', type: 'update' })).toBe(true);
    expect(isSystemEvent({ streamId: 'servant-1', type: '$>' })).toBe(true);
    expect(isSystemEvent({ streamId: 'servant-1', type: 'ServantRegistered' })).toBe(false);
  });
});

describe('KurrentDB store before it reaches a server', () => {
  it('refuses bad input with BAD_USER_INPUT before any request (the server here is unreachable)', async () => {
    const store = await createKurrentDbEventStore(UNREACHABLE);
    try {
      expect(store.backend).toBe('kurrentdb');
      const refusals: Array<() => Promise<unknown>> = [
        () => store.append('', [newEvent()]),
        () => store.append('servant-1', []),
        () => store.append('servant-1', [{ ...newEvent(), id: 'not-a-uuid' }]),
        () => store.append('servant-1', [{ ...newEvent(), data: { at: new Date() } as never }]),
        () => store.append('servant-1', [newEvent()], { expectedVersion: -1 }),
        () => store.append('$settings', [newEvent()]),
        () => store.append('event-id-claim-x', [newEvent()]),
        () => store.append('servant-1', [newEvent('$metadata')]),
        () => store.readStream('servant-1', { fromRevision: -1 }),
        () => store.readStream('$all'),
        () => store.streamVersion(''),
        () => store.readAll({ limit: 0 }),
        async () => store.subscribe({ batchSize: 0 })[Symbol.asyncIterator]().next(),
      ];
      for (const refuse of refusals) {
        const error = await refuse().then(
          () => null,
          (caught: unknown) => caught,
        );
        expect(error).toBeInstanceOf(InvalidEventStoreInputError);
        expect(error).toMatchObject({ code: 'BAD_USER_INPUT' });
      }
    } finally {
      await store.close();
    }
  });

  it('a good request to an unreachable server fails with the client error instead of hanging; close twice is fine', async () => {
    const store = await createKurrentDbEventStore(UNREACHABLE);
    await expect(store.append('servant-1', [newEvent()])).rejects.toThrow(/UNAVAILABLE/);
    await expect(store.headPosition()).rejects.toThrow(/UNAVAILABLE/);
    await store.close();
    await store.close();
  });
});

function captureSync(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}
