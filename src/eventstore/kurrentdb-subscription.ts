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
import { isSystemEvent } from './kurrentdb-mapping.js';
import type { RecordedEvent, SubscriptionItem } from './types.js';

/** Up to `maxCount` $all records forwards from `from` (inclusive, as KurrentDB reads); from the start when undefined. */
export type ReadAllPage = (from: Position | undefined, maxCount: number) => Promise<AllStreamResolvedEvent[]>;

/** What we use of the client's AllStreamSubscription (a Readable that also emits 'caughtUp' and 'fellBehind'). */
export interface LiveFeed extends Readable {
  unsubscribe(): Promise<void>;
}

/** A $all position we handed out, as the client's Position (gRPC-written events have commit = prepare). */
export function logPosition(position: bigint): Position | undefined {
  return position > 0n ? { commit: position, prepare: position } : undefined;
}

/**
 * Every $all record after `after` (system ones too, so callers can follow the
 * raw position), read in pages of `pageSize`, until a page comes back short:
 * the end of the log as of that read.
 */
export async function* walkAll(readPage: ReadAllPage, after: bigint, pageSize: number): AsyncGenerator<AllStreamRecordedEvent> {
  let seen = after;
  let from = logPosition(after);
  for (;;) {
    // A read from a position includes the record there, hence one more.
    const maxCount = from ? pageSize + 1 : pageSize;
    const page = await readPage(from, maxCount);
    for (const { event } of page) {
      if (!event || event.position.commit <= seen) continue;
      seen = event.position.commit;
      from = event.position;
      yield event;
    }
    if (page.length < maxCount) return;
  }
}

export interface CatchUpOptions {
  after: bigint;
  batchSize: number;
  /** The caller's signal and the store's close, combined: either ends the iteration cleanly. */
  signal: AbortSignal;
  readPage: ReadAllPage;
  /** A catch-up subscription to $all after `from` (from the start when undefined), system events filtered out. */
  subscribe: (from: Position | undefined) => LiveFeed;
  decode: (recorded: AllStreamRecordedEvent) => RecordedEvent;
}

/**
 * Catch up by paging $all, say `caught-up`, then follow a live subscription
 * started at the last record read. Events at or before the last position seen
 * are dropped, so neither the hand-over nor a replaying server duplicates any.
 *
 * While live, `caught-up` follows the events the server has sent once none are
 * left buffered, but only after the server said it is live ('caughtUp', sent
 * by servers from 23.10): before that it may still be replaying the few events
 * written between our last page and the subscription's start.
 */
export async function* catchUpThenLive(options: CatchUpOptions): AsyncGenerator<SubscriptionItem> {
  const { batchSize, signal, decode } = options;
  let delivered = options.after;
  let seen = options.after;
  let from = logPosition(options.after);

  for await (const recorded of walkAll(options.readPage, options.after, batchSize)) {
    if (signal.aborted) return;
    seen = recorded.position.commit;
    from = recorded.position;
    if (isSystemEvent(recorded)) continue;
    yield { kind: 'event', event: decode(recorded) };
    delivered = recorded.position.commit;
  }
  if (signal.aborted) return;
  yield { kind: 'caught-up', position: delivered };

  const feed = options.subscribe(from);
  const queue: SubscriptionItem[] = [];
  let failure: { error: unknown } | undefined;
  let ended = false;
  let serverLive = false;
  let unmarked = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const markIfDrained = () => {
    if (serverLive && unmarked && feed.readableLength === 0) {
      queue.push({ kind: 'caught-up', position: delivered });
      unmarked = false;
    }
  };
  const onData = (resolved: AllStreamResolvedEvent) => {
    const recorded = resolved.event;
    if (failure || !recorded || recorded.position.commit <= seen) return;
    seen = recorded.position.commit;
    if (isSystemEvent(recorded)) return;
    try {
      queue.push({ kind: 'event', event: decode(recorded) });
    } catch (error) {
      // Stop here: skipping an event we cannot read would lose it for every projection.
      failure = { error };
      notify();
      return;
    }
    delivered = recorded.position.commit;
    unmarked = true;
    markIfDrained();
    if (queue.length >= 2 * batchSize) feed.pause();
    notify();
  };
  const onCaughtUp = () => {
    serverLive = true;
    markIfDrained();
    notify();
  };
  const onFellBehind = () => {
    serverLive = false;
  };
  const onError = (error: unknown) => {
    failure ??= { error };
    notify();
  };
  const onEnd = () => {
    ended = true;
    notify();
  };
  feed.on('data', onData);
  feed.on('caughtUp', onCaughtUp);
  feed.on('fellBehind', onFellBehind);
  feed.on('error', onError);
  feed.on('end', onEnd);
  feed.on('close', onEnd);
  signal.addEventListener('abort', notify);
  try {
    for (;;) {
      if (signal.aborted) return;
      const item = queue.shift();
      if (item) {
        if (feed.isPaused() && queue.length < batchSize) feed.resume();
        yield item;
        continue;
      }
      if (failure) throw failure.error;
      if (ended) throw new Error('The KurrentDB subscription to $all ended unexpectedly');
      await new Promise<void>((resolve) => {
        wake = resolve;
      });
    }
  } finally {
    signal.removeEventListener('abort', notify);
    feed.off('data', onData);
    feed.off('caughtUp', onCaughtUp);
    feed.off('fellBehind', onFellBehind);
    feed.off('end', onEnd);
    feed.off('close', onEnd);
    // Keep a listener so a late error from the cancelled call is not an unhandled 'error' event.
    feed.off('error', onError);
    feed.on('error', () => {});
    await feed.unsubscribe().catch(() => {});
  }
}
