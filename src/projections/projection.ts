/**
 * A read model's write side. The runner (src/projections/runner.ts) calls `apply`
 * with a batch of events inside the same transaction that moves the projection's
 * position, so rows and position can never disagree after a crash.
 *
 * The read models of the domain are written with `foldingProjection`: one
 * handler per event type of the domain, or `IGNORED`, so a new event type does
 * not compile until every read model has said what it does with it.
 */
import type { Kysely, Transaction } from 'kysely';
import type { DomainEvent, DomainEventType } from '../domain/events.js';
import type { PersonalDataVault } from '../domain/servants/personal-data.js';
import type { RecordedEvent } from '../eventstore/types.js';
import type { ReadModels } from './read-models.js';
import type { WriteLock } from './transaction.js';

export type SqlDialect = 'sqlite' | 'postgres';

export type ReadDatabase = Kysely<ReadModels>;
export type ReadTransaction = Transaction<ReadModels>;

export interface ProjectionDeps {
  dialect: SqlDialect;
  /** Opens sealed personal data for the servants read model (null once erased). */
  vault: PersonalDataVault;
}

/** What a projection's `afterCommit` may use: the database the batch was committed to. */
export interface CommittedBatch {
  db: ReadDatabase;
  dialect: SqlDialect;
  writeLock: WriteLock;
  events: readonly RecordedEvent[];
}

/**
 * A rebuild's own way to fold the whole log (e.g. fold each key once at the end
 * instead of in every batch that touches it): `apply` for every batch and a
 * `finish` after the last one, in the rebuild's transaction. The rows it leaves
 * must be the rows `apply` leaves (test/projections/replay.test.ts).
 */
export interface RebuildFold {
  apply: Projection['apply'];
  finish(): Promise<void>;
}

export interface Projection {
  /** Stable name: positions, `acredita rebuild --projection NAME`, status. */
  readonly name: string;
  /**
   * The shape of its rows. Raise it when `apply` or the tables change: a runner
   * finding another version stored rebuilds this projection before following the log.
   */
  readonly version: number;
  /**
   * The event types `apply` reads, or 'every event' (the log's Merkle tree): the
   * runner skips `apply` for a batch holding none of them (the position still moves).
   */
  readonly reads: ReadonlySet<string> | 'every event';
  /** Its tables: a rebuild drops and creates them anew (migrate), so a new column reaches every database. */
  readonly tables: readonly string[];
  /**
   * Indexes of its tables that only readers query through, never `apply`
   * (nor `rebuildFold`'s apply): a SQLite rebuild builds them after the replay
   * instead of through it (reader-indexes.ts).
   */
  readonly readerIndexes?: readonly string[];
  /** Creates its tables and indexes if missing (idempotent). */
  migrate(db: ReadDatabase, dialect: SqlDialect): Promise<void>;
  /**
   * Applies a batch of events (already upcast), oldest first. Throwing stops
   * this projection. Writes and reads only its own tables: a rebuild applies a
   * batch to every projection at the same time.
   */
  apply(trx: ReadTransaction, events: readonly RecordedEvent[]): Promise<void>;
  /** For one rebuild, a faster fold than `apply` batch after batch. */
  rebuildFold?(trx: ReadTransaction): RebuildFold;
  /**
   * Runs after a batch this projection applied has committed, outside the
   * transaction (e.g. the servants' erasure scrubbing SQLite's WAL). A failure is
   * logged and does not stop the projection.
   */
  afterCommit?(batch: CommittedBatch): Promise<void>;
}

// Indexed by type (not Extract<DomainEvent, ...> itself), so a handler of several types is one of each.
type EventsByType = { [T in DomainEventType]: Extract<DomainEvent, { type: T }> };

/** A domain event with its store envelope, narrowed by `type`. */
export type ProjectedEvent<T extends DomainEventType = DomainEventType> = EventsByType[T] & { readonly recorded: RecordedEvent };

/** Marks an event type a projection does not read. */
export const IGNORED = 'ignored';

type KeysOf<U> = U extends unknown ? keyof U : never;

/**
 * Every event type of the given features (their `*_EVENT_SCHEMAS`) as IGNORED,
 * for a projection that reads nothing of a feature: it says so once, and a new
 * event of that feature needs no entry here (a feature it reads in part lists
 * each type).
 */
export function ignoring<Features extends readonly Record<string, number>[]>(
  ...features: Features
): { readonly [T in KeysOf<Features[number]>]: typeof IGNORED } {
  const ignored: Record<string, typeof IGNORED> = {};
  for (const feature of features) for (const type of Object.keys(feature)) ignored[type] = IGNORED;
  return ignored as { readonly [T in KeysOf<Features[number]>]: typeof IGNORED };
}

/** Folds one event into the batch in hand (rows loaded by `open`). */
export type EventHandler<Batch, T extends DomainEventType> = (batch: Batch, event: ProjectedEvent<T>) => void;

/** One entry per event type of the domain: a misspelt or missing type does not compile. */
export type EventHandlers<Batch> = { readonly [T in DomainEventType]: EventHandler<Batch, T> | typeof IGNORED };

/** How a batch is opened (its rows loaded, given the events it will fold) and closed (written). */
export interface BatchFold<Batch> {
  open(trx: ReadTransaction, events: readonly ProjectedEvent[]): Promise<Batch>;
  close(batch: Batch): Promise<void>;
}

export interface FoldingProjectionDefinition<Batch> extends BatchFold<Batch>, Omit<Projection, 'reads' | 'apply' | 'rebuildFold'> {
  readonly handlers: EventHandlers<Batch>;
  /**
   * Which of the handled events a batch folds (default: all): e.g. statistics
   * pass over trainings that change no figure.
   */
  readonly folds?: (event: ProjectedEvent) => boolean;
  /** A rebuild's batches with the same handlers, opened and closed another way, and a finish. */
  rebuildFold?(trx: ReadTransaction): BatchFold<Batch> & { finish(): Promise<void> };
}

/** A projection that folds each batch through its handlers: open, one handler per event, close. */
export function foldingProjection<Batch>(definition: FoldingProjectionDefinition<Batch>): Projection {
  const { handlers, folds, rebuildFold, open, close, ...rest } = definition;
  const reads = new Set<string>(Object.keys(handlers).filter((type) => handlers[type as DomainEventType] !== IGNORED));
  const handled = (recorded: readonly RecordedEvent[]): ProjectedEvent[] => {
    const events: ProjectedEvent[] = [];
    for (const event of recorded) {
      if (!reads.has(event.type)) continue;
      // The store only holds events of the catalogue (upcast before projection).
      const projected = { type: event.type, data: event.data, recorded: event } as unknown as ProjectedEvent;
      if (!folds || folds(projected)) events.push(projected);
    }
    return events;
  };
  const fold = (through: BatchFold<Batch>): Projection['apply'] =>
    async (trx, recorded) => {
      const events = handled(recorded);
      if (events.length === 0) return;
      const batch = await through.open(trx, events);
      for (const event of events) (handlers[event.type] as EventHandler<Batch, DomainEventType>)(batch, event);
      await through.close(batch);
    };
  return {
    ...rest,
    reads,
    apply: fold({ open, close }),
    ...(rebuildFold && {
      rebuildFold(trx) {
        const special = rebuildFold(trx);
        return { apply: fold(special), finish: () => special.finish() };
      },
    }),
  };
}
