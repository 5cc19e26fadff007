/**
 * The auditors' filtered view of the global log. SQL stores answer from
 * indexes (readAudit); for a store without it (KurrentDB) readAuditLog scans
 * the log, or the one stream, in batches and filters: correct, but its cost
 * grows with the events scanned, not the events found.
 */
import { InvalidEventStoreInputError } from './errors.js';
import type { AuditFilter, AuditPage, EventStore, RecordedEvent } from './types.js';
import { MAX_READ_LIMIT, validatePosition, validateReadAllOptions, validateStreamId } from './validation.js';

const MAX_TYPES = 100;
const SCAN_BATCH = 1_000;

export interface ValidAuditQuery {
  filter: AuditFilter;
  after: bigint;
  before: bigint | null;
  newestFirst: boolean;
  limit: number;
}

/** Checks a filter and page; a bad one throws InvalidEventStoreInputError (BAD_USER_INPUT). */
export function validateAuditQuery(filter: AuditFilter | undefined, page: AuditPage): ValidAuditQuery {
  const { after, limit } = validateReadAllOptions(page);
  const before = page.before === undefined ? null : validatePosition(page.before, 'before');
  const given = filter ?? {};
  const valid: AuditFilter = {};
  if (given.streamId !== undefined && given.streamId !== null) valid.streamId = validateStreamId(given.streamId);
  if (given.types !== undefined && given.types !== null) {
    if (!Array.isArray(given.types) || given.types.some((type) => typeof type !== 'string' || type === '')) {
      throw new InvalidEventStoreInputError('types must be a list of event type names');
    }
    if (given.types.length > MAX_TYPES) throw new InvalidEventStoreInputError(`types may name at most ${MAX_TYPES} event types`);
    if (given.types.length > 0) valid.types = [...new Set(given.types)];
  }
  if (given.actor !== undefined && given.actor !== null) {
    if (typeof given.actor !== 'string') throw new InvalidEventStoreInputError('actor must be a string');
    valid.actor = given.actor;
  }
  for (const key of ['recordedFrom', 'recordedTo'] as const) {
    const value = given[key];
    if (value === undefined || value === null) continue;
    if (!(value instanceof Date) || Number.isNaN(value.getTime())) throw new InvalidEventStoreInputError(`${key} must be a valid Date`);
    valid[key] = value;
  }
  return { filter: valid, after, before, newestFirst: page.newestFirst === true, limit };
}

/** Does `event` match every field of `filter`? (The scan's test; the SQL stores say the same in SQL.) */
export function matchesAudit(event: RecordedEvent, filter: AuditFilter): boolean {
  if (filter.streamId != null && event.streamId !== filter.streamId) return false;
  if (filter.types?.length && !filter.types.includes(event.type)) return false;
  if (filter.actor != null && event.metadata.actor !== filter.actor) return false;
  const recordedAt = Date.parse(event.recordedAt);
  if (filter.recordedFrom && recordedAt < filter.recordedFrom.getTime()) return false;
  return !(filter.recordedTo && recordedAt > filter.recordedTo.getTime());
}

/**
 * Up to `page.limit` events matching `filter` with a position after `page.after`
 * (and before `page.before`), oldest first, or with `newestFirst` the newest of
 * them, newest first. Cursor: an event's position. What GraphQL's auditLog calls.
 */
export async function readAuditLog(store: EventStore, filter: AuditFilter | undefined, page: AuditPage): Promise<RecordedEvent[]> {
  if (store.readAudit) return store.readAudit(filter ?? {}, page);
  return scanAudit(store, validateAuditQuery(filter, page));
}

/**
 * The filtered scan for a store without indexes of its own (documented as
 * slower). It reads forwards only, so a newest-first page scans the whole
 * range and keeps the last `limit` matches.
 */
export async function scanAudit(store: EventStore, query: ValidAuditQuery): Promise<RecordedEvent[]> {
  const { newestFirst, limit } = query;
  if (!newestFirst) return scanForward(store, query, () => true, limit);
  const kept: RecordedEvent[] = [];
  await scanForward(store, query, (event) => {
    kept.push(event);
    if (kept.length > limit) kept.shift();
    return false;
  }, Number.POSITIVE_INFINITY);
  return kept.reverse();
}

/** Matching events after `after` in log order, each offered to `take`; stops at `limit` taken or past `before`. */
async function scanForward(
  store: EventStore,
  { filter, after, before }: ValidAuditQuery,
  take: (event: RecordedEvent) => boolean,
  limit: number,
): Promise<RecordedEvent[]> {
  const found: RecordedEvent[] = [];
  if (filter.streamId != null) {
    for (let fromRevision = 0; ; fromRevision += SCAN_BATCH) {
      const batch = await store.readStream(filter.streamId, { fromRevision, toRevision: fromRevision + SCAN_BATCH - 1 });
      for (const event of batch) {
        if (before !== null && event.position >= before) return found;
        if (event.position > after && matchesAudit(event, filter) && take(event)) found.push(event);
        if (found.length === limit) return found;
      }
      if (batch.length < SCAN_BATCH) return found;
    }
  }
  for (let cursor = after; ; ) {
    const batch = await store.readAll({ after: cursor, limit: MAX_READ_LIMIT });
    for (const event of batch) {
      if (before !== null && event.position >= before) return found;
      if (matchesAudit(event, filter) && take(event)) found.push(event);
      if (found.length === limit) return found;
    }
    if (batch.length === 0) return found;
    cursor = batch[batch.length - 1].position;
  }
}
