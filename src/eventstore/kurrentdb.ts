/**
 * EventStore on KurrentDB/EventStoreDB through `@eventstore/db-client` 6.x.
 * Each of our streams is a KurrentDB stream; our envelope (revision,
 * recordedAt, hash chain) rides in each event's metadata; global positions are
 * KurrentDB commit positions; event ids are kept unique across streams by one
 * claim stream per id. KurrentDB's own ($-prefixed) records are never shown.
 * See docs/kurrentdb.md for what was and was not verified against a server.
 */
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  streamNameFilter,
  StreamNotFoundError,
  WrongExpectedVersionError as ClientWrongExpectedVersionError,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type AppendResult as AppendToStreamResult,
  type Position,
  type ReadStreamOptions as ClientReadStreamOptions,
} from '@eventstore/db-client';
import pRetry from 'p-retry';
import { earlierAppendResult } from './append-rules.js';
import { scanAudit, validateAuditQuery } from './audit.js';
import { ConfigurationError, DuplicateEventIdError, InvalidEventStoreInputError, WrongExpectedVersionError } from './errors.js';
import {
  CLAIM_STREAM_PREFIX,
  claimedStreamOf,
  claimEvent,
  expectedRevisionFor,
  fromKurrentEvent,
  StreamNames,
  toClientConnectionString,
  toEventData,
  versionOf,
  type Envelope,
  type KurrentRecordedEvent,
} from './kurrentdb-mapping.js';
import type { StreamHead } from './append-rules.js';
import { KnownPositions, logPosition, safeStart } from './kurrentdb-positions.js';
import { catchUpThenLive, MAX_WALK_PAGE, walkAll, type LiveFeed } from './kurrentdb-subscription.js';
import type {
  AppendOptions,
  AppendResult,
  AuditFilter,
  AuditPage,
  EventStore,
  ExpectedVersion,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionItem,
} from './types.js';
import {
  validateAppend,
  type ValidEvent,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateStreamId,
  validateSubscribeOptions,
} from './validation.js';

/**
 * Appends that lose a race re-read and try again ('any' and 'exists' only; see append):
 * this many times in all, after pauses from 2 ms, doubling up to 100 ms, each
 * times a random 1 to 2. 16 writers on one stream with 'any' exhausted 20
 * attempts at a linear 0-5 ms x attempt (seen on the protocol double).
 */
const APPEND_RETRIES = { retries: 29, minTimeout: 2, factor: 2, maxTimeout: 100, randomize: true } as const;

/** An append that lost a race to another writer: the next attempt reads again. */
class LostRace extends Error {
  constructor(readonly actualVersion: number) {
    super('Lost the race for the stream head');
  }
}
/** Records read by the first backwards page when looking for our newest event. */
const HEAD_PAGE_SIZE = 64;

export interface KurrentDbStoreOptions {
  /** Prefix for every KurrentDB stream name, so several stores can share one server (default none). */
  namespace?: string;
}

/** Opens a KurrentDB-backed store for `url` (esdb:// or kurrentdb://). The client connects lazily, on first use. */
export async function createKurrentDbEventStore(url: string, options: KurrentDbStoreOptions = {}): Promise<EventStore> {
  const names = new StreamNames(options.namespace);
  const connectionString = toClientConnectionString(url);
  let client: EventStoreDBClient;
  try {
    client = EventStoreDBClient.connectionString(connectionString);
  } catch (error) {
    throw new ConfigurationError([`EVENT_STORE_URL: not a usable KurrentDB connection string: ${(error as Error).message}`]);
  }
  return new KurrentDbEventStore(client, names);
}

class KurrentDbEventStore implements EventStore {
  readonly backend = 'kurrentdb';
  /** Aborted by close(): ends every open subscription. */
  private readonly closing = new AbortController();
  private readonly known = new KnownPositions();
  /** Where each stream ended after this store object's last append to it (see append). */
  private readonly heads = new StreamHeads();
  private readonly decode = (recorded: KurrentRecordedEvent): RecordedEvent => {
    const event = fromKurrentEvent(recorded, this.names);
    this.known.add(event.position);
    return event;
  };
  private readonly isOurs = (recorded: { streamId: string; type: string }): boolean => this.names.isOurs(recorded);

  constructor(
    private readonly client: EventStoreDBClient,
    private readonly names: StreamNames,
  ) {}

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const input = validateAppend(streamId, events, options);
    refuseReservedStreamId(input.streamId);
    for (const event of input.events) {
      if (event.type.startsWith('$')) throw new InvalidEventStoreInputError('Event type must not start with "$" (reserved by KurrentDB)');
    }
    const stream = this.names.kurrentStream(input.streamId);
    const claimed = new Set<string>();
    /** These events as stored in the stream by an earlier append (from `fromVersion` on), if one did. */
    const earlier = async (fromVersion = 0) =>
      earlierAppendIn((await this.readRecorded(stream, { fromRevision: BigInt(fromVersion) })).map(this.decode), input.streamId, input.events);

    // After a lost race a twin request may have stored these very events after the head we had: look there first.
    let lostRaceAfter: number | undefined;
    const attempt = async (): Promise<AppendResult> => {
      if (lostRaceAfter !== undefined) {
        const stored = await earlier(lostRaceAfter);
        if (stored) return stored;
      }
      // Where the stream ends: what this store object last wrote there, else its last event (a new
      // link needs only that revision and hash; reading whole streams made appends O(stream length),
      // which the protocol double showed on long streams). A stale head only costs a refused append.
      let head = this.heads.get(stream) ?? (await this.readHead(stream));
      let expectedRevision = expectedRevisionOrNull(input.streamId, input.expectedVersion, head.version);
      if (expectedRevision === null && head.cached) {
        head = await this.readHead(stream);
        expectedRevision = expectedRevisionOrNull(input.streamId, input.expectedVersion, head.version);
      }
      if (expectedRevision === null) {
        // Checked before claiming, so a plain conflict leaves no claims behind; unless these same
        // events went in before (a retry): then the earlier result, whatever the expectation.
        const stored = await earlier();
        if (stored) return stored;
        throw new WrongExpectedVersionError(input.streamId, input.expectedVersion, head.version);
      }
      // KurrentDB deduplicates ids itself only when a retry carries the first attempt's expected
      // revision, which we cannot know. An id already claimed for this stream may be stored in it: look.
      if (await this.claimIds(input.streamId, input.events, claimed)) {
        const stored = await earlier();
        if (stored) return stored;
      }
      const eventData = toEventData(input.streamId, head, new Date().toISOString(), input.events);
      let written: AppendToStreamResult;
      try {
        written = await this.client.appendToStream(stream, eventData, { expectedRevision });
      } catch (error) {
        if (!(error instanceof ClientWrongExpectedVersionError)) throw error;
        // Lost a race. The next attempt returns this very append if a twin won, throws our conflict
        // for a numeric or 'no_stream' expectation, and tries again for 'any' and 'exists'.
        this.heads.delete(stream);
        lostRaceAfter = head.version;
        throw new LostRace(versionOf(error.actualVersion));
      }
      // The reply names the last event's revision and log position, also when KurrentDB takes this
      // as a repeat of a twin's identical append (then the twin's, which are these same events at
      // these same revisions): StorageChaser.cs commits at the last prepare, IndexWriter.cs answers
      // a repeat with its last event's position.
      if (!written.position || written.nextExpectedRevision !== BigInt(head.version + input.events.length - 1)) {
        throw new Error(`KurrentDB acknowledged the append to ${input.streamId} without the position or revision of its last event`);
      }
      const lastHash = (eventData.at(-1)!.metadata as unknown as Envelope).hash;
      this.heads.set(stream, { version: head.version + input.events.length, lastHash, cached: true });
      return { nextVersion: head.version + input.events.length, position: written.position.commit };
    };
    try {
      return await pRetry(attempt, { ...APPEND_RETRIES, shouldRetry: ({ error }) => error instanceof LostRace });
    } catch (error) {
      if (error instanceof LostRace) throw new WrongExpectedVersionError(input.streamId, input.expectedVersion, error.actualVersion);
      throw error;
    }
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const id = validateStreamId(streamId);
    refuseReservedStreamId(id);
    const { fromRevision, toRevision, recordedUntil } = validateReadStreamOptions(options);
    if (toRevision !== undefined && toRevision < fromRevision) return [];
    const recorded = await this.readRecorded(this.names.kurrentStream(id), {
      fromRevision: BigInt(fromRevision),
      ...(toRevision === undefined ? {} : { maxCount: toRevision - fromRevision + 1 }),
    });
    const events = recorded.map(this.decode);
    if (!recordedUntil) return events;
    // recordedAt is the time in our envelope (KurrentDB's own `created` is not hashed).
    return events.filter((event) => Date.parse(event.recordedAt) <= recordedUntil.getTime());
  }

  async streamVersion(streamId: string): Promise<number> {
    const id = validateStreamId(streamId);
    refuseReservedStreamId(id);
    const [last] = await this.readRecorded(this.names.kurrentStream(id), { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    return last ? Number(last.revision) + 1 : 0;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, limit } = validateReadAllOptions(options);
    const events: RecordedEvent[] = [];
    for await (const recorded of walkAll(this.readAllPage, after, await this.startFor(after), limit, this.isOurs)) {
      events.push(this.decode(recorded));
      if (events.length === limit) break;
    }
    return events;
  }

  /**
   * A filtered scan of $all (or of the one stream): KurrentDB has no secondary
   * indexes to seek, so the cost grows with the events read, not found
   * (docs/audit.md). Server-side filters on type would cut the transfer but not the walk.
   */
  readAudit(filter: AuditFilter, page: AuditPage): Promise<RecordedEvent[]> {
    return scanAudit(this, validateAuditQuery(filter, page));
  }

  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    const { after, batchSize } = validateSubscribeOptions(options);
    const signal = options?.signal ? AbortSignal.any([options.signal, this.closing.signal]) : this.closing.signal;
    return catchUpThenLive({
      after,
      startFor: this.startFor,
      batchSize,
      signal,
      readPage: this.readAllPage,
      subscribe: (from) => this.subscribeToAll(from),
      isOurs: this.isOurs,
      decode: this.decode,
      head: () => this.headPosition(),
    });
  }

  async headPosition(): Promise<bigint> {
    // $all ends with other records now and then (KurrentDB's, claims, other namespaces): walk back to our newest.
    let from: Position | typeof END = END;
    let oldestSeen: bigint | undefined;
    for (let size = HEAD_PAGE_SIZE; ; size = Math.min(size * 2, MAX_WALK_PAGE)) {
      const page: AllStreamResolvedEvent[] = await this.collect(
        this.client.readAll({ direction: BACKWARDS, fromPosition: from, maxCount: size }),
      );
      for (const { event } of page) {
        if (!event || (oldestSeen !== undefined && event.position.commit >= oldestSeen)) continue;
        if (this.isOurs(event)) return event.position.commit;
        oldestSeen = event.position.commit;
        from = event.position;
      }
      if (page.length < size) return 0n;
    }
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    await this.client.dispose();
  }

  /**
   * Binds each event id to `streamId` by creating the id's claim stream, unless
   * the claim exists already for this same stream (an earlier attempt, or a
   * twin request: then true, as the events may be stored already). A claim for
   * another stream means the id is taken. KurrentDB cannot write several
   * streams atomically, so a claim made by an append that then lost a race
   * stays, bound to the same stream.
   */
  private async claimIds(streamId: string, events: ValidEvent[], claimed: Set<string>): Promise<boolean> {
    let claimedBefore = false;
    await Promise.all(
      events
        .filter((event) => !claimed.has(event.id))
        .map(async (event) => {
          const claimStream = this.names.claimStream(event.id);
          try {
            await this.client.appendToStream(claimStream, claimEvent(streamId), { expectedRevision: NO_STREAM });
          } catch (error) {
            if (!(error instanceof ClientWrongExpectedVersionError)) throw error;
            const [claim] = await this.readRecorded(claimStream, { maxCount: 1 });
            if (!claim || claimedStreamOf(claim) !== streamId) throw new DuplicateEventIdError(event.id);
            claimedBefore = true;
          }
          claimed.add(event.id);
        }),
    );
    return claimedBefore;
  }

  /** A stream's version and last hash, read from its last event. */
  private async readHead(stream: string): Promise<CachedHead> {
    const [lastRecorded] = await this.readRecorded(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 1 });
    const last = lastRecorded ? this.decode(lastRecorded) : undefined;
    return { version: last ? last.revision + 1 : 0, lastHash: last?.hash ?? null, cached: false };
  }

  private readonly readAllPage = async (from: Position | undefined, maxCount: number): Promise<AllStreamResolvedEvent[]> => {
    const page = await this.collect(this.client.readAll({ direction: FORWARDS, fromPosition: from ?? START, maxCount }));
    for (const { event } of page) if (event) this.known.add(event.position.commit);
    return page;
  };

  /** A record boundary to read $all from for "after `after`" (KurrentDB refuses to start mid-record). */
  private readonly startFor = (after: bigint): Promise<Position | undefined> =>
    safeStart(after, this.known, async (position) => {
      const [probe] = await this.readAllPage(logPosition(position), 1);
      return probe?.event?.position.commit === position;
    });

  private subscribeToAll(from: Position | undefined): LiveFeed {
    return this.client.subscribeToAll({
      fromPosition: from ?? START,
      filter: streamNameFilter({ regex: this.names.streamPattern() }),
    });
  }

  /** A stream's events as KurrentDB recorded them; none when the stream does not exist. */
  private async readRecorded(kurrentStream: string, options: ClientReadStreamOptions): Promise<KurrentRecordedEvent[]> {
    try {
      const resolved = await this.collect(
        this.client.readStream(kurrentStream, { direction: FORWARDS, fromRevision: START, ...options }),
      );
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

interface CachedHead extends StreamHead {
  /** True when it comes from this store object's own last append, not from a read: it may be stale. */
  cached: boolean;
}

/** Heads of streams this store object appended to, bounded: cleared when full (another read is all a miss costs). */
class StreamHeads {
  private readonly heads = new Map<string, CachedHead>();

  constructor(private readonly capacity = 10_000) {}

  get(stream: string): CachedHead | undefined {
    return this.heads.get(stream);
  }

  set(stream: string, head: CachedHead): void {
    if (this.heads.size >= this.capacity) this.heads.clear();
    this.heads.set(stream, head);
  }

  delete(stream: string): void {
    this.heads.delete(stream);
  }
}

/** The exact revision to append at when the caller's expectation holds at `version`, else null. */
function expectedRevisionOrNull(streamId: string, expected: ExpectedVersion, version: number): AppendExpectedRevision | null {
  try {
    return expectedRevisionFor(streamId, expected, version);
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return null;
    throw error;
  }
}

/** The result of an earlier append of these same events found in the stream's history (see earlierAppendResult). */
function earlierAppendIn(history: RecordedEvent[], streamId: string, events: ValidEvent[]): AppendResult | null {
  const ids = new Set(events.map((event) => event.id));
  return earlierAppendResult(streamId, events, history.filter((event) => ids.has(event.id)));
}

/** Stream ids KurrentDB reserves ($...) or we use for claims: events there would never reach readAll or a subscription. */
function refuseReservedStreamId(streamId: string): void {
  if (streamId.startsWith('$') || streamId.startsWith(CLAIM_STREAM_PREFIX)) {
    throw new InvalidEventStoreInputError(`Stream id must not start with "$" or "${CLAIM_STREAM_PREFIX}" (reserved in KurrentDB)`);
  }
}
