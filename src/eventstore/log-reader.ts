import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from './types.js';

/** How long to wait for rows below the head to be handed out (PostgreSQL settles them once an in-flight append commits). */
const SETTLE_WAIT_MS = 10_000;

/**
 * The whole log up to `head` (the head read when the caller started, so a busy
 * store still gives a finite answer), in position order, in batches. Never the
 * whole log in memory.
 */
export async function* readLogUpTo(store: EventStore, head: bigint, batchSize: number): AsyncGenerator<RecordedEvent[]> {
  let after = 0n;
  let waited = 0;
  while (after < head) {
    const batch = (await store.readAll({ after, limit: batchSize })).filter((event) => event.position <= head);
    if (batch.length === 0) {
      // Nothing handed out yet below the head: PostgreSQL holds rows back while an append is in flight.
      if (waited >= SETTLE_WAIT_MS) return;
      await sleep(20);
      waited += 20;
      continue;
    }
    waited = 0;
    yield batch;
    after = batch[batch.length - 1].position;
  }
}

/**
 * Waits (at most SETTLE_WAIT_MS) until the event at `head` is handed out, so
 * every event at or below it is too (PostgreSQL holds back only the newest).
 */
export async function waitUntilSettled(store: EventStore, head: bigint): Promise<void> {
  for (let waited = 0; head > 0n && waited < SETTLE_WAIT_MS; waited += 20) {
    const [newest] = await store.readAll({ after: head - 1n, limit: 1 });
    if (newest !== undefined) return;
    await sleep(20);
  }
}
