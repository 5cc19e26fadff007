/**
 * Rebuild, blue/green: the chosen read models' tables are created anew (their
 * current migrate, so a new column reaches every database), the whole log is
 * replayed into them in large batches streamed with readAll (never the whole
 * log in memory), and they replace the old ones, all in ONE transaction. Live
 * readers keep reading the old tables until the new ones commit at once
 * (docs/projections.md, "Rebuild"). On PostgreSQL the new tables are built in
 * a schema of their own and moved in at the end; on SQLite readers keep their
 * WAL snapshot, and the indexes only readers use are built after the replay
 * (reader-indexes.ts).
 */
import { sql } from 'kysely';
import type { EventStore, RecordedEvent } from '../eventstore/types.js';
import { applyPinpointed, Upcaster } from './apply.js';
import { savePosition } from './positions.js';
import { greenTables } from './green-tables.js';
import { PoisonEventError, UnknownProjectionError } from './errors.js';
import { countEventsAfter } from './event-count.js';
import { migrateProjections } from './migrate.js';
import { dropReaderIndexes, recreateIndexes } from './reader-indexes.js';
import type { Projection, ReadDatabase, ReadTransaction, SqlDialect } from './projection.js';
import { attempt, inWriteTransaction, noWriteLock, type WriteLock } from './transaction.js';

export interface RebuildOptions {
  store: EventStore;
  db: ReadDatabase;
  dialect: SqlDialect;
  projections: readonly Projection[];
  /** Projections to rebuild (default: all of `projections`). */
  names?: readonly string[];
  /** SQLite sharing the events' file: `(fn) => sqliteStore.withWriteLock(fn)`. */
  writeLock?: WriteLock;
  /** Events read per batch (default 2,000). */
  batchSize?: number;
  /** After each batch: events replayed, events to replay (grows if appends arrive), replay speed. */
  onProgress?: (done: number, total: number, eventsPerSecond: number) => void;
}

export interface RebuildResult {
  projections: string[];
  /** Events replayed. */
  events: number;
  /** The position every rebuilt projection now has. */
  position: bigint;
}

/** Throws UnknownProjectionError for a name not in `projections`, PoisonEventError (nothing changed) if an event fails. */
export async function rebuildProjections(options: RebuildOptions): Promise<RebuildResult> {
  const { store, db, dialect, onProgress } = options;
  const writeLock = options.writeLock ?? noWriteLock;
  const batchSize = options.batchSize ?? 2_000;
  const chosen = choose(options.projections, options.names);
  if (chosen.length === 0) return { projections: [], events: 0, position: 0n };

  await migrateProjections(db, dialect, chosen, writeLock);
  const total = await countEventsAfter(store, 0n);
  const started = performance.now();

  return inWriteTransaction(db, writeLock, async (trx) => {
    // Positions first: on PostgreSQL their row locks make a live runner of
    // these projections wait for this transaction, then re-read its position.
    for (const projection of chosen) await savePosition(trx, projection.name, 0n, null);
    const green = await greenTables(trx, dialect, chosen.flatMap((projection) => projection.tables));
    for (const projection of chosen) await projection.migrate(trx, dialect);
    const deferred = dialect === 'sqlite' ? await dropReaderIndexes(trx, chosen.flatMap((projection) => projection.readerIndexes ?? [])) : [];

    const replays = chosen.map((projection) => {
      const special = projection.rebuildFold?.(trx);
      return { projection: special ? { ...projection, apply: special.apply } : projection, finish: special?.finish };
    });
    let position = 0n;
    let done = 0;
    for (;;) {
      const batch = await store.readAll({ after: position, limit: batchSize });
      if (batch.length === 0) break;
      await applyToEvery(trx, replays.map(({ projection }) => projection), batch, dialect === 'postgres');
      position = batch[batch.length - 1].position;
      done += batch.length;
      const seconds = (performance.now() - started) / 1000;
      onProgress?.(done, Math.max(total, done), seconds > 0 ? done / seconds : 0);
    }
    // Before the special folds finish: a finish may query through them.
    await recreateIndexes(trx, deferred);
    for (const { finish } of replays) await finish?.();
    if (dialect === 'postgres') await analyzeWrittenTables(trx);
    await green.swap();
    for (const projection of chosen) await savePosition(trx, projection.name, position, null, projection.version);
    return { projections: chosen.map((projection) => projection.name), events: done, position };
  });
}

/**
 * PostgreSQL plans from table statistics that autovacuum gathers some time after
 * a bulk write, or never where it is turned off. Without them, after a 1M
 * rebuild, loading 20 servants' certifications was planned for 58,000 rows and
 * took 53 ms instead of 2. ANALYZE runs in the transaction (it samples the new
 * rows, and readers get the statistics when they get the rows), on each table
 * this transaction wrote.
 */
async function analyzeWrittenTables(trx: ReadTransaction): Promise<void> {
  const { rows } = await sql<{ relname: string }>`
    select relname from pg_stat_xact_user_tables
    where schemaname = current_schema() and n_tup_ins + n_tup_upd + n_tup_del > 0`.execute(trx);
  if (rows.length > 0) await sql`analyze ${sql.join(rows.map((row) => sql.id(row.relname)))}`.execute(trx);
}

/**
 * With `together` (PostgreSQL) the projections take the batch at the same
 * time, under one savepoint. Their statements still run one after another on
 * the rebuild's connection, but one projection's JavaScript runs while the
 * server executes another's statement (one after another, the rebuild waited
 * on the server more than half of its time; 100k events 12.8-14.1 s, together
 * 9.4-10.5 s). Each writes only its own tables, so their order does not
 * matter. If any throws, every one is let finish, the batch is rolled back to
 * the savepoint and applied again one projection after another, as always on
 * SQLite (its statements block the thread: nothing to overlap), which names
 * the poison event.
 */
async function applyToEvery(trx: ReadTransaction, projections: readonly Projection[], batch: readonly RecordedEvent[], together: boolean): Promise<void> {
  const upcaster = new Upcaster();
  const applyTogether = async () => {
    const events = batch.map((event) => upcaster.current(event));
    const outcomes = await Promise.allSettled(projections.map((projection) => projection.apply(trx, events)));
    const rejected = outcomes.find((outcome) => outcome.status === 'rejected');
    if (rejected) throw rejected.reason;
  };
  if (together && (await attempt(trx, 'rebuild_batch', applyTogether)) === undefined) return;
  for (const projection of projections) {
    const outcome = await applyPinpointed(trx, projection, batch, upcaster);
    if (outcome.kind === 'poisoned') throw new PoisonEventError(projection.name, outcome.event, outcome.error);
  }
}

function choose(projections: readonly Projection[], names: readonly string[] | undefined): Projection[] {
  if (names === undefined) return [...projections];
  const known = projections.map((projection) => projection.name);
  const unknown = names.filter((name) => !known.includes(name));
  if (unknown.length > 0) throw new UnknownProjectionError(unknown, known);
  return projections.filter((projection) => names.includes(projection.name));
}
