/**
 * One per process: follows the committed log (`store.subscribe`) from the head
 * it found at start and publishes each batch to the LiveLog once the read
 * models include it (`waitFor`), so a subscriber that reads more sees what it
 * was told about. Whoever wrote the event (this process, another one, the CLI)
 * makes no difference: only the log is read. Nothing is published by the
 * resolver that ran a mutation.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '../eventstore/types.js';
import { describe, ProjectionStoppedError, WaitForTimeoutError } from '../projections/errors.js';
import type { LiveLog } from './live-log.js';

export interface NotifierLogger {
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface NotifierOptions {
  store: EventStore;
  /** Resolves once every read model includes `position` (the projection runner's waitFor). */
  waitFor(position: bigint, timeoutMs?: number): Promise<void>;
  live: LiveLog;
  logger: NotifierLogger;
  /** Events per batch published together (default 500). */
  batchSize?: number;
}

const WAIT_SLICE_MS = 5_000;

export class Notifier {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | null = null;

  constructor(private readonly options: NotifierOptions) {}

  /** Starts after the current head: subscribers hear what is committed from now on. */
  async start(): Promise<void> {
    if (this.loop) throw new Error('Notifier.start() may only be called once');
    const head = await this.options.store.headPosition();
    this.options.live.startAt(head);
    this.loop = this.run();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    this.options.live.close();
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        await this.follow();
        failures = 0;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        failures += 1;
        const retryInMs = Math.min(10_000, 100 * 2 ** Math.min(failures, 7));
        this.options.logger.warn({ error: describe(error), retryInMs }, 'The notifier failed to read the log; retrying');
        await sleep(retryInMs, undefined, { signal: this.stopping.signal }).catch(() => {});
      }
    }
  }

  private async follow(): Promise<void> {
    const { store, live } = this.options;
    const batchSize = this.options.batchSize ?? 500;
    let pending: RecordedEvent[] = [];
    for await (const item of store.subscribe({ after: live.position, signal: this.stopping.signal, batchSize })) {
      if (item.kind === 'event') {
        pending.push(item.event);
        if (pending.length < batchSize) continue;
      }
      if (pending.length === 0) continue;
      await this.readModelsInclude(pending[pending.length - 1].position);
      if (this.stopping.signal.aborted) return;
      live.publish(pending);
      pending = [];
    }
    // Retried with backoff by run(), not at once: a closed store ends the iteration at every try.
    if (!this.stopping.signal.aborted) throw new Error('The event store subscription ended (was the store closed?)');
  }

  /**
   * Waits until the read models include `position`. A slow projection only
   * delays the push; one stopped on a poison event would hold every subscriber
   * forever, so then the events go out anyway, logged.
   */
  private async readModelsInclude(position: bigint): Promise<void> {
    while (!this.stopping.signal.aborted) {
      try {
        await this.options.waitFor(position, WAIT_SLICE_MS);
        return;
      } catch (error) {
        if (error instanceof WaitForTimeoutError) continue;
        if (error instanceof ProjectionStoppedError && error.projection !== null) {
          this.options.logger.error({ position: position.toString(), error: describe(error) }, 'A projection has stopped: pushing events it does not include');
          return;
        }
        if (this.stopping.signal.aborted) return;
        throw error;
      }
    }
  }
}
