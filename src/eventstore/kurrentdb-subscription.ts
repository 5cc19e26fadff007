/**
 * Reading KurrentDB's $all the way our contract needs it: forwards from just
 * after a position, page by page (`walkAll`), and as a subscription that first
 * catches up with those pages, reports `caught-up`, then follows a live
 * `subscribeToAll` without gaps or duplicates (`catchUpThenLive`). See
 * kurrentdb-positions.ts for what positions are and where reads may start.
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

/** How far a walk got: where to read next (a record boundary), and the highest position already passed. */
export interface WalkCursor {
  /** The last $all record read, ours or not (at first, the safe start): where a live subscription takes over. */
  from: Position | undefined;
  /** Records at or before this are not handed out again. */
  seen: bigint;
}

/**
 * The records after `after` that `keep` accepts, read forwards from `start` (a
 * record boundary at or before `after`; undefined = the start of the log) in
 * pages of about `pageSize`, until a page comes back short: the end of the log
 * as of that read. Pages double while fewer than half of their records are kept.
 */
export async function* walkAll(
  readPage: ReadAllPage,
  after: bigint,
  start: Position | undefined,
  pageSize: number,
  keep: (recorded: AllStreamRecordedEvent) => boolean,
  cursor: WalkCursor = { from: start, seen: after },
): AsyncGenerator<AllStreamRecordedEvent> {
  let size = pageSize;
  for (;;) {
    // A read from a position includes the record there, hence one more.
    const maxCount = cursor.from ? size + 1 : size;
    const page = await readPage(cursor.from, maxCount);
    let kept = 0;
    for (const { event } of page) {
      if (!event) continue;
      cursor.from = event.position;
      if (event.position.commit <= cursor.seen) continue;
      cursor.seen = event.position.commit;
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
  /** Where reading for "after `after`" may start (see safeStart). */
  startFor: (after: bigint) => Promise<Position | undefined>;
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
  if (signal.aborted) return;
  let delivered = options.after;
  const cursor: WalkCursor = { from: undefined, seen: options.after };
  try {
    cursor.from = await options.startFor(options.after);
    for await (const recorded of walkAll(options.readPage, options.after, cursor.from, batchSize, options.isOurs, cursor)) {
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
  let seen = cursor.seen;
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
