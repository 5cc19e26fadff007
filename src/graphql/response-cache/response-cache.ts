/**
 * Whole responses of read-model queries, kept per caller, query and variables.
 * A kept response answers only while nothing it was computed from can have
 * changed: the same log head, the same read-model checkpoints (read on every
 * request, so another process's writes count too), and a clock still before
 * the next instant when time alone changes an answer (a certificate expiring,
 * a new UTC day).
 */
import { LRUCache } from 'lru-cache';

/** What a kept response depends on besides the request itself. */
export interface Freshness {
  /** Changes whenever the log or any read model may have changed. */
  version(): Promise<string>;
  /** The first instant after `at` when an answer may change with time alone. */
  nextChangeInTime(at: Date): Promise<Date>;
}

interface KeptResponse {
  version: string;
  /** Valid while the clock reads before this (ms since the epoch). */
  expiresAtMs: number;
  data: Record<string, unknown>;
}

export class ResponseCache {
  private readonly kept: LRUCache<string, KeptResponse>;
  /** nextChangeInTime for one version, shared by every response of that version. */
  private horizon: { version: string; untilMs: number } | null = null;
  /** The version read under way, and the one that starts when it ends (see version()). */
  private reading: Promise<string> | null = null;
  private nextReading: Promise<string> | null = null;

  constructor(
    private readonly freshness: Freshness,
    maxBytes: number,
  ) {
    this.kept = new LRUCache({ maxSize: maxBytes, sizeCalculation: (entry) => Math.max(1, JSON.stringify(entry.data).length) });
  }

  /**
   * The version as read after the call: concurrent requests share reads. A read
   * already under way may have started before a write this caller has seen, so
   * a request that finds one waits for the next read, which every request
   * arriving meanwhile shares: at most two reads per round trip, whatever the
   * concurrency.
   */
  version(): Promise<string> {
    if (this.reading === null) return this.startReading();
    this.nextReading ??= this.reading
      .catch(() => undefined)
      .then(() => {
        this.nextReading = null;
        return this.startReading();
      });
    return this.nextReading;
  }

  private startReading(): Promise<string> {
    const reading = this.freshness.version().finally(() => {
      if (this.reading === reading) this.reading = null;
    });
    this.reading = reading;
    return reading;
  }

  lookup(key: string, version: string, now: Date): Record<string, unknown> | undefined {
    const entry = this.kept.get(key);
    if (entry === undefined) return undefined;
    if (entry.version === version && now.getTime() < entry.expiresAtMs) return entry.data;
    this.kept.delete(key);
    return undefined;
  }

  async keep(key: string, version: string, now: Date, data: Record<string, unknown>): Promise<void> {
    this.kept.set(key, { version, expiresAtMs: await this.horizonOf(version, now), data });
  }

  private async horizonOf(version: string, now: Date): Promise<number> {
    const known = this.horizon;
    if (known !== null && known.version === version && now.getTime() < known.untilMs) return known.untilMs;
    const untilMs = (await this.freshness.nextChangeInTime(now)).getTime();
    this.horizon = { version, untilMs };
    return untilMs;
  }
}
