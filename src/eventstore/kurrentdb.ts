/**
 * EventStore on KurrentDB/EventStoreDB through `@eventstore/db-client` 6.x.
 * Each of our streams is a KurrentDB stream; our envelope (revision,
 * recordedAt, hash chain) rides in each event's metadata; global positions are
 * KurrentDB commit positions. System streams and events ($-prefixed) are
 * never shown. See docs/kurrentdb.md for what was and was not verified.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  excludeSystemEvents,
  FORWARDS,
  START,
  StreamNotFoundError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type Position,
  type ReadStreamOptions as ClientReadStreamOptions,
} from '@eventstore/db-client';
import { ConfigurationError, InvalidEventStoreInputError, WrongExpectedVersionError } from './errors.js';
import { earlierAppendResult } from './append-rules.js';
import {
  expectedRevisionFor,
  fromKurrentEvent,
  isSystemEvent,
  toClientConnectionString,
  toEventData,
  versionOf,
  type KurrentRecordedEvent,
} from './kurrentdb-mapping.js';
import { catchUpThenLive, walkAll, type LiveFeed } from './kurrentdb-subscription.js';
import type {
  AppendOptions,
  AppendResult,
  EventStore,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionItem,
} from './types.js';
import {
  validateAppend,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateStreamId,
  validateSubscribeOptions,
} from './validation.js';

/** Appends with 'any' or 'exists' that lose a race re-read and retry this many times in all. */
const MAX_APPEND_ATTEMPTS = 5;
/** Records read per backwards page when looking for the newest event of ours. */
const HEAD_PAGE_SIZE = 100;

/** Opens a KurrentDB-backed store for `url` (esdb://, kurrentdb:// or kurrent://). The client connects lazily. */
export async function createKurrentDbEventStore(url: string): Promise<EventStore> {
  const connectionString = toClientConnectionString(url);
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    throw new ConfigurationError('EVENT_STORE_URL', `not a usable KurrentDB connection string: ${(error as Error).message}`);
  }
  return new KurrentDbEventStore(client);
}

class KurrentDbEventStore implements EventStore {
  readonly backend = 'kurrentdb';
  /** Aborted by close(): ends every open subscription. */
  private readonly closing = new AbortController();

  constructor(private readonly client: EventStoreDBClient) {}

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const input = validateAppend(streamId, events, options);
    refuseSystemName(input.streamId, 'Stream id');
    for (const event of input.events) refuseSystemName(event.type, 'Event type');

    let actualVersion = 0;
    for (let attempt = 1; attempt <= MAX_APPEND_ATTEMPTS; attempt += 1) {
      const history = (await this.readRecorded(input.streamId, {})).map(fromKurrentEvent);
      // KurrentDB only deduplicates ids when the retry carries the first attempt's expected revision; we cannot know it, so we look.
      const ids = new Set(input.events.map((event) => event.id));
      const earlier = earlierAppendResult(input.streamId, input.events, history.filter((event) => ids.has(event.id)));
      if (earlier) return earlier;
      const last = history.at(-1);
      const currentVersion = last ? last.revision + 1 : 0;
      const expectedRevision = expectedRevisionFor(input.streamId, input.expectedVersion, currentVersion);
      const head = { version: currentVersion, lastHash: last?.hash ?? null };
      const eventData = toEventData(input.streamId, head, new Date().toISOString(), input.events);
      try {
        const result = await this.client.appendToStream(input.streamId, eventData, { expectedRevision });
        if (!result.position) throw new Error(`KurrentDB appended to ${input.streamId} but sent no log position`);
        return { nextVersion: Number(result.nextExpectedRevision) + 1, position: result.position.commit };
      } catch (error) {
        if (!(error instanceof ClientWrongExpectedVersionError)) throw error;
        // Lost a race. The re-read returns this very append if a twin request won, throws our
        // conflict for a numeric or 'no_stream' expectation, and retries 'any' and 'exists'.
        actualVersion = versionOf(error.actualVersion);
      }
    }
    throw new WrongExpectedVersionError(input.streamId, input.expectedVersion, actualVersion);
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const id = validateStreamId(streamId);
    refuseSystemName(id, 'Stream id');
    const { fromRevision, toRevision, recordedUntil } = validateReadStreamOptions(options);
    if (toRevision !== undefined && toRevision < fromRevision) return [];
    const recorded = await this.readRecorded(id, {
      fromRevision: BigInt(fromRevision),
      ...(toRevision === undefined ? {} : { maxCount: toRevision - fromRevision + 1 }),
    });
    const events = recorded.map(fromKurrentEvent);
    if (!recordedUntil) return events;
    // recordedAt is our envelope's commit time (KurrentDB's own `created` is not hashed).
    return events.filter((event) => Date.parse(event.recordedAt) <= recordedUntil.getTime());
  }

  async streamVersion(streamId: string): Promise<number> {
    const id = validateStreamId(streamId);
    refuseSystemName(id, 'Stream id');
    const [last] = await this.readRecorded(id, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last ? Number(last.revision) + 1 : 0;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, limit } = validateReadAllOptions(options);
    const events: RecordedEvent[] = [];
    for await (const recorded of walkAll(this.readAllPage, after, limit)) {
      if (isSystemEvent(recorded)) continue;
      events.push(fromKurrentEvent(recorded));
      if (events.length === limit) break;
    }
    return events;
  }

  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    const { after, batchSize } = validateSubscribeOptions(options);
    const signal = options?.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    return catchUpThenLive({
      after,
      batchSize,
      signal,
      readPage: this.readAllPage,
      subscribe: (from) => this.subscribeToAll(from),
      decode: fromKurrentEvent,
    });
  }

  async headPosition(): Promise<bigint> {
    // $all ends with KurrentDB's own records now and then: walk back to the newest one of ours.
    let from: Position | typeof END = END;
    let newestSeen: bigint | undefined;
    for (;;) {
      const page: AllStreamResolvedEvent[] = await this.collect(this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: HEAD_PAGE_SIZE }));
      for (const { event } of page) {
        if (!event || (newestSeen !== undefined && event.position.commit >= newestSeen)) continue;
        if (!isSystemEvent(event)) return event.position.commit;
        newestSeen = event.position.commit;
        from = event.position;
      }
      if (page.length < HEAD_PAGE_SIZE) return 0n;
    }
  }

  async close(): Promise<void> {
    this.closing.abort();
    await this.client.dispose();
  }

  private readonly readAllPage = (from: Position | undefined, maxCount: number): Promise<AllStreamResolvedEvent[]> =>
    this.collect(this.client.readAll({ direction: FORWARDS, fromPosition: from ?? START, maxCount }));

  private subscribeToAll(from: Position | undefined): LiveFeed {
    return this.client.subscribeToAll({ fromPosition: from ?? START, filter: excludeSystemEvents() });
  }

  /** The stream's events as KurrentDB recorded them; none when the stream does not exist. */
  private async readRecorded(streamId: string, options: ClientReadStreamOptions): Promise<KurrentRecordedEvent[]> {
    try {
      const resolved = await this.collect(this.client.readStream(streamId, { direction: FORWARDS, fromRevision: START, ...options }));
      return resolved.flatMap(({ event }) => (event ? [event] : []));
    } catch (error) {
      if (error instanceof StreamNotFoundError) return [];
      throw error;
    }
  }

  private async collect<T>(read: AsyncIterable<T>): Promise<T[]> {
    const items: T[] = [];
    for await (const item of read) items.push(item);
    return items;
  }
}

/** $-prefixed names are KurrentDB's own: its reads of $all (and ours) would hide such events from every projection. */
function refuseSystemName(name: string, what: string): void {
  if (name.startsWith('$')) throw new InvalidEventStoreInputError(`${what} must not start with "$" (reserved by KurrentDB)`);
}
