/**
 * Keeps the read models up to date. At start, a projection whose stored
 * version is not its code's is rebuilt (blue/green, rebuild.ts) before anything
 * else. Then one subscription to the log, from the lowest position of the
 * projections this process runs, fans each batch out to them in ONE
 * transaction: a compare-and-set of their positions (one statement), then each
 * projection's rows inside a savepoint, so a poison event rolls back and stops
 * only its own projection while the others commit and go on. A projection is
 * skipped for a batch holding none of the event types it reads; after the
 * commit, the projections that applied it run their afterCommit.
 *
 * Across processes each projection has one runner (locks.ts); the others only
 * read positions, so their waitFor still serves read-your-writes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import pino from 'pino';
import type { EventStore, RecordedEvent } from '../eventstore/types.js';
import { applyPinpointed, type ApplyOutcome, Upcaster } from './apply.js';
import { describe, PoisonEventError, ProjectionStoppedError, WaitForTimeoutError } from './errors.js';
import { countEventsAfter } from './event-count.js';
import { openProjectionLocks, type ProjectionLocks } from './locks.js';
import { migrateProjections } from './migrate.js';
import { clearError, PositionClaims, readPositions, savePosition } from './positions.js';
import { ProgressSignal } from './progress.js';
import type { Projection, ReadDatabase, SqlDialect } from './projection.js';
import type { ProjectionStatusView } from './read-model.js';
import { rebuildProjections } from './rebuild.js';
import { inWriteTransaction, noWriteLock, type WriteLock } from './transaction.js';

/** The slice of a pino logger the runner uses. */
export interface ProjectionLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

export interface ProjectionRunnerOptions {
  store: EventStore;
  /** Where the read models are written (on SQLite, the events' own connection: see application.ts). */
  db: ReadDatabase;
  /**
   * Where positions are read outside the runner's transactions (default `db`):
   * the readers' connection, so a rebuild still open on `db` is never seen before it commits.
   */
  readDb?: ReadDatabase;
  dialect: SqlDialect;
  projections: readonly Projection[];
  /** SQLite sharing the events' file: `(fn) => sqliteStore.withWriteLock(fn)`. */
  writeLock?: WriteLock;
  logger?: ProjectionLogger;
  /** Most events applied per transaction (default 500). */
  batchSize?: number;
  /** How often held locks are renewed and the others tried for (default 2,000 ms). */
  lockCheckMs?: number;
  /** How often waitFor re-reads the positions of projections another process runs (default 50 ms). */
  pollMs?: number;
}

interface Track {
  readonly projection: Projection;
  position: bigint;
  lastError: string | null;
  /** This process holds its lock and applies its events. */
  owned: boolean;
  /** The version stored for its rows. */
  storedVersion: number;
  /** The version this runner rebuilt it from at start, because it was not the code's. */
  rebuiltFromVersion: number | null;
}

type State = 'idle' | 'starting' | 'running' | 'stopped';

interface Work {
  track: Track;
  from: bigint;
  to: bigint;
  events: RecordedEvent[];
}

interface Outcome {
  track: Track;
  from: bigint;
  outcome: ApplyOutcome | 'moved';
  /** The events its apply took and kept (none when skipped). */
  events: readonly RecordedEvent[];
}

/** An apply threw in the savepoint-free attempt: the batch is redone with savepoints. */
class ApplyFailed extends Error {
  constructor(cause: unknown) {
    super('A projection failed to apply the batch', { cause });
  }
}

const PROJECTION_NAME = /^[a-z][a-z0-9_-]{0,62}$/i;
const MAX_BATCH = 10_000;

export class ProjectionRunner {
  private readonly store: EventStore;
  private readonly db: ReadDatabase;
  private readonly readDb: ReadDatabase;
  private readonly dialect: SqlDialect;
  private readonly writeLock: WriteLock;
  private readonly logger: ProjectionLogger;
  private readonly batchSize: number;
  private readonly lockCheckMs: number;
  private readonly pollMs: number;
  private readonly tracks: Track[];
  private readonly claims: PositionClaims;

  private state: State = 'idle';
  private starting: Promise<void> | null = null;
  private stopped: Promise<void> | null = null;
  private readonly stopping = new AbortController();
  /** Aborted to make the loop re-read positions and subscribe again (ownership changed, position moved). */
  private follow = new AbortController();
  private loop: Promise<void> | null = null;
  private locks: ProjectionLocks | null = null;
  private lockTimer: NodeJS.Timeout | null = null;
  private maintaining = false;
  private pollTimer: NodeJS.Timeout | null = null;
  private polling = false;
  private waiters = 0;
  private readonly progress = new ProgressSignal();

  constructor(options: ProjectionRunnerOptions) {
    const names = options.projections.map((projection) => projection.name);
    for (const name of names) {
      if (!PROJECTION_NAME.test(name)) throw new Error(`Projection name "${name}" must be letters, digits, - or _ (at most 63)`);
      if (names.indexOf(name) !== names.lastIndexOf(name)) throw new Error(`Projection name "${name}" is used twice`);
    }
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > MAX_BATCH) {
      throw new Error(`batchSize must be an integer from 1 to ${MAX_BATCH}`);
    }
    this.store = options.store;
    this.db = options.db;
    this.readDb = options.readDb ?? options.db;
    this.dialect = options.dialect;
    this.claims = new PositionClaims(options.dialect);
    this.writeLock = options.writeLock ?? noWriteLock;
    this.logger = options.logger ?? pino({ name: 'projections' });
    this.batchSize = batchSize;
    this.lockCheckMs = options.lockCheckMs ?? 2_000;
    this.pollMs = options.pollMs ?? 50;
    this.tracks = options.projections.map((projection) => ({
      projection,
      position: 0n,
      lastError: null,
      owned: false,
      storedVersion: projection.version,
      rebuiltFromVersion: null,
    }));
  }

  /** Creates missing tables, takes the locks it can, rebuilds what changed version and starts projecting. Call once. */
  start(): Promise<void> {
    if (this.state !== 'idle') return Promise.reject(new Error('ProjectionRunner.start() may only be called once'));
    this.state = 'starting';
    this.starting = this.startNow();
    return this.starting;
  }

  private async startNow(): Promise<void> {
    try {
      await migrateProjections(this.db, this.dialect, this.tracks.map((track) => track.projection), this.writeLock);
      this.locks = await openProjectionLocks(this.db, this.dialect);
      await this.refresh(this.tracks);
      await this.claimLocks();
      await this.rebuildChangedVersions();
    } catch (error) {
      this.state = 'stopped';
      this.stopping.abort();
      await this.locks?.releaseAll().catch(() => {});
      this.progress.notify();
      throw error;
    }
    if (this.stopping.signal.aborted) return; // stop() came while starting; it cleans up
    this.state = 'running';
    this.lockTimer = setInterval(() => void this.maintainLocks(), this.lockCheckMs);
    this.lockTimer.unref();
    this.loop = this.run();
    this.logger.info(
      { here: this.names((t) => t.owned), elsewhere: this.names((t) => !t.owned) },
      'Projection runner started',
    );
    this.progress.notify();
  }

  /**
   * The projections held here whose rows another version made: rebuilt before
   * the runner follows the log (readers keep the old rows until the new commit).
   */
  private async rebuildChangedVersions(): Promise<void> {
    const changed = this.tracks.filter((track) => track.owned && track.storedVersion !== track.projection.version);
    if (changed.length === 0) return;
    const versions = changed.map((track) => ({ projection: track.projection.name, from: track.storedVersion, to: track.projection.version }));
    this.logger.info({ projections: versions }, 'Projection versions changed; rebuilding them blue/green before following the log');
    const started = performance.now();
    const result = await rebuildProjections({
      store: this.store,
      db: this.db,
      dialect: this.dialect,
      projections: changed.map((track) => track.projection),
      writeLock: this.writeLock,
    });
    for (const track of changed) track.rebuiltFromVersion = track.storedVersion;
    await this.refresh(changed);
    this.logger.info(
      { projections: versions, events: result.events, seconds: Math.round(performance.now() - started) / 1000 },
      'Projections rebuilt for their new versions',
    );
  }

  /** Finishes the batch in hand, releases the locks; pending waitFor calls reject. */
  stop(): Promise<void> {
    this.stopped ??= this.stopNow();
    return this.stopped;
  }

  private async stopNow(): Promise<void> {
    this.state = 'stopped';
    this.stopping.abort();
    this.progress.notify();
    await this.starting?.catch(() => {});
    if (this.lockTimer) clearInterval(this.lockTimer);
    if (this.pollTimer) clearInterval(this.pollTimer);
    await this.loop;
    await this.locks?.releaseAll();
  }

  /**
   * Resolves once every projection's position is at or past `position`.
   * Rejects with WaitForTimeoutError after `timeoutMs`, at once with
   * ProjectionStoppedError when a projection still behind has stopped on a
   * poison event, or when this runner stops.
   */
  async waitFor(position: bigint, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    this.waiters += 1;
    try {
      for (;;) {
        if (this.state === 'stopped') throw new ProjectionStoppedError(position, null, 'the projection runner has stopped');
        const behind = this.tracks.filter((track) => track.position < position);
        if (this.state === 'running') {
          if (behind.length === 0) return;
          const stopped = behind.find((track) => track.lastError !== null);
          if (stopped) throw new ProjectionStoppedError(position, stopped.projection.name, stopped.lastError!);
          this.pollElsewhere();
        }
        const left = deadline - Date.now();
        if (left <= 0) throw new WaitForTimeoutError(position, timeoutMs, behind.map((track) => track.projection.name));
        await this.progress.wait(left);
      }
    } finally {
      this.waiters -= 1;
    }
  }

  /** Position, lag (events after it), last error, whether it runs and its version, per projection. */
  async status(): Promise<ProjectionStatusView[]> {
    await this.refresh(this.tracks.filter((track) => !track.owned));
    const lags = new Map<bigint, Promise<number>>();
    const lagAfter = (position: bigint) => {
      if (!lags.has(position)) lags.set(position, countEventsAfter(this.store, position));
      return lags.get(position)!;
    };
    return Promise.all(
      this.tracks.map(async (track) => ({
        name: track.projection.name,
        position: track.position,
        lag: await lagAfter(track.position),
        lastError: track.lastError,
        version: track.storedVersion,
        rebuiltFromVersion: track.rebuiltFromVersion,
        // Not held here: another process holds the lock and runs it, unless it recorded an error.
        running: this.state === 'running' && track.lastError === null,
      })),
    );
  }

  private async run(): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      this.follow = new AbortController();
      const signal = AbortSignal.any([this.stopping.signal, this.follow.signal]);
      try {
        await this.followLog(signal);
        failures = 0;
      } catch (error) {
        if (this.stopping.signal.aborted) break;
        failures += 1;
        const retryInMs = Math.min(30_000, 250 * 2 ** Math.min(failures, 7));
        this.logger.warn({ error: describe(error), retryInMs }, 'Projection runner failed to read or write; retrying');
        await sleep(retryInMs, undefined, { signal: this.stopping.signal }).catch(() => {});
      }
    }
  }

  /** Applies the log from the lowest position until `signal` aborts or nothing here is left to run. */
  private async followLog(signal: AbortSignal): Promise<void> {
    // The table is the truth: a rebuild or another runner may have moved a position.
    await this.refresh(this.tracks.filter((track) => track.owned));
    this.progress.notify();
    const active = this.active();
    if (active.length === 0) {
      if (signal.aborted) return;
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      return;
    }
    const after = active.reduce((low, track) => (track.position < low ? track.position : low), active[0].position);
    let pending: RecordedEvent[] = [];
    for await (const item of this.store.subscribe({ after, signal, batchSize: this.batchSize })) {
      if (item.kind === 'event') {
        pending.push(item.event);
        if (pending.length < this.batchSize) continue;
      }
      if (pending.length > 0) {
        await this.applyBatch(pending);
        pending = [];
      }
      if (this.active().length === 0) return;
    }
    if (!signal.aborted) throw new Error('The event store subscription ended (was the store closed?)');
  }

  /**
   * One transaction: claim every position here in one statement, then apply
   * each projection's part of the batch, skipping a projection whose event
   * types the part does not hold (its position moves all the same); after the
   * commit, the afterCommit of each projection that applied events.
   */
  private async applyBatch(events: readonly RecordedEvent[]): Promise<void> {
    const upcaster = new Upcaster();
    const work = this.active()
      .map((track) => ({ track, from: track.position, events: events.filter((event) => event.position > track.position) }))
      .filter((item) => item.events.length > 0)
      .map((item) => ({ ...item, to: item.events[item.events.length - 1].position }));
    if (work.length === 0) return;

    // Nearly every batch applies cleanly: first without savepoints (two statements
    // per projection fewer); if an apply throws, undo it all and redo the batch
    // with savepoints, which pinpoint the poison event and keep the others' rows.
    const outcomes = await this.applyWork(work, upcaster, false).catch((error: unknown) => {
      if (!(error instanceof ApplyFailed)) throw error;
      return this.applyWork(work, upcaster, true);
    });

    for (const { track, events: applied } of outcomes) if (applied.length > 0) await this.afterCommit(track.projection, applied);

    // Committed: only now does memory follow the table.
    for (const { track, from, outcome } of outcomes) {
      if (outcome === 'moved') {
        this.logger.info({ projection: track.projection.name }, 'Position moved by a rebuild or another runner; re-reading it');
        this.follow.abort();
      } else if (outcome.kind === 'applied') {
        track.position = outcome.through;
      } else {
        const poison = new PoisonEventError(track.projection.name, outcome.event, outcome.error);
        track.position = outcome.appliedThrough ?? from;
        track.lastError = poison.message;
        this.logger.error(
          {
            projection: poison.projection,
            position: poison.position.toString(),
            eventType: poison.eventType,
            streamId: poison.streamId,
          },
          `${poison.message}. This projection is stopped; the others go on. Fix and restart, or rebuild it.`,
        );
      }
    }
    this.progress.notify();
  }

  private applyWork(work: readonly Work[], upcaster: Upcaster, isolate: boolean): Promise<Outcome[]> {
    // On PostgreSQL the read store's sessions commit without waiting for the WAL flush (database.ts).
    return inWriteTransaction(this.db, this.writeLock, async (trx) => {
      const claimed = await this.claims.claim(trx, work.map(({ track, from, to }) => ({ name: track.projection.name, from, to })));
      const done: Outcome[] = [];
      for (const { track, from, to, events: slice } of work) {
        const { name, reads } = track.projection;
        if (!claimed.has(name)) {
          done.push({ track, from, outcome: 'moved', events: [] });
          continue;
        }
        if (reads !== 'every event' && !slice.some((event) => reads.has(event.type))) {
          done.push({ track, from, outcome: { kind: 'applied', through: to }, events: [] });
          continue;
        }
        if (!isolate) {
          try {
            await track.projection.apply(trx, slice.map((event) => upcaster.current(event)));
          } catch (error) {
            throw new ApplyFailed(error);
          }
          done.push({ track, from, outcome: { kind: 'applied', through: to }, events: slice });
          continue;
        }
        const outcome = await applyPinpointed(trx, track.projection, slice, upcaster);
        if (outcome.kind === 'poisoned') {
          const poison = new PoisonEventError(name, outcome.event, outcome.error);
          await savePosition(trx, name, outcome.appliedThrough ?? from, poison.message);
        }
        const kept = outcome.kind === 'applied' ? slice : slice.filter((event) => outcome.appliedThrough !== null && event.position <= outcome.appliedThrough);
        done.push({ track, from, outcome, events: kept });
      }
      return done;
    });
  }

  private async afterCommit(projection: Projection, events: readonly RecordedEvent[]): Promise<void> {
    if (!projection.afterCommit) return;
    try {
      await projection.afterCommit({ db: this.db, dialect: this.dialect, writeLock: this.writeLock, events });
    } catch (error) {
      this.logger.warn({ projection: projection.name, error: describe(error) }, 'A projection could not finish its work after a commit; its rows are committed');
    }
  }

  /** Renews held locks and tries for the others, so a dead runner's projections are taken over. */
  private async maintainLocks(): Promise<void> {
    if (this.maintaining || this.state !== 'running' || !this.locks) return;
    this.maintaining = true;
    try {
      const lost = await this.locks.verify();
      for (const track of this.tracks.filter((t) => lost.includes(t.projection.name))) {
        track.owned = false;
        this.logger.warn({ projection: track.projection.name }, 'Lost the projection lock; another runner may take it over');
      }
      const gained = await this.claimLocks();
      if (lost.length > 0 || gained.length > 0) this.follow.abort();
    } catch (error) {
      this.logger.warn({ error: describe(error) }, 'Could not check the projection locks; will try again');
    } finally {
      this.maintaining = false;
    }
  }

  private async claimLocks(): Promise<string[]> {
    const gained: string[] = [];
    for (const track of this.tracks) {
      if (track.owned || this.stopping.signal.aborted || !(await this.locks!.tryAcquire(track.projection.name))) continue;
      // Taking over (at start, or after its runner died): retry from the position.
      await this.writeLock(() => clearError(this.db, track.projection.name));
      track.owned = true;
      track.lastError = null;
      gained.push(track.projection.name);
    }
    if (gained.length > 0 && this.state === 'running') this.logger.info({ projections: gained }, 'Took over projections');
    return gained;
  }

  /** While someone waits on projections run by another process, re-read their positions every pollMs. */
  private pollElsewhere(): void {
    if (this.pollTimer || !this.tracks.some((track) => !track.owned)) return;
    this.pollTimer = setInterval(() => {
      if (this.waiters === 0 || this.state !== 'running') {
        clearInterval(this.pollTimer!);
        this.pollTimer = null;
        return;
      }
      if (this.polling) return;
      this.polling = true;
      this.refresh(this.tracks.filter((track) => !track.owned))
        .then(() => this.progress.notify())
        .catch(() => {}) // a failed read is retried next tick; waitFor still times out clearly
        .finally(() => (this.polling = false));
    }, this.pollMs);
  }

  private async refresh(tracks: Track[]): Promise<void> {
    if (tracks.length === 0) return;
    const stored = await readPositions(this.readDb, tracks.map((track) => track.projection.name));
    for (const track of tracks) {
      const found = stored.get(track.projection.name);
      track.position = found?.position ?? 0n;
      track.lastError = found?.lastError ?? null;
      track.storedVersion = found?.version ?? track.projection.version;
    }
  }

  private active(): Track[] {
    return this.tracks.filter((track) => track.owned && track.lastError === null);
  }

  private names(filter: (track: Track) => boolean): string[] {
    return this.tracks.filter(filter).map((track) => track.projection.name);
  }
}
