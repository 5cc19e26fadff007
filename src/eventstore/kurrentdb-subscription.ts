/**
 * Reading KurrentDB's $all the way our contract needs it: forwards from just
 * after one of our positions, page by page (`walkAll`), and as a subscription
 * that first catches up with those pages, reports `caught-up`, then follows a
 * live `subscribeToAll` without gaps or duplicates (`catchUpThenLive`).
 *
 * Positions are KurrentDB commit positions. For events written through gRPC
 * (one log record per event) the commit position is the record's own log
 * position, so it is unique per event and grows with $all order.
 */
import type { Readable } from 'node:stream';
import type { AllStreamRecordedEvent, AllStreamResolvedEvent, Position } from '@eventstore/db-client';
import type { RecordedEvent, SubscriptionItem } from './types.js';

/** Up to `maxCount` $all records forwards from `from` (inclusive, as KurrentDB reads); from the start when undefined. */
export type ReadAllPage = (from: Position | undefined, maxCount: number) => Promise<AllStreamResolvedEvent[]>;

/** What we use of the client's AllStreamSubscription. */
export interface LiveFeed extends Readable {
  unsubscribe(): Promise<void>;
}

/** Pages grow up to this many records while most of what they bring is not ours (other namespaces, claims, system). */
export const MAX_WALK_PAGE = 4096;

/** A $all position we handed out, as the client's Position (gRPC-written events have commit = prepare). */
export function logPosition(position: bigint): Position | undefined {
  return position > 0n ? { commit: position, prepare: position } : undefined;
}

/** The last $all record a walk has read, ours or not: where a live subscription takes over. */
export interface WalkCursor {
  from: Position | undefined;
}

/**
 * The records after `after` that `keep` accepts, read forwards in pages of
 * about `pageSize` until a page comes back short: the end of the log as of
 * that read. Pages double while fewer than half of their records are kept.
 */
export async function* walkAll(
  readPage: ReadAllPage,
  after: bigint,
  pageSize: number,
  keep: (recorded: AllStreamRecordedEvent) => boolean,
  cursor: WalkCursor = { from: logPosition(after) },
): AsyncGenerator<AllStreamRecordedEvent> {
  let seen = after;
  let size = pageSize;
  for (;;) {
    // A read from a position includes the record there, hence one more.
    const maxCount = cursor.from ? size + 1 : size;
    const page = await readPage(cursor.from, maxCount);
    let kept = 0;
    for (const { event } of page) {
      if (!event || event.position.commit <= seen) continue;
      seen = event.position.commit;
      cursor.from = event.position;
      if (!keep(event)) continue;
      kept += 1;
      yield event;
    }
    if (page.length < maxCount) return;
    if (kept < size / 2) size = Math.min(size * 2, Math.max(MAX_WALK_PAGE, pageSize));
  }
}

export interface CatchUpOptions {
  after: bigint;
  batchSize: number;
  /** The caller's signal and the store's close, combined: either ends the iteration cleanly. */
  signal: AbortSignal;
  readPage: ReadAllPage;
  /** A catch-up subscription to $all after `from` (from the start when undefined), filtered on the server. */
  subscribe: (from: Position | undefined) => LiveFeed;
  /** Whether a record is one of ours (the server-side filter is only a saving; this is the rule). */
  isOurs: (recorded: AllStreamRecordedEvent) => boolean;
  decode: (recorded: AllStreamRecordedEvent) => RecordedEvent;
  /** Position of our newest event now. */
  head: () => Promise<bigint>;
}

/**
 * Catch up by paging $all and say `caught-up`; then follow a live subscription
 * that starts at the last record read. Events at or before the last position
 * seen are dropped, so the hand-over duplicates nothing, and the subscription
 * starts where the pages stopped, so it misses nothing.
 *
 * While following, `caught-up` comes again once events arrived, none are left
 * buffered, and everything up to our head as read at the hand-over has been
 * delivered (events written between our last page and the subscription's
 * start arrive as a replay first). This does not rely on the server's own
 * 'caughtUp' message, which only servers from 23.10 send.
 */
export async function* catchUpThenLive(options: CatchUpOptions): AsyncGenerator<SubscriptionItem> {
  const { batchSize, signal, decode } = options;
  let delivered = options.after;
  const cursor: WalkCursor = { from: logPosition(options.after) };
  try {
    for await (const recorded of walkAll(options.readPage, options.after, batchSize, options.isOurs, cursor)) {
      if (signal.aborted) return;
      yield { kind: 'event', event: decode(recorded) };
      delivered = recorded.position.commit;
    }
  } catch (error) {
    if (signal.aborted) return; // the store closed under us: end quietly, as promised
    throw error;
  }
  if (signal.aborted) return;
  yield { kind: 'caught-up', position: delivered };
  if (signal.aborted) return;

  const feed = options.subscribe(cursor.from);
  let seen = cursor.from?.commit ?? 0n;
  const queue: SubscriptionItem[] = [];
  let failure: { error: unknown } | undefined;
  let ended = false;
  /** Our head when the subscription started; until we delivered it, what arrives may be a replay. */
  let handOverHead: bigint | undefined;
  let unmarked = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const markIfCaughtUp = () => {
    if (unmarked && handOverHead !== undefined && delivered >= handOverHead && feed.readableLength === 0) {
      queue.push({ kind: 'caught-up', position: delivered });
      unmarked = false;
    }
  };
  const fail = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  const onData = (resolved: AllStreamResolvedEvent) => {
    const recorded = resolved.event;
    if (failure || !recorded || recorded.position.commit <= seen) return;
    seen = recorded.position.commit;
    if (!options.isOurs(recorded)) return;
    try {
      queue.push({ kind: 'event', event: decode(recorded) });
    } catch (error) {
      // Stop here: skipping an event we cannot read would lose it for every projection.
      fail(error);
      return;
    }
    delivered = recorded.position.commit;
    unmarked = true;
    markIfCaughtUp();
    if (queue.length >= 2 * batchSize) feed.pause();
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  feed.on('data', onData);
  feed.on('error', fail);
  feed.on('end', onEnd);
  feed.on('close', onEnd);
  signal.addEventListener('abort', notify);
  options.head().then((head) => {
    handOverHead = head;
    markIfCaughtUp();
    notify();
  }, fail);
  try {
    for (;;) {
      if (signal.aborted) return;
      const item = queue.shift();
      if (item) {
        if (feed.isPaused() && queue.length < batchSize) feed.resume();
        yield item;
        continue;
      }
      if (failure) {
        if (signal.aborted) return;
        throw failure.error;
      }
      if (ended) throw new Error('The KurrentDB subscription to $all ended unexpectedly');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener('abort', notify);
    feed.off('data', onData);
    feed.off('end', onEnd);
    feed.off('close', onEnd);
    // Keep a listener so a late error from the cancelled call is not an unhandled 'error' event.
    feed.off('error', fail);
    feed.on('error', () => {});
    await feed.unsubscribe().catch(() => {});
  }
}
