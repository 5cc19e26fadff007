/**
 * The parts of an append every SQL backend decides the same way, inside its
 * write transaction: idempotency, the expectedVersion check and the hash chain.
 */
import { DuplicateEventIdError, WrongExpectedVersionError } from './errors.js';
import { eventHashOfParts, type PartsToHash } from './hashing.js';
import type { AppendResult, ExpectedVersion, LogHead } from './types.js';
import type { ValidEvent } from './validation.js';

/** Where an already stored event id sits. */
export interface StoredEventId {
  id: string;
  streamId: string;
  revision: number;
  position: bigint;
}

/**
 * Given the stored copies of this append's event ids: null when none is stored
 * (a new append), the earlier result when all of them were stored as one append
 * to this stream (same order, consecutive revisions), otherwise DuplicateEventIdError.
 */
export function earlierAppendResult(streamId: string, events: Array<{ id: string }>, stored: StoredEventId[]): AppendResult | null {
  if (stored.length === 0) return null;
  const byId = new Map(stored.map((row) => [row.id, row]));
  const first = byId.get(events[0].id);
  const sameAppend =
    first !== undefined &&
    events.every((event, index) => {
      const row = byId.get(event.id);
      return row !== undefined && row.streamId === streamId && row.revision === first.revision + index;
    });
  if (!sameAppend) {
    throw new DuplicateEventIdError(events.find((event) => byId.has(event.id))!.id);
  }
  const last = byId.get(events[events.length - 1].id)!;
  return { nextVersion: last.revision + 1, position: last.position };
}

/** Throws WrongExpectedVersionError unless the stream is where the caller expected it. */
export function checkExpectedVersion(streamId: string, expected: ExpectedVersion, actual: number): void {
  const matches =
    expected === 'any' ||
    (expected === 'no_stream' && actual === 0) ||
    (expected === 'exists' && actual > 0) ||
    expected === actual;
  if (!matches) throw new WrongExpectedVersionError(streamId, expected, actual);
}

/** The stream's state an append continues from. */
export interface StreamHead {
  version: number;
  lastHash: string | null;
}

/** A new event with its place in its stream and its link in the stream's hash chain. */
export interface ChainedEvent extends PartsToHash {
  previousHash: string | null;
  hash: string;
}

/** Gives each new event its revision, recordedAt and its link in the stream's hash chain. */
export function chainEvents(streamId: string, head: StreamHead, recordedAt: string, events: ValidEvent[]): ChainedEvent[] {
  let previousHash = head.lastHash;
  return events.map(({ id, type, dataJson, metadataJson }, index) => {
    const record = { id, type, dataJson, metadataJson, streamId, revision: head.version + index, recordedAt, previousHash, hash: '' };
    record.hash = eventHashOfParts(previousHash, record);
    previousHash = record.hash;
    return record;
  });
}

/** The head of the whole log an append continues from (SQL backends, read under the append lock). */
export interface GlobalHead extends LogHead {
  /** recordedAt of the newest event, '' for an empty log. */
  recordedAt: string;
}

/**
 * recordedAt for a new append: the clock, but never before the newest event's,
 * so recordedAt never decreases along the log and a recorded-time window is one
 * range of positions (a clock stepped back by NTP cannot reorder time).
 */
export function nextRecordedAt(clock: Date, head: GlobalHead): string {
  const now = clock.toISOString();
  return now < head.recordedAt ? head.recordedAt : now;
}
