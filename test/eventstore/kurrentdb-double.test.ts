/**
 * The KurrentDB protocol double seen only through `@eventstore/db-client`,
 * the way the adapter sees a server: what it answers, and the errors it
 * answers with, checked against KurrentDB's documented behaviour (each case
 * names the server rule). The adapter's own suite is kurrentdb.test.ts.
 */
import { randomUUID } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { performance } from 'node:perf_hooks';
import {
  AccessDeniedError,
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  StreamDeletedError,
  streamNameFilter,
  StreamNotFoundError,
  UnknownError,
  WrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type Position,
  type ResolvedEvent,
} from '@eventstore/db-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DOUBLE_SERVER_VERSION, protocol, startKurrentDbDouble, type KurrentDbDouble } from '../support/kurrentdb-double/server.js';

let double: KurrentDbDouble;
let client: EventStoreDBClient;
let startedInMs: number;

beforeAll(async () => {
  const started = performance.now();
  double = await startKurrentDbDouble({ authorize: (_operation, stream) => !stream.startsWith('secret-') });
  startedInMs = performance.now() - started;
  client = EventStoreDBClient.connectionString(double.url);
});
afterAll(async () => {
  await client?.dispose();
  await double?.stop();
});

const stream = (prefix = 'double') => `${prefix}-${randomUUID()}`;
const events = (count: number, type = 'Numbered') => Array.from({ length: count }, (_, n) => jsonEvent({ type, data: { n } }));

async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

async function failure(work: Promise<unknown> | (() => Promise<unknown>)): Promise<unknown> {
  return (typeof work === 'function' ? work() : work).then(
    () => {
      throw new Error('expected a failure');
    },
    (error: unknown) => error,
  );
}

describe('KurrentDB protocol double: connection', () => {
  it('starts fast on 127.0.0.1 at a free port, and reports a server version the client reads', async () => {
    expect(startedInMs).toBeLessThan(1_000);
    expect(double.url).toMatch(/^esdb:\/\/127\.0\.0\.1:\d+\?tls=false$/);
    expect(double.port).toBeGreaterThan(0);
    await client.appendToStream(stream(), events(1));
    // ServerFeatures.cs: the client asks once per connection which methods the server has.
    expect(double.calls.get('GetSupportedMethods')).toBe(1);
    const capabilities = await (client as unknown as { capabilities: Promise<{ serverVersion: string }> }).capabilities;
    expect(capabilities.serverVersion).toBe(DOUBLE_SERVER_VERSION);
  });

  it('stops at once even while a client still holds calls open', async () => {
    const other = await startKurrentDbDouble();
    const lingering = EventStoreDBClient.connectionString(other.url);
    await lingering.appendToStream(stream(), events(1));
    const subscription = lingering.subscribeToAll();
    subscription.on('error', () => {});
    await new Promise((resolve) => subscription.once('confirmation', resolve));
    const started = performance.now();
    await other.stop();
    expect(performance.now() - started).toBeLessThan(2_000);
    await lingering.dispose();
  });

  it('is appended to by BatchAppend, as a 24.10 server is, and by Append when the client sends credentials', async () => {
    const name = stream();
    const appendsBefore = double.calls.get('Append') ?? 0;
    await client.appendToStream(name, events(2));
    // One BatchAppend call carries every append of the connection.
    expect(double.calls.get('BatchAppend')).toBe(1);
    expect(double.calls.get('Append') ?? 0).toBe(appendsBefore);
    const result = await client.appendToStream(name, events(1), { expectedRevision: 1n, credentials: { username: 'admin', password: 'changeit' } });
    expect(double.calls.get('Append')).toBeGreaterThanOrEqual(1);
    expect(result).toMatchObject({ success: true, nextExpectedRevision: 2n });
    expect((await collect(client.readStream(name))).map(({ event }) => event?.revision)).toEqual([0n, 1n, 2n]);
  });
});

describe('KurrentDB protocol double: appends (IndexWriter.CheckCommit)', () => {
  for (const path of ['BatchAppend', 'Append'] as const) {
    const options = path === 'Append' ? { credentials: { username: 'admin', password: 'changeit' } } : {};

    it(`${path}: a wrong expected revision is refused with the stream's actual revision`, async () => {
      const name = stream();
      await client.appendToStream(name, events(3), options);
      const error = await failure(client.appendToStream(name, events(1), { expectedRevision: 0n, ...options }));
      expect(error).toBeInstanceOf(WrongExpectedVersionError);
      expect(error).toMatchObject({ streamName: name, expectedVersion: 0n, actualVersion: 2n });
      const missing = await failure(client.appendToStream(stream(), events(1), { expectedRevision: STREAM_EXISTS, ...options }));
      expect(missing).toMatchObject({ actualVersion: 'no_stream', expectedVersion: 'stream_exists' });
      const exists = await failure(client.appendToStream(name, events(1), { expectedRevision: NO_STREAM, ...options }));
      expect(exists).toMatchObject({ actualVersion: 2n, expectedVersion: 'no_stream' });
    });

    it(`${path}: the same events at the same expected revision are written once and answered as the first time`, async () => {
      const name = stream();
      const batch = events(2);
      const first = await client.appendToStream(name, batch, { expectedRevision: NO_STREAM, ...options });
      const again = await client.appendToStream(name, batch, { expectedRevision: NO_STREAM, ...options });
      expect(again).toEqual(first);
      // 'any' checks recently written ids: still the same write.
      expect(await client.appendToStream(name, batch, options)).toEqual(first);
      expect(await collect(client.readStream(name))).toHaveLength(2);
      // A different event at an earlier revision is a conflict, not a repeat.
      expect(await failure(client.appendToStream(name, events(1), { expectedRevision: NO_STREAM, ...options }))).toBeInstanceOf(WrongExpectedVersionError);
    });
  }

  it('refuses writes and reads the authorization provider denies, with AccessDenied', async () => {
    expect(await failure(client.appendToStream(stream('secret'), events(1)))).toBeInstanceOf(AccessDeniedError);
    expect(await failure(client.appendToStream(stream('secret'), events(1), { credentials: { username: 'ops', password: 'x' } }))).toBeInstanceOf(AccessDeniedError);
    expect(await failure(() => collect(client.readStream(stream('secret'))))).toBeInstanceOf(AccessDeniedError);
  });
});

describe('KurrentDB protocol double: reads', () => {
  it('a stream that was never written is StreamNotFound; a revision past its end is just no events', async () => {
    expect(await failure(() => collect(client.readStream(stream())))).toBeInstanceOf(StreamNotFoundError);
    const name = stream();
    await client.appendToStream(name, events(2));
    expect(await collect(client.readStream(name, { fromRevision: 5n }))).toEqual([]);
    expect((await collect(client.readStream(name, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })))[0].event?.revision).toBe(1n);
  });

  it('gives every event its log position on stream reads and on $all, both ways, positions growing with the log', async () => {
    const name = stream();
    await client.appendToStream(name, events(3));
    const fromStream = await collect(client.readStream(name));
    const positions = fromStream.map(({ event }) => event!.position!);
    for (const [index, position] of positions.entries()) {
      // Data/ResolvedEvent.cs: a self-committed prepare is at (LogPosition, LogPosition).
      expect(position.commit).toBe(position.prepare);
      if (index > 0) expect(position.commit > positions[index - 1].commit).toBe(true);
    }
    const forwards = await collect(client.readAll({ fromPosition: positions[0], maxCount: 3 }));
    // A forward read includes the record at its start position.
    expect(forwards.map(({ event }) => event!.id)).toEqual(fromStream.map(({ event }) => event!.id));
    // A backward read from a position gives what lies before it.
    const backwards = await collect(client.readAll({ direction: BACKWARDS, fromPosition: positions[2], maxCount: 2 }));
    expect(backwards.map(({ event }) => event!.id)).toEqual([fromStream[1].event!.id, fromStream[0].event!.id]);
    const whole = (await collect(client.readAll({ direction: FORWARDS, fromPosition: START }))).map(({ event }) => event!.position.commit);
    expect(whole.every((position, index) => index === 0 || position > whole[index - 1])).toBe(true);
    expect((await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1 })))[0].event!.position.commit).toBe(whole.at(-1));
  });

  it('the log starts with the node\'s own $epoch-information, as a fresh node does', async () => {
    const [first] = await collect(client.readAll({ maxCount: 1 }));
    expect(first.event).toMatchObject({ streamId: '$epoch-information', type: '$epoch-information' });
    expect(first.event!.position.commit).toBeGreaterThan(0n);
  });

  it('refuses a read of $all from the middle of a record (StorageReaderWorker: InvalidPosition)', async () => {
    const name = stream();
    await client.appendToStream(name, events(2));
    const [{ event }] = await collect(client.readStream(name));
    const inside: Position = { commit: event!.position!.commit + 1n, prepare: event!.position!.commit + 1n };
    const error = await failure(() => collect(client.readAll({ fromPosition: inside, maxCount: 1 })));
    expect(error).toBeInstanceOf(UnknownError);
    expect((error as Error).message).toMatch(/InvalidPosition/);
    // Past the end is not an error: nothing is there yet.
    expect(await collect(client.readAll({ fromPosition: { commit: double.log.end + 10n, prepare: double.log.end + 10n } }))).toEqual([]);
  });
});

describe('KurrentDB protocol double: filtered reads of $all (Enumerator.ReadAllForwardsFiltered)', () => {
  /** Types of the events a filtered forward read of $all returns, asked for below the client (its readAll sends no filter). */
  function filteredRead(configure: (filter: InstanceType<typeof protocol.streamsPb.ReadReq.Options.FilterOptions>) => void, count = 100): Promise<string[]> {
    const { streamsPb, streamsGrpc, sharedPb } = protocol;
    const options = new streamsPb.ReadReq.Options();
    const all = new streamsPb.ReadReq.Options.AllOptions();
    all.setStart(new sharedPb.Empty());
    options.setAll(all);
    options.setReadDirection(streamsPb.ReadReq.Options.ReadDirection.FORWARDS);
    options.setCount(String(count));
    const uuid = new streamsPb.ReadReq.Options.UUIDOption();
    uuid.setString(new sharedPb.Empty());
    options.setUuidOption(uuid);
    const filter = new streamsPb.ReadReq.Options.FilterOptions();
    filter.setCount(new sharedPb.Empty());
    filter.setCheckpointintervalmultiplier(1);
    configure(filter);
    options.setFilter(filter);
    const request = new streamsPb.ReadReq();
    request.setOptions(options);
    const raw = new streamsGrpc.StreamsClient(`127.0.0.1:${double.port}`, grpc.credentials.createInsecure());
    return new Promise((resolve, reject) => {
      const names: string[] = [];
      const call = raw.read(request);
      call.on('data', (response: InstanceType<typeof streamsPb.ReadResp>) => {
        const recorded = response.getEvent()?.getEvent();
        if (recorded) names.push(`${Buffer.from(recorded.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8')}/${recorded.getMetadataMap().get('type')}`);
      });
      call.on('error', (error) => {
        raw.close();
        reject(error);
      });
      call.on('end', () => {
        raw.close();
        resolve(names);
      });
    });
  }

  it('keeps only the streams with a prefix, or the event types a regular expression matches, and counts what it returns', async () => {
    const prefix = `filtered-${randomUUID()}-`;
    await client.appendToStream(`${prefix}a`, events(2, 'Kept'));
    await client.appendToStream(stream('other'), events(2, 'Kept'));
    await client.appendToStream(`${prefix}b`, events(1, 'Dropped'));
    const byPrefix = await filteredRead((filter) => {
      const expression = new protocol.streamsPb.ReadReq.Options.FilterOptions.Expression();
      expression.setPrefixList([prefix]);
      filter.setStreamIdentifier(expression);
    });
    expect(byPrefix).toEqual([`${prefix}a/Kept`, `${prefix}a/Kept`, `${prefix}b/Dropped`]);
    const byType = await filteredRead((filter) => {
      const expression = new protocol.streamsPb.ReadReq.Options.FilterOptions.Expression();
      expression.setRegex('^Drop');
      filter.setEventType(expression);
    });
    expect(byType).toContain(`${prefix}b/Dropped`);
    expect(byType.every((name) => name.endsWith('/Dropped'))).toBe(true);
    const limited = await filteredRead((filter) => {
      const expression = new protocol.streamsPb.ReadReq.Options.FilterOptions.Expression();
      expression.setPrefixList([prefix]);
      filter.setStreamIdentifier(expression);
    }, 2);
    expect(limited).toHaveLength(2);
  });
});

describe('KurrentDB protocol double: deletes, tombstones and metadata', () => {
  it('a tombstoned stream is deleted for reads and writes, for good', async () => {
    const name = stream();
    await client.appendToStream(name, events(2));
    const { position } = await client.tombstoneStream(name);
    expect(position!.commit).toBeGreaterThan(0n);
    expect(await failure(() => collect(client.readStream(name)))).toBeInstanceOf(StreamDeletedError);
    expect(await failure(client.appendToStream(name, events(1)))).toBeInstanceOf(StreamDeletedError);
    expect(await failure(client.appendToStream(name, events(1), { credentials: { username: 'a', password: 'b' } }))).toBeInstanceOf(StreamDeletedError);
    expect(await failure(client.tombstoneStream(name))).toBeInstanceOf(StreamDeletedError);
    // The tombstone is in $all as a $streamDeleted record.
    const tail = await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 20 }));
    expect(tail.some(({ event }) => event?.streamId === name && event.type === '$streamDeleted')).toBe(true);
  });

  it('a soft-deleted stream reads as not found, and a new write brings it back with its numbering continued', async () => {
    const name = stream();
    await client.appendToStream(name, events(2));
    expect(await failure(client.deleteStream(name, { expectedRevision: 0n }))).toBeInstanceOf(WrongExpectedVersionError);
    await client.deleteStream(name, { expectedRevision: 1n });
    expect(await failure(() => collect(client.readStream(name)))).toBeInstanceOf(StreamNotFoundError);
    await client.appendToStream(name, events(1, 'Again'));
    const back = await collect(client.readStream(name));
    expect(back.map(({ event }) => [event?.revision, event?.type])).toEqual([[2n, 'Again']]);
    // Deleting a stream that never existed fails.
    expect(await failure(client.deleteStream(stream()))).toBeInstanceOf(WrongExpectedVersionError);
  });

  it('stream metadata lives in the $$ stream and truncates reads ($maxCount, $tb)', async () => {
    const name = stream();
    await client.appendToStream(name, events(5));
    await client.setStreamMetadata(name, { maxCount: 2 });
    expect((await client.getStreamMetadata(name)).metadata).toMatchObject({ maxCount: 2 });
    expect((await collect(client.readStream(name))).map(({ event }) => event?.revision)).toEqual([3n, 4n]);
    await client.setStreamMetadata(name, { truncateBefore: 1 });
    expect((await collect(client.readStream(name))).map(({ event }) => event?.revision)).toEqual([1n, 2n, 3n, 4n]);
  });
});

describe('KurrentDB protocol double: catch-up subscriptions to $all', () => {
  it('confirms, catches up after the start position, checkpoints, says caught up, then goes live; filters on the server', async () => {
    const prefix = `sub-${randomUUID()}-`;
    await client.appendToStream(`${prefix}a`, events(3));
    await client.appendToStream(stream('other'), events(2));
    const [first] = await collect(client.readStream(`${prefix}a`, { maxCount: 1 }));
    const checkpoints: bigint[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: first.event!.position!,
      filter: streamNameFilter({ prefixes: [prefix], checkpointInterval: 1, checkpointReached: (_s, position) => void checkpoints.push(position.commit) }),
    });
    const received: AllStreamResolvedEvent[] = [];
    let caughtUpAfter = -1;
    subscription.on('caughtUp', () => {
      caughtUpAfter = received.length;
    });
    const live = new Promise<void>((resolve, reject) => {
      subscription.on('data', (resolved: AllStreamResolvedEvent) => {
        received.push(resolved);
        if (received.length === 3) resolve();
      });
      subscription.on('error', reject);
    });
    while (caughtUpAfter < 0) await new Promise((resolve) => setTimeout(resolve, 5));
    // The start position is exclusive: revisions 1 and 2, then caught up.
    expect(received.map(({ event }) => event?.revision)).toEqual([1n, 2n]);
    expect(caughtUpAfter).toBe(2);
    // At the end of catch-up a checkpoint comes, at the last record considered.
    expect(checkpoints.at(-1)).toBe(double.log.records.at(-1)!.position);
    await client.appendToStream(stream('other'), events(1));
    await client.appendToStream(`${prefix}b`, events(1, 'Live'));
    await live;
    expect(received[2].event).toMatchObject({ streamId: `${prefix}b`, type: 'Live' });
    await subscription.unsubscribe();
  });

  it('refuses to start inside a record (RpcExceptions.InvalidPositionException)', async () => {
    const name = stream();
    await client.appendToStream(name, events(1));
    const [{ event }] = await collect(client.readStream(name));
    const subscription = client.subscribeToAll({ fromPosition: { commit: event!.position!.commit + 3n, prepare: event!.position!.commit + 3n } });
    const error = await new Promise<unknown>((resolve) => {
      subscription.on('error', resolve);
      subscription.on('data', () => resolve(new Error('an event came')));
    });
    expect((error as Error).message).toMatch(/invalid position/i);
  });

  it('keeps a slow reader in order through HTTP/2 flow control, checkpointing every interval', async () => {
    const prefix = `slow-${randomUUID()}-`;
    for (let k = 0; k < 10; k += 1) await client.appendToStream(`${prefix}${k % 3}`, events(50));
    const checkpoints: bigint[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      filter: streamNameFilter({ prefixes: [prefix], checkpointInterval: 2, checkpointReached: (_s, position) => void checkpoints.push(position.commit) }),
    });
    const seen: ResolvedEvent[] = [];
    for await (const resolved of subscription) {
      seen.push(resolved);
      if (seen.length % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 20));
      if (seen.length === 500) break;
    }
    const positions = seen.map(({ event }) => event!.position!.commit);
    expect(positions.every((position, index) => index === 0 || position > positions[index - 1])).toBe(true);
    // AllSubscriptionFiltered.cs: a checkpoint every multiplier x 32 considered events.
    expect(checkpoints.length).toBeGreaterThanOrEqual(Math.floor(double.log.records.length / 64) - 1);
    expect(checkpoints.every((position, index) => index === 0 || position >= checkpoints[index - 1])).toBe(true);
  });
});
