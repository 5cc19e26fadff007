/**
 * How many events a projection still has to apply: by the store itself when it
 * can (SQLite subtracts gap-free positions, PostgreSQL counts on its index),
 * else by paging the log after the position (KurrentDB positions are byte
 * offsets, which cannot be subtracted).
 */
import type { EventStore } from '../eventstore/types.js';

/** Optional store capability, found by duck typing. */
export interface CountsEvents {
  countEventsAfter(after: bigint): Promise<number>;
}

const PAGE = 1_000;

function countsEvents(store: EventStore): store is EventStore & CountsEvents {
  return typeof (store as Partial<CountsEvents>).countEventsAfter === 'function';
}

export async function countEventsAfter(store: EventStore, after: bigint): Promise<number> {
  if (countsEvents(store)) return store.countEventsAfter(after);
  let count = 0;
  let cursor = after;
  for (;;) {
    const page = await store.readAll({ after: cursor, limit: PAGE });
    count += page.length;
    if (page.length < PAGE) return count;
    cursor = page[page.length - 1].position;
  }
}
