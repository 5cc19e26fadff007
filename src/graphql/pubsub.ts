/**
 * What GraphQL subscriptions read: this process's LiveLog (fed by the
 * notifier from the committed log, src/notifications/notifier.ts), turned into
 * the payloads each topic pushes. Lookups that every subscriber of an event
 * would repeat (the certificate issued, a goal's progress) are made once per
 * event and shared.
 */
import { LRUCache } from 'lru-cache';
import type { PubSub } from 'type-graphql';
import type { RecordedEvent } from '../eventstore/types.js';
import { LiveLog } from '../notifications/live-log.js';

const SHARED_LOOKUPS = 2_000;

/**
 * type-graphql wants a PubSub even when every subscription brings its own
 * `subscribe`; this one refuses use, so no resolver can publish (architecture.md, "Live updates").
 */
export const noResolverPublishing: PubSub = {
  publish() {
    throw new Error('Resolvers do not publish: subscriptions read the committed log (src/notifications)');
  },
  subscribe() {
    throw new Error('Every subscription brings its own subscribe function (src/graphql/pubsub.ts)');
  },
};

export class LiveUpdates {
  private readonly shared = new LRUCache<string, Promise<unknown>>({ max: SHARED_LOOKUPS });

  constructor(readonly log: LiveLog = new LiveLog()) {}

  /** Open subscriptions in this process. */
  get subscriberCount(): number {
    return this.log.listeners;
  }

  /** `load` once per key (e.g. `certificate:<position>`), however many subscribers ask. A failed load is not kept. */
  once<T>(key: string, load: () => Promise<T>): Promise<T> {
    const kept = this.shared.get(key) as Promise<T> | undefined;
    if (kept) return kept;
    const loading = load();
    this.shared.set(key, loading);
    loading.catch(() => this.shared.delete(key));
    return loading;
  }

  /**
   * Pushes `map(event)` for each live event `accepts` keeps; a null from `map`
   * pushes nothing. Ending the subscription detaches it at once, even while it waits.
   */
  values<T>(accepts: (event: RecordedEvent) => boolean, map: (event: RecordedEvent) => Promise<T | null>): AsyncIterableIterator<T> {
    return mapEvents(this.log.listen(accepts).channel, map);
  }
}

/** An iterator over `source` through `map`, whose return() reaches `source` at once. */
export function mapEvents<T>(
  source: AsyncIterableIterator<RecordedEvent>,
  map: (event: RecordedEvent) => Promise<T | null>,
): AsyncIterableIterator<T> {
  const iterator: AsyncIterableIterator<T> = {
    async next() {
      for (;;) {
        const result = await source.next();
        if (result.done) return { done: true, value: undefined };
        const value = await map(result.value);
        if (value !== null) return { done: false, value };
      }
    },
    async return() {
      await source.return?.();
      return { done: true, value: undefined };
    },
    [Symbol.asyncIterator]: () => iterator,
  };
  return iterator;
}
