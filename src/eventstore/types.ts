import type { StreamEventMetadata } from '../application/event-streams.js';

/**
 * The event store contract every backend (SQLite, PostgreSQL, KurrentDB) honours.
 * Only src/app knows which concrete store is in use; everything else sees this.
 */

export type JsonPrimitive = string | number | boolean | null;
export type JsonValue = JsonPrimitive | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

/** A number is the stream version (count of events) the caller read. */
export type ExpectedVersion = number | 'any' | 'no_stream' | 'exists';

/** Who and when, carried by every event; defined by the domain, which writes it. Business time lives in occurredAt. */
export type EventMetadata = StreamEventMetadata;

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
  /**
   * SQL backends: sha256(globalHash of the event before it in the log + hash), hex,
   * chaining the whole log in position order. Absent on KurrentDB.
   */
  globalHash?: string | null;
}

export interface AppendOptions {
  expectedVersion?: ExpectedVersion;
}

/** One stream's part of an appendBatch. */
export interface AppendBatchItem {
  streamId: string;
  events: NewEvent[];
  expectedVersion?: ExpectedVersion;
}

/** A stream a decision read, and the version it read it at. */
export interface StreamVersionCheck {
  streamId: string;
  /** Number of events; 0 for a stream that does not exist. */
  version: number;
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

/** One stream's part of readStreams. */
export interface StreamReadRequest {
  streamId: string;
  /** First revision to return (inclusive, default 0). */
  fromRevision?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with a position greater than this (default: from the start). */
  after?: bigint;
  limit: number;
}

/** What an auditor asks of the log; every given field must match (null or absent: no filter). */
export interface AuditFilter {
  streamId?: string | null;
  /** Any of these event types (an empty list does not filter). */
  types?: string[] | null;
  /** metadata.actor equals this. */
  actor?: string | null;
  /** recordedAt at or after this instant. */
  recordedFrom?: Date | null;
  /** recordedAt at or before this instant. */
  recordedTo?: Date | null;
}

/** Keyset paging on the global position (never OFFSET). */
export interface AuditPage {
  /** Exclusive: events with a position greater than this (default: from the start). */
  after?: bigint;
  /** Exclusive: events with a position smaller than this (default: to the end). */
  before?: bigint;
  /** The newest `limit` matching events of the range, newest first (default: the oldest, oldest first). */
  newestFirst?: boolean;
  limit: number;
}

/** Where the global chain ends, as the append path last left it. */
export interface LogHead {
  position: bigint;
  /** '' for an empty log. */
  globalHash: string;
}

/**
 * Legacy: a log head signed with an HMAC keyed from MASTER_KEY, as databases from
 * before the transparency log keep them (read-only now; src/transparency/legacy.ts
 * re-signs the genuine ones as C2SP checkpoints).
 */
export interface LogCheckpoint extends LogHead {
  /** ISO-8601 time it was signed. */
  signedAt: string;
  /** HMAC-SHA256, hex (see checkpoints.ts). */
  signature: string;
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
  /**
   * SQL backends: several appends in one transaction, all or nothing, as if made
   * one after another (each item follows append's rules: expectedVersion,
   * idempotency of an item appended before; its events take consecutive
   * positions in item order; every item shares one recordedAt). A stream may
   * appear once per batch and an event id once. Results in item order. For bulk
   * loads: one lock and one commit for many streams.
   */
  appendBatch?(items: AppendBatchItem[]): Promise<AppendResult[]>;
  /**
   * appendBatch that also requires other streams (those a decision read) to be
   * at the given versions, checked under the same lock as the appends: a stream
   * that moved fails the whole batch with WrongExpectedVersionError naming it,
   * and nothing is written. PostgreSQL: still one round trip.
   */
  appendBatchIfUnchanged?(items: AppendBatchItem[], unchanged: StreamVersionCheck[]): Promise<AppendResult[]>;
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /**
   * Several streams at once, each from its fromRevision (a stream may be asked
   * for more than once): results in request order, each like readStream's.
   * PostgreSQL answers in one query; callers fall back to readStream per
   * stream for a store without it.
   */
  readStreams?(requests: StreamReadRequest[]): Promise<RecordedEvent[][]>;
  /** Stream version (number of events); 0 when the stream does not exist. */
  streamVersion(streamId: string): Promise<number>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem>;
  /** Global position of the newest event, 0n for an empty store. */
  headPosition(): Promise<bigint>;
  /**
   * Matching events after `page.after`, oldest first, at most `page.limit`.
   * SQL backends answer from indexes; callers use readAuditLog(), which falls
   * back to a filtered scan for a store without it.
   */
  readAudit?(filter: AuditFilter, page: AuditPage): Promise<RecordedEvent[]>;
  /** SQL backends: the head record of the global chain (updated by every append). */
  logHead?(): Promise<LogHead>;
  /** SQL backends: keep a legacy checkpoint in the log_checkpoints table (tests of the migration only). */
  saveCheckpoint?(checkpoint: LogCheckpoint): Promise<void>;
  /** SQL backends: every legacy checkpoint stored, oldest first. */
  readCheckpoints?(): Promise<LogCheckpoint[]>;
  close(): Promise<void>;
}
