/**
 * The transaction log and stream index of the KurrentDB protocol double: what
 * a single KurrentDB node keeps, in memory. Every rule here follows KurrentDB's
 * own server code (github.com/kurrent-io/KurrentDB, src/KurrentDB.Core/...),
 * cited at the rule; the gRPC side is in server.ts. Test-only.
 */
import { EventEmitter } from 'node:events';
import { randomUUID } from 'node:crypto';

/** ExpectedVersion values as the server uses them internally (Core/Data/ExpectedVersion.cs). */
export const EXPECTED_ANY = -2n;
export const EXPECTED_NO_STREAM = -1n;
export const EXPECTED_STREAM_EXISTS = -4n;

/** The event number of a tombstone, and the "$tb" of a soft delete: long.MaxValue (Core/Data/EventNumber.cs DeletedStream). */
export const DELETED_STREAM = 2n ** 63n - 1n;

/** TFConsts.ChunkSize (Core/TransactionLog/Chunks/TFConsts.cs): a record never straddles a chunk. */
export const CHUNK_SIZE = 256n * 1024n * 1024n;

export interface DoubleRecord {
  /** Log position of the record: its prepare position, and for self-committed prepares its commit position too. */
  position: bigint;
  /** Bytes on disk with length prefix and suffix: the next record starts at position + size. */
  size: bigint;
  /** 'system' records (epochs) are in the log but never read as events (AllReader skips non-prepares). */
  kind: 'event' | 'system';
  stream: string;
  eventNumber: bigint;
  id: string;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
  /** Milliseconds since the epoch. */
  created: number;
}

interface StreamState {
  events: DoubleRecord[];
  /** Last event number, -1 when nothing was ever written; DELETED_STREAM once tombstoned. */
  last: bigint;
}

export interface ProposedEvent {
  id: string;
  type: string;
  isJson: boolean;
  data: Uint8Array;
  metadata: Uint8Array;
}

export type WriteResult =
  | { kind: 'success'; lastEventNumber: bigint; position: bigint }
  | { kind: 'wrong-expected-version'; current: bigint }
  | { kind: 'stream-deleted' };

export type ReadStreamResult = { kind: 'not-found' } | { kind: 'deleted' } | { kind: 'events'; events: DoubleRecord[] };

/** Raised for a read of $all that does not start on a record boundary (StorageReaderWorker.All.cs: InvalidReadException). */
export class InvalidPositionError extends Error {
  constructor(position: bigint) {
    super(`Log record at actual pos ${position} has too large length prefix (read from the middle of a record)`);
    this.name = 'InvalidPositionError';
  }
}

export class DoubleLog extends EventEmitter {
  /** Every record in log order (positions strictly increase). */
  readonly records: DoubleRecord[] = [];
  private readonly byPosition = new Map<bigint, number>();
  private readonly streams = new Map<string, StreamState>();
  /**
   * Event id -> where it was written, for the weak idempotency check of 'any'
   * and 'stream exists' writes (IndexWriter.cs _committedEvents). The server's
   * cache is bounded by memory; the double keeps every id, which the server
   * also does for the sizes tests write.
   */
  private readonly committed = new Map<string, { stream: string; eventNumber: bigint; position: bigint }>();
  /** Where the next record goes (TFChunkWriter's writer checkpoint). */
  private writer = 0n;

  constructor() {
    super();
    this.setMaxListeners(0);
    // A fresh node writes an epoch record at 0 and then its $epoch-information event
    // (Core/Services/Storage/EpochManager/EpochManager.cs WriteEpochInformationWithRetry).
    this.place({ kind: 'system', stream: '', eventNumber: -1n, id: randomUUID(), type: '', isJson: false, data: new Uint8Array(), metadata: new Uint8Array(), created: Date.now() }, 128n);
    this.writeSystemEvent('$epoch-information', '$epoch-information', { epochNumber: 0, epochPosition: 0, epochId: randomUUID() });
  }

  /** The writer position: the end of $all. */
  get end(): bigint {
    return this.writer;
  }

  /**
   * One WriteEvents request: the consistency and idempotency checks of
   * IndexWriter.CheckCommit (Core/Services/Storage/ReaderIndex/IndexWriter.cs)
   * and VerifyCommitChecks, then one self-committed prepare per event
   * (StorageWriterService.cs WritePrepares: flags Data | IsCommitted, one record each).
   */
  write(stream: string, expected: bigint, events: ProposedEvent[]): WriteResult {
    const state = this.streams.get(stream);
    const current = state?.last ?? -1n;
    if (current === DELETED_STREAM) return events.length > 0 ? { kind: 'stream-deleted' } : this.checkOnly(expected, current);
    const softDeleted = this.isSoftDeleted(stream);

    if (expected === EXPECTED_STREAM_EXISTS) {
      if (softDeleted) return { kind: 'wrong-expected-version', current };
      if (current < 0n && this.lastOf(metaStreamOf(stream)) < 0n) return { kind: 'wrong-expected-version', current };
    }

    if (expected === EXPECTED_ANY || expected === EXPECTED_STREAM_EXISTS) {
      // Weak idempotency: the request names no event numbers, so only recently written ids count.
      const found = events.map((event) => this.committed.get(event.id)).map((hit) => (hit?.stream === stream ? hit : undefined));
      if (events.length > 0 && found.every(Boolean)) {
        const last = found.at(-1)!;
        return { kind: 'success', lastEventNumber: last.eventNumber, position: last.position };
      }
      // Some written, some not: CorruptedIdempotency, answered as a consistency failure.
      if (found[0]) return { kind: 'wrong-expected-version', current };
      return this.commit(stream, current, softDeleted, events);
    }

    if (expected < current) {
      // Strong idempotency: the events must sit exactly at expected + 1, expected + 2, ...
      for (let index = 0; index < events.length; index += 1) {
        const at = state!.events[Number(expected + 1n) + index];
        if (at?.id === events[index].id) continue;
        if (index > 0) return { kind: 'wrong-expected-version', current };
        // Writing to a soft-deleted stream as 'no stream' undeletes it.
        if (expected === EXPECTED_NO_STREAM && softDeleted) return this.commit(stream, current, softDeleted, events);
        return { kind: 'wrong-expected-version', current };
      }
      if (events.length === 0) return { kind: 'wrong-expected-version', current };
      const last = state!.events[Number(expected) + events.length];
      return { kind: 'success', lastEventNumber: last.eventNumber, position: last.position };
    }
    if (expected > current) return { kind: 'wrong-expected-version', current };
    return this.commit(stream, current, softDeleted, events);
  }

  /**
   * DeleteStream (StorageWriterService.cs WriteDelete): the same expected-version
   * check as a write; a hard delete writes a tombstone ($streamDeleted at
   * event number long.MaxValue), a soft delete writes {"$tb": long.MaxValue}
   * to the metastream. A soft delete of a stream that never existed fails.
   */
  delete(stream: string, expected: bigint, hard: boolean): WriteResult {
    const current = this.lastOf(stream);
    if (current === DELETED_STREAM) return { kind: 'stream-deleted' };
    const check = this.checkOnly(expected, current);
    if (check.kind !== 'success') return check;
    if (hard) {
      const record = this.writeRecord(stream, DELETED_STREAM, { id: randomUUID(), type: '$streamDeleted', isJson: false, data: new Uint8Array(), metadata: new Uint8Array() });
      this.state(stream).last = DELETED_STREAM;
      this.emit('appended');
      return { kind: 'success', lastEventNumber: DELETED_STREAM, position: record.position };
    }
    const meta = metaStreamOf(stream);
    if (current < 0n && this.lastOf(meta) < 0n) return { kind: 'wrong-expected-version', current };
    const record = this.appendTo(meta, { id: randomUUID(), type: '$metadata', isJson: true, data: Buffer.from(`{"$tb":${DELETED_STREAM}}`, 'utf8'), metadata: new Uint8Array() });
    this.emit('appended');
    return { kind: 'success', lastEventNumber: current, position: record.position };
  }

  /**
   * A stream read (ReadIndex / Enumerator.ReadStreamForwards and Backwards):
   * not found when nothing is left to show (never written, or soft-deleted),
   * deleted once tombstoned; events honour the metastream's $tb and $maxCount.
   */
  readStream(stream: string, from: bigint | 'start' | 'end', direction: 'forwards' | 'backwards', count: bigint): ReadStreamResult {
    const state = this.streams.get(stream);
    if (!state || state.last < 0n) return { kind: 'not-found' };
    if (state.last === DELETED_STREAM) return { kind: 'deleted' };
    const floor = this.firstVisible(stream, state);
    if (floor === null) return { kind: 'not-found' };
    // A stream's events sit at their event numbers (numbering never restarts, even after a soft delete).
    const limit = count > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(count);
    if (direction === 'forwards') {
      const start = max(floor, from === 'start' ? 0n : from === 'end' ? state.last + 1n : from);
      return { kind: 'events', events: state.events.slice(Number(start), Number(start) + limit) };
    }
    const start = from === 'end' ? state.last : from === 'start' ? 0n : from > state.last ? state.last : from;
    if (start < floor) return { kind: 'events', events: [] };
    const low = Math.max(Number(floor), Number(start) - limit + 1);
    return { kind: 'events', events: state.events.slice(low, Number(start) + 1).reverse() };
  }

  /**
   * Index into `records` of the first record a forward read of $all from
   * `position` returns (AllReader.ReadAllEventsForward: records at or after the
   * position). The position must be a record boundary, the end of the log or
   * beyond it (nothing to read), or the start of a chunk; anything else is the
   * middle of a record and the read fails.
   */
  forwardIndex(position: bigint): number {
    const at = this.byPosition.get(position);
    if (at !== undefined) return at;
    if (position >= this.writer) return this.records.length;
    if (position % CHUNK_SIZE === 0n) return this.records.findIndex((record) => record.position >= position);
    throw new InvalidPositionError(position);
  }

  /**
   * Index just past the last record a backward read of $all from `position`
   * returns (AllReader.ReadAllEventsBackward: records whose post-position is at
   * or before it, so the record at `position` itself is not included).
   */
  backwardIndex(position: bigint): number {
    if (position >= this.writer) return this.records.length;
    const at = this.byPosition.get(position);
    if (at !== undefined) return at;
    if (position % CHUNK_SIZE === 0n) return this.records.findIndex((record) => record.position >= position);
    throw new InvalidPositionError(position);
  }

  /** Tests' view of a position: the record that starts there, if any. */
  recordAt(position: bigint): DoubleRecord | undefined {
    const at = this.byPosition.get(position);
    return at === undefined ? undefined : this.records[at];
  }

  private checkOnly(expected: bigint, current: bigint): WriteResult {
    if (expected === EXPECTED_ANY) return { kind: 'success', lastEventNumber: current, position: -1n };
    if (current === DELETED_STREAM) return expected === EXPECTED_NO_STREAM ? { kind: 'success', lastEventNumber: current, position: -1n } : { kind: 'wrong-expected-version', current };
    if (expected === EXPECTED_NO_STREAM) return current < 0n ? { kind: 'success', lastEventNumber: current, position: -1n } : { kind: 'wrong-expected-version', current };
    if (expected === EXPECTED_STREAM_EXISTS) return current >= 0n ? { kind: 'success', lastEventNumber: current, position: -1n } : { kind: 'wrong-expected-version', current };
    return expected === current ? { kind: 'success', lastEventNumber: current, position: -1n } : { kind: 'wrong-expected-version', current };
  }

  private commit(stream: string, current: bigint, softDeleted: boolean, events: ProposedEvent[]): WriteResult {
    let last: DoubleRecord | undefined;
    for (const event of events) last = this.appendTo(stream, event);
    if (softDeleted && events.length > 0) {
      // StorageWriterService.SoftUndeleteStream: truncate before the first new event.
      this.appendTo(metaStreamOf(stream), { id: randomUUID(), type: '$metadata', isJson: true, data: jsonBytes({ ...this.metadataOf(stream), $tb: Number(current + 1n) }), metadata: new Uint8Array() });
    }
    this.emit('appended');
    // The reply carries the commit position as both commit and prepare (RequestManager/Managers/WriteEvents.cs).
    return { kind: 'success', lastEventNumber: last?.eventNumber ?? current, position: last?.position ?? -1n };
  }

  private appendTo(stream: string, event: ProposedEvent): DoubleRecord {
    const state = this.state(stream);
    const record = this.writeRecord(stream, state.last + 1n, event);
    state.last = record.eventNumber;
    this.committed.set(record.id, { stream, eventNumber: record.eventNumber, position: record.position });
    return record;
  }

  private writeRecord(stream: string, eventNumber: bigint, event: ProposedEvent): DoubleRecord {
    const record = this.place({ kind: 'event', stream, eventNumber, ...event, created: Date.now() }, prepareSize(stream, event));
    this.state(stream).events.push(record);
    return record;
  }

  /** Puts a record at the writer position, moving to the next chunk when it does not fit in this one (TFChunkWriter.Write). */
  private place(record: Omit<DoubleRecord, 'position' | 'size'>, size: bigint): DoubleRecord {
    let position = this.writer;
    const chunkEnd = (position / CHUNK_SIZE + 1n) * CHUNK_SIZE;
    if (position + size > chunkEnd) position = chunkEnd;
    const placed: DoubleRecord = { ...record, position, size };
    this.byPosition.set(position, this.records.length);
    this.records.push(placed);
    this.writer = position + size;
    return placed;
  }

  private writeSystemEvent(stream: string, type: string, data: object): void {
    this.appendTo(stream, { id: randomUUID(), type, isJson: true, data: jsonBytes(data), metadata: new Uint8Array() });
  }

  private state(stream: string): StreamState {
    let state = this.streams.get(stream);
    if (!state) {
      state = { events: [], last: -1n };
      this.streams.set(stream, state);
    }
    return state;
  }

  private lastOf(stream: string): bigint {
    return this.streams.get(stream)?.last ?? -1n;
  }

  /** The stream's metadata: the newest event of its metastream "$$stream" (Core/Data/StreamMetadata.cs). */
  private metadataOf(stream: string): Record<string, unknown> {
    const meta = this.streams.get(metaStreamOf(stream))?.events.at(-1);
    if (!meta) return {};
    try {
      const parsed: unknown = JSON.parse(Buffer.from(meta.data).toString('utf8'));
      return parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {};
    } catch {
      return {};
    }
  }

  private isSoftDeleted(stream: string): boolean {
    const tb = this.metadataOf(stream).$tb;
    return typeof tb === 'number' && BigInt(Math.trunc(tb)) >= DELETED_STREAM - 1024n;
  }

  /** The first event number a read may show: after $tb and within the last $maxCount (IndexReader.cs); null when a soft delete truncated everything. */
  private firstVisible(stream: string, state: StreamState): bigint | null {
    if (this.isSoftDeleted(stream)) return null;
    const metadata = this.metadataOf(stream);
    const truncateBefore = typeof metadata.$tb === 'number' ? BigInt(Math.trunc(metadata.$tb)) : 0n;
    const maxCount = typeof metadata.$maxCount === 'number' ? BigInt(Math.trunc(metadata.$maxCount)) : undefined;
    return maxCount === undefined ? truncateBefore : max(truncateBefore, state.last + 1n - maxCount);
  }
}

/** "$$stream" holds a stream's metadata (Core/Services/SystemStreams.cs MetastreamOf). */
export function metaStreamOf(stream: string): string {
  return `$$${stream}`;
}

/** Size on disk of a version-1 prepare record with its length prefix and suffix (Core/TransactionLog/LogRecords/PrepareLogRecord.cs ComputeSizeOnDisk). */
function prepareSize(stream: string, event: ProposedEvent): bigint {
  const prefixed = (bytes: number) => (bytes === 0 ? 1 : bytes + Math.floor(Math.log2(bytes) / 7) + 1);
  const base = 1 + 1 + 8; // record type, version, log position (LogRecord.BaseSize)
  const size =
    2 * 4 + base + 2 + 8 + 4 + 8 + prefixed(Buffer.byteLength(stream)) + 16 + 16 + 8 + prefixed(Buffer.byteLength(event.type)) + 4 + event.data.length + 4 + event.metadata.length;
  return BigInt(size);
}

function jsonBytes(value: unknown): Uint8Array {
  return Buffer.from(JSON.stringify(value, (_, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)), 'utf8');
}

function max(a: bigint, b: bigint): bigint {
  return a > b ? a : b;
}
