/**
 * The subscribe loop shared by the SQL backends: read the log in batches after
 * the last delivered position, say "caught-up" when a read comes back short,
 * then sleep until an append through this store object wakes us or the poll
 * interval (other processes' appends) passes.
 */
import type { RecordedEvent, SubscriptionItem } from './types.js';

const POLL_INTERVAL_MS = 200;

/** Wakes sleeping subscribers. A generation counter closes the gap between "read" and "sleep". */
export class AppendNotifier {
  private generation = 0;
  private readonly sleepers = new Set<() => void>();

  get current(): number {
    return this.generation;
  }

  notify(): void {
    this.generation += 1;
    for (const wake of [...this.sleepers]) wake();
  }

  /** Resolves at once if anything was appended since `seen`, else on the next append, timeout or abort. */
  sleep(seen: number, timeoutMs: number, signal: AbortSignal): Promise<void> {
    if (seen !== this.generation || signal.aborted) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.sleepers.delete(wake);
        signal.removeEventListener('abort', wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.sleepers.add(wake);
      signal.addEventListener('abort', wake, { once: true });
    });
  }
}

export interface PollingSubscription {
  /** Events strictly after `after`, by position; must only return positions that can no longer be preceded. */
  readAfter(after: bigint, limit: number): Promise<RecordedEvent[]>;
  notifier: AppendNotifier;
  after: bigint;
  batchSize: number;
  /** Aborted by the caller or by the store closing. */
  signal: AbortSignal;
}

export async function* pollSubscription(options: PollingSubscription): AsyncGenerator<SubscriptionItem> {
  const { readAfter, notifier, batchSize, signal } = options;
  let position = options.after;
  let caughtUpAnnounced = false;
  while (!signal.aborted) {
    const seen = notifier.current;
    let batch: RecordedEvent[];
    try {
      batch = await readAfter(position, batchSize);
    } catch (error) {
      if (signal.aborted) return; // the store closed under us: end quietly, as promised
      throw error;
    }
    for (const event of batch) {
      if (signal.aborted) return;
      yield { kind: 'event', event };
      position = event.position;
    }
    if (batch.length > 0) caughtUpAnnounced = false;
    if (batch.length < batchSize) {
      if (!caughtUpAnnounced && !signal.aborted) {
        yield { kind: 'caught-up', position };
        caughtUpAnnounced = true;
      }
      await notifier.sleep(seen, POLL_INTERVAL_MS, signal);
    }
  }
}
