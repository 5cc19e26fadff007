/**
 * The auditors' filtered view of the global log. The store pages by global
 * position only, so filters are applied while streaming through it in batches
 * (never the whole log in memory); a stream filter reads just that stream.
 */
import { BadUserInputError } from '../../domain/shared/errors.js';
import type { EventStore, RecordedEvent } from '../../eventstore/types.js';
import type { AuditFilter } from './audit.input.js';

const SCAN_BATCH = 1_000;

/** Cursors are global positions as decimal strings, the same numbers auditors see. */
export function parsePositionCursor(after: string | null | undefined): bigint {
  if (after === null || after === undefined) return 0n;
  if (!/^\d{1,30}$/.test(after)) throw new BadUserInputError('The cursor must be a global position (decimal digits)', 'after');
  return BigInt(after);
}

function matcher(filter: AuditFilter): (event: RecordedEvent) => boolean {
  const types = filter.types?.length ? new Set(filter.types) : null;
  const from = filter.recordedFrom?.getTime();
  const to = filter.recordedTo?.getTime();
  return (event) => {
    if (filter.streamId != null && event.streamId !== filter.streamId) return false;
    if (types && !types.has(event.type)) return false;
    if (filter.actor != null && event.metadata.actor !== filter.actor) return false;
    const recordedAt = Date.parse(event.recordedAt);
    return (from === undefined || recordedAt >= from) && (to === undefined || recordedAt <= to);
  };
}

/** Up to `limit` matching events after `after`, oldest first. */
export async function findAuditEvents(store: EventStore, filter: AuditFilter, after: bigint, limit: number): Promise<RecordedEvent[]> {
  const matches = matcher(filter);
  if (filter.streamId != null) {
    const events = await store.readStream(filter.streamId);
    return events.filter((event) => event.position > after && matches(event)).slice(0, limit);
  }
  const found: RecordedEvent[] = [];
  let cursor = after;
  for (;;) {
    const batch = await store.readAll({ after: cursor, limit: SCAN_BATCH });
    for (const event of batch) {
      if (matches(event)) found.push(event);
      if (found.length === limit) return found;
    }
    if (batch.length < SCAN_BATCH) return found;
    cursor = batch[batch.length - 1].position;
  }
}
