/**
 * A read model's write side. The runner (src/projections/runner.ts) calls `apply`
 * with a batch of events inside the same transaction that moves the projection's
 * checkpoint, so rows and checkpoint can never disagree after a crash.
 */
import type { Kysely, Transaction } from 'kysely';
import type { PersonalDataVault } from '../domain/servants/personal-data.js';
import type { RecordedEvent } from '../eventstore/types.js';

export type SqlDialect = 'sqlite' | 'postgres';

// Read-model tables are declared per projection; the runner only needs untyped access.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReadDatabase = Kysely<any>;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type ReadTransaction = Transaction<any>;

export interface ProjectionDeps {
  dialect: SqlDialect;
  /** Opens sealed personal data for the servants read model (null once erased). */
  vault: PersonalDataVault;
}

export interface Projection {
  /** Stable name: checkpoints, `acredita rebuild --projection NAME`, status. */
  readonly name: string;
  /**
   * The event types `apply` reads, if it reads only some: the runner skips
   * `apply` for a batch holding none of them (the checkpoint still moves).
   */
  readonly eventTypes?: ReadonlySet<string>;
  /**
   * Indexes of its tables that only readers query through, never `apply`
   * (nor a rebuild's per-batch apply, RebuildFastPath): a SQLite rebuild
   * builds them after the replay instead of through it (reader-indexes.ts).
   */
  readonly readerIndexes?: readonly string[];
  /** Creates its tables and indexes if missing (idempotent). */
  migrate(db: ReadDatabase, dialect: SqlDialect): Promise<void>;
  /** Deletes all its rows, for a rebuild (inside the rebuild's transaction). */
  reset(trx: ReadTransaction): Promise<void>;
  /**
   * Applies a batch of events (already upcast), oldest first. Throwing stops
   * this projection. Writes and reads only its own tables: a rebuild applies a
   * batch to every projection at the same time.
   */
  apply(trx: ReadTransaction, events: readonly RecordedEvent[]): Promise<void>;
}
