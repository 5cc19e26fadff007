/**
 * Our positions are KurrentDB commit positions. For events written through
 * gRPC (one log record per event) the commit position is the record's own log
 * position, so it is unique per event and grows with $all order, and
 * `{ commit: p, prepare: p }` names the record again.
 *
 * KurrentDB can only start reading $all at a record boundary (a read from the
 * middle of a record is an error), while our contract lets callers pass any
 * `after` (e.g. `head - 1n`). So reads start from a position known to be a
 * record, and skip what lies at or before `after`.
 */
import type { Position } from '@eventstore/db-client';

/** KurrentDB's default transaction-file chunk size: a chunk's first record starts exactly on a multiple of it. */
export const CHUNK_SIZE = 256n * 1024n * 1024n;

/** A position we handed out, as the client's Position. */
export function logPosition(position: bigint): Position {
  return { commit: position, prepare: position };
}

/** Positions this store object has seen on records, so reads after them need no probe. Bounded: cleared when full. */
export class KnownPositions {
  private readonly positions = new Set<bigint>();

  constructor(private readonly capacity = 100_000) {}

  add(position: bigint): void {
    if (this.positions.size >= this.capacity) this.positions.clear();
    this.positions.add(position);
  }

  has(position: bigint): boolean {
    return this.positions.has(position);
  }
}

/**
 * Where a forward read of $all for "after `after`" can safely start (undefined
 * = the start of the log): `after` itself when it is known to be a record, or
 * when a one-record probe finds a record exactly there; otherwise the start of
 * its chunk, at the cost of reading past the records in between.
 */
export async function safeStart(
  after: bigint,
  known: KnownPositions,
  isRecordAt: (position: bigint) => Promise<boolean>,
): Promise<Position | undefined> {
  if (after <= 0n) return undefined;
  if (known.has(after) || (await isRecordAt(after).catch(() => false))) return logPosition(after);
  const chunkStart = (after / CHUNK_SIZE) * CHUNK_SIZE;
  return chunkStart === 0n ? undefined : logPosition(chunkStart);
}
