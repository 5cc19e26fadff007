/**
 * Re-hashes stored events and walks each stream's chain, so an auditor learns
 * whether anything was changed, removed or reordered after it was recorded.
 * Streams through the log in batches; keeps only each stream's last link.
 */
import { eventHash } from './hashing.js';
import type { EventStore, RecordedEvent } from './types.js';

export interface IntegrityReport {
  ok: boolean;
  checkedEvents: number;
  brokenStreamId: string | null;
  brokenRevision: number | null;
  reason: string | null;
}

export interface VerifyIntegrityOptions {
  /** Check one stream only. */
  streamId?: string;
  /** Called after each batch with the number of events checked so far. */
  onProgress?: (checked: number) => void;
}

const BATCH_SIZE = 1_000;

interface Link {
  revision: number;
  hash: string;
}

export async function verifyIntegrity(store: EventStore, options: VerifyIntegrityOptions = {}): Promise<IntegrityReport> {
  const lastLinks = new Map<string, Link>();
  let checkedEvents = 0;
  const batches = options.streamId === undefined ? wholeLog(store) : oneStream(store, options.streamId);
  for await (const batch of batches) {
    for (const event of batch) {
      const reason = brokenLink(event, lastLinks.get(event.streamId));
      if (reason) {
        return { ok: false, checkedEvents, brokenStreamId: event.streamId, brokenRevision: event.revision, reason };
      }
      lastLinks.set(event.streamId, { revision: event.revision, hash: event.hash });
      checkedEvents += 1;
    }
    options.onProgress?.(checkedEvents);
  }
  return { ok: true, checkedEvents, brokenStreamId: null, brokenRevision: null, reason: null };
}

/** Why `event` does not continue its stream's chain after `previous`, or null when it does. */
function brokenLink(event: RecordedEvent, previous: Link | undefined): string | null {
  if (previous === undefined && event.revision !== 0) {
    return `The stream starts at revision ${event.revision} instead of 0: earlier events are missing or out of order.`;
  }
  if (previous !== undefined && event.revision !== previous.revision + 1) {
    return `Revision ${event.revision} follows revision ${previous.revision}: an event is missing or out of order.`;
  }
  if (event.previousHash !== (previous?.hash ?? null)) {
    return previous === undefined
      ? 'The first event of the stream names a previous hash, so it is not the original first event.'
      : `Its previousHash is not the hash of revision ${previous.revision}: the chain was broken here.`;
  }
  if (eventHash(event.previousHash, event) !== event.hash) {
    return 'Its stored hash does not match its content: the event was changed after it was recorded.';
  }
  return null;
}

/** The log up to the head at the start, so a busy store still gives a finite answer. */
async function* wholeLog(store: EventStore): AsyncGenerator<RecordedEvent[]> {
  const head = await store.headPosition();
  let after = 0n;
  while (after < head) {
    const batch = (await store.readAll({ after, limit: BATCH_SIZE })).filter((event) => event.position <= head);
    if (batch.length === 0) return;
    yield batch;
    after = batch[batch.length - 1].position;
  }
}

async function* oneStream(store: EventStore, streamId: string): AsyncGenerator<RecordedEvent[]> {
  const version = await store.streamVersion(streamId);
  for (let fromRevision = 0; ; fromRevision += BATCH_SIZE) {
    const batch = await store.readStream(streamId, { fromRevision, toRevision: fromRevision + BATCH_SIZE - 1 });
    if (batch.length === 0 && fromRevision >= version) return;
    yield batch;
  }
}
