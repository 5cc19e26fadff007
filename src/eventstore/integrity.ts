/**
 * Re-hashes stored events and walks each stream's chain and (SQL backends) the
 * global chain over the whole log, then holds the log against its head record
 * (and the legacy checkpoints of databases from before the transparency log),
 * so an auditor learns whether anything was changed, removed (including the
 * newest events of a stream or of the whole log) or reordered after it was
 * recorded, by someone who did not recompute the chains. Someone who did is
 * caught by the transparency log's signed checkpoints (src/transparency/audit.ts).
 * Streams through the log in batches; keeps only each stream's last link.
 */
import { eventHash, globalChainHash } from './hashing.js';
import { readLogUpTo } from './log-reader.js';
import type { EventStore, RecordedEvent } from './types.js';

export interface IntegrityReport {
  ok: boolean;
  checkedEvents: number;
  brokenStreamId: string | null;
  brokenRevision: number | null;
  /** Global position where the log breaks (the event named above, or where the log should have gone on). */
  brokenPosition: bigint | null;
  reason: string | null;
  /** Head record and legacy checkpoints the log was held against (whole-log checks only). */
  checkedCheckpoints: number;
}

export interface VerifyIntegrityOptions {
  /** Check one stream only (its chain; the global chain and checkpoints need the whole log). */
  streamId?: string;
  /** Called after each batch with the number of events checked so far. */
  onProgress?: (checked: number) => void;
}

const BATCH_SIZE = 1_000;

interface Link {
  revision: number;
  hash: string;
}

/** Something that says which global hash the event at `position` has. */
interface Expectation {
  position: bigint;
  globalHash: string;
  what: string;
}

class Broken {
  constructor(
    readonly reason: string,
    readonly position: bigint | null,
    readonly event: RecordedEvent | null = null,
  ) {}
}

export async function verifyIntegrity(store: EventStore, options: VerifyIntegrityOptions = {}): Promise<IntegrityReport> {
  let checkedEvents = 0;
  let checkedCheckpoints = 0;
  try {
    if (options.streamId !== undefined) {
      const walk = new ChainWalk(false, []);
      for await (const batch of oneStream(store, options.streamId)) {
        for (const event of batch) {
          walk.check(event);
          checkedEvents += 1;
        }
        options.onProgress?.(checkedEvents);
      }
    } else {
      // Read before the head position: neither can then be ahead of the log we walk.
      const expectations = await expectationsOf(store);
      checkedCheckpoints = expectations.length;
      const head = await store.headPosition();
      const walk = new ChainWalk(store.logHead !== undefined, expectations);
      for await (const batch of readLogUpTo(store, head, BATCH_SIZE)) {
        for (const event of batch) {
          walk.check(event);
          checkedEvents += 1;
        }
        options.onProgress?.(checkedEvents);
      }
      walk.finish();
    }
  } catch (error) {
    if (!(error instanceof Broken)) throw error;
    return {
      ok: false,
      checkedEvents,
      brokenStreamId: error.event?.streamId ?? null,
      brokenRevision: error.event?.revision ?? null,
      brokenPosition: error.position,
      reason: error.reason,
      checkedCheckpoints,
    };
  }
  return { ok: true, checkedEvents, brokenStreamId: null, brokenRevision: null, brokenPosition: null, reason: null, checkedCheckpoints };
}

/**
 * The head record and every legacy checkpoint a database from before the
 * transparency log still holds (HMAC-signed; their signatures are checked, and
 * they are re-signed as C2SP checkpoints, by src/transparency/legacy.ts).
 */
async function expectationsOf(store: EventStore): Promise<Expectation[]> {
  const expectations: Expectation[] = [];
  if (store.logHead) {
    const head = await store.logHead();
    if (head.position > 0n) expectations.push({ ...head, what: "The store's head record" });
  }
  for (const checkpoint of (await store.readCheckpoints?.()) ?? []) {
    const what = `The legacy checkpoint signed at ${checkpoint.signedAt}`;
    if (checkpoint.position > 0n) expectations.push({ position: checkpoint.position, globalHash: checkpoint.globalHash, what });
  }
  return expectations;
}

/** The checks, event by event in log (or stream) order; throws Broken at the first failure. */
class ChainWalk {
  private readonly lastLinks = new Map<string, Link>();
  private readonly expected = new Map<bigint, Expectation[]>();
  private previous: RecordedEvent | null = null;
  private globalHash = '';

  constructor(
    private readonly chained: boolean,
    expectations: Expectation[],
  ) {
    for (const expectation of expectations) {
      this.expected.set(expectation.position, [...(this.expected.get(expectation.position) ?? []), expectation]);
    }
  }

  check(event: RecordedEvent): void {
    const reason = brokenLink(event, this.lastLinks.get(event.streamId));
    if (reason) throw new Broken(reason, event.position, event);
    this.lastLinks.set(event.streamId, { revision: event.revision, hash: event.hash });
    if (this.chained) this.checkGlobal(event);
    this.previous = event;
  }

  private checkGlobal(event: RecordedEvent): void {
    if (typeof event.globalHash !== 'string') {
      throw new Broken("It has no global hash: it was written outside the store's append path.", event.position, event);
    }
    if (globalChainHash(this.globalHash, event.hash) !== event.globalHash) {
      throw new Broken(globalBreak(event, this.previous), event.position, event);
    }
    this.globalHash = event.globalHash;
    for (const expectation of this.expected.get(event.position) ?? []) {
      if (expectation.globalHash !== event.globalHash) {
        throw new Broken(
          `${expectation.what} says the log had global hash ${short(expectation.globalHash)} at this position; it now has ${short(event.globalHash)}: the log was rewritten up to here.`,
          event.position,
          event,
        );
      }
    }
    this.expected.delete(event.position);
  }

  /** After the last event: anything still expected lies beyond the end of the log, or was removed. */
  finish(): void {
    const end = this.previous?.position ?? 0n;
    const [first] = [...this.expected.values()].flat().sort((a, b) => (a.position < b.position ? -1 : 1));
    if (!first) return;
    if (first.position > end) {
      throw new Broken(
        `${first.what} says the log reached position ${first.position}, but it ends at position ${end}: the newest events of the log were deleted (tail truncation).`,
        first.position,
      );
    }
    throw new Broken(`${first.what} names position ${first.position}, which is no longer in the log: its event was deleted.`, first.position);
  }
}

/** Why the global chain breaks at `event`, given the event before it in the log. */
function globalBreak(event: RecordedEvent, previous: RecordedEvent | null): string {
  const missingFrom = (previous?.position ?? 0n) + 1n;
  if (event.position > missingFrom) {
    const missing = event.position - 1n === missingFrom ? `position ${missingFrom}` : `positions ${missingFrom} to ${event.position - 1n}`;
    return `The global chain breaks here: it does not continue from ${previous ? `position ${previous.position}` : 'the start of the log'}, and ${missing} is missing: the event(s) recorded there were deleted.`;
  }
  return `The global chain breaks here: it does not continue from ${previous ? `position ${previous.position}, the event before it in the log` : 'the start of the log'}: events were reordered, or the global hash was changed.`;
}

function short(hash: string): string {
  return hash === '' ? '(empty)' : `${hash.slice(0, 12)}…`;
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

async function* oneStream(store: EventStore, streamId: string): AsyncGenerator<RecordedEvent[]> {
  const version = await store.streamVersion(streamId);
  for (let fromRevision = 0; ; fromRevision += BATCH_SIZE) {
    const batch = await store.readStream(streamId, { fromRevision, toRevision: fromRevision + BATCH_SIZE - 1 });
    if (batch.length === 0 && fromRevision >= version) return;
    yield batch;
  }
}
