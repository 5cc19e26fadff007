/**
 * The event store contract every backend (SQLite, PostgreSQL, KurrentDB) honours.
 * Only src/app knows which concrete store is in use; everything else sees this.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A number is the stream version (count of events) the caller read. */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'exists';

/** Who and when, carried by every event. Business time lives in occurredAt. */
export interface EventMetadata {
  /** ISO-8601 business time (may be years before recordedAt). */
  occurredAt: string;
  actor: string | null;
  commandId: string | null;
  correlationId: string | null;
  causationId: string | null;
  schemaVersion: number;
}

/** An event on its way into the store. `id` is a UUID; the same id twice is stored once. */
export interface NewEvent {
  id: string;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
}

/** An event as the store committed it. */
export interface RecordedEvent extends NewEvent {
  streamId: string;
  /** 0-based position within its stream. */
  revision: number;
  /** Global position in the whole log; only grows. */
  position: bigint;
  /** ISO-8601 time the store committed it. */
  recordedAt: string;
  /** sha256(previousHash + canonical JSON of the event), hex. */
  hash: string;
  previousHash: string | null;
}

export interface AppendOptions {
  expectedVersion?: ExpectedVersion;
}

export interface AppendResult {
  /** Stream version after the append: the number of events in the stream. */
  nextVersion: number;
  /** Global position of the last event appended (or of the first append, when idempotent). */
  position: bigint;
}

export interface ReadStreamOptions {
  /** First revision to return (inclusive, default 0). */
  fromRevision?: number;
  /** Last revision to return (inclusive). */
  toRevision?: number;
  /** Only events the store committed at or before this instant. */
  recordedUntil?: Date;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position greater than this (default: from the start). */
  after?: bigint;
  limit: number;
}

export type SubscriptionItem =
  | { kind: 'event'; event: RecordedEvent }
  /** Emitted each time the subscriber has delivered everything committed so far. */
  | { kind: 'caught-up'; position: bigint };

export interface SubscribeOptions {
  after?: bigint;
  /** Aborting ends the iteration cleanly. */
  signal?: AbortSignal;
  /** Events fetched per read (default 500). */
  batchSize?: number;
}

export interface EventStore {
  /** Backend name for logs and status, e.g. "sqlite". */
  readonly backend: string;
  append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Stream version (number of events); 0 when the stream does not exist. */
  streamVersion(streamId: string): Promise<number>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem>;
  /** Global position of the newest event, 0n for an empty store. */
  headPosition(): Promise<bigint>;
  close(): Promise<void>;
}
