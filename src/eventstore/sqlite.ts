/**
 * The embedded default: the whole log in one SQLite file (WAL). better-sqlite3 is
 * synchronous, so an append is one short IMMEDIATE transaction that never waits
 * on the event loop; other processes on the same file queue on busy_timeout.
 */
import Database from 'better-sqlite3';
import {
  chainEvents,
  checkExpectedVersion,
  earlierAppendResult,
  nextRecordedAt,
  type ChainedEvent,
  type GlobalHead,
  type StreamHead,
} from './append-rules.js';
import { validateAuditQuery } from './audit.js';
import { WrongExpectedVersionError } from './errors.js';
import { auditQuery, type AuditSqlDialect } from './audit-query.js';
import { EventLoopTurns } from './event-loop-turns.js';
import { globalChainHash } from './hashing.js';
import { SqliteFiles, type SharedFile } from './sqlite-files.js';
import { WAL_FLUSH_PAGES, type WalFlush } from './sqlite-wal-flusher.js';
import { pollSubscription } from './subscription.js';
import type {
  AppendBatchItem,
  AppendOptions,
  AppendResult,
  AuditFilter,
  AuditPage,
  EventMetadata,
  EventStore,
  JsonObject,
  LogCheckpoint,
  LogHead,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionItem,
} from './types.js';
import {
  validateAppend,
  validateAppendBatch,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateStreamId,
  validateSubscribeOptions,
  type ValidAppend,
} from './validation.js';

const BUSY_TIMEOUT_MS = 5_000;

const SCHEMA = `
  create table if not exists events (
    position integer primary key autoincrement,
    id text not null unique,
    stream_id text not null,
    revision integer not null check (revision >= 0),
    type text not null,
    data text not null,
    metadata text not null,
    recorded_at text not null,
    previous_hash text,
    hash text not null,
    global_hash text,
    unique (stream_id, revision)
  ) strict;
  create table if not exists streams (
    stream_id text primary key,
    version integer not null,
    last_hash text not null
  ) strict, without rowid;
  create table if not exists log_head (
    id integer primary key check (id = 1),
    position integer not null,
    global_hash text not null,
    recorded_at text not null
  ) strict;
  create table if not exists log_checkpoints (
    id integer primary key autoincrement,
    position integer not null,
    global_hash text not null,
    signed_at text not null,
    signature text not null
  ) strict;
`;

/** The audit indexes (readAudit); each also holds the rowid, i.e. (x, position). Made after the columns exist. */
const AUDIT_INDEXES = `
  create index if not exists events_by_stream on events (stream_id);
  create index if not exists events_by_type on events (type);
  create index if not exists events_by_actor on events (json_extract(metadata, '$.actor'));
  create index if not exists events_by_recorded_at on events (recorded_at);
`;

const EVENT_COLUMNS = 'position, id, stream_id, revision, type, data, metadata, recorded_at, previous_hash, hash, global_hash';
const INSERTED_COLUMNS = 'id, stream_id, revision, type, data, metadata, recorded_at, previous_hash, hash, global_hash';
/** Rows per INSERT statement, largest first: an append writes its events with a few multi-row statements. */
const INSERT_SIZES = [64, 16, 4, 1];
const MIGRATION_BATCH = 10_000;
const CACHED_AUDIT_QUERIES = 200;

/** Exported for the query-plan test. */
export const SQLITE_AUDIT_DIALECT: AuditSqlDialect = {
  table: 'events',
  columns: EVENT_COLUMNS,
  param: (n) => `@p${n}`,
  actor: "json_extract(metadata, '$.actor')",
  // Unary + keeps SQLite's planner on the position range instead of sorting a recorded_at range.
  recordedAtFilter: '+recorded_at',
  greatest: (a, b) => `max(${a}, ${b})`,
  position: (value) => value,
  time: (value) => value.toISOString(),
};

interface EventRow {
  position: bigint;
  id: string;
  stream_id: string;
  revision: bigint;
  type: string;
  data: string;
  metadata: string;
  recorded_at: string;
  previous_hash: string | null;
  hash: string;
  global_hash: string | null;
}

export interface SqliteEventStoreOptions {
  /**
   * Shared with the other stores on the same files (the write lock, the append
   * notifier, the WAL flush worker) and closed by whoever made it. Absent: the
   * store makes its own and closes it with itself.
   */
  files?: SqliteFiles;
}

export class SqliteEventStore implements EventStore {
  readonly backend = 'sqlite';
  readonly database: Database.Database;
  readonly path: string;
  private readonly file: SharedFile;
  /** Made by this store (no files option): closed with it. */
  private readonly ownFiles: SqliteFiles | null;
  private readonly closing = new AbortController();
  /** Reads for requests give the event loop a turn now and then (event-loop-turns.ts). */
  private readonly turns = new EventLoopTurns();
  private readonly walFlush: WalFlush;
  private readonly statements;
  private readonly appendTransaction;
  private readonly auditStatements = new Map<string, Database.Statement<Record<string, unknown>, EventRow>>();

  constructor(path: string, options: SqliteEventStoreOptions = {}) {
    this.path = path;
    this.database = new Database(path);
    this.database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('synchronous = NORMAL');
    // Erased personal data in read models sharing this file must not linger in free pages.
    this.database.pragma('secure_delete = ON');
    this.database.transaction(() => migrate(this.database)).immediate();

    this.ownFiles = options.files ? null : new SqliteFiles();
    const files = options.files ?? (this.ownFiles as SqliteFiles);
    this.file = files.open(path);
    // A worker flushes the WAL instead of the COMMIT that crosses the threshold (sqlite-wal-flusher.ts).
    this.walFlush = files.walFlusher.join(this.database, this.file.key, () => {
      if (this.database.open) this.database.pragma(`wal_autocheckpoint = ${WAL_FLUSH_PAGES}`);
    });

    const db = this.database;
    this.statements = {
      storedIds: db
        .prepare<[string], { id: string; stream_id: string; revision: bigint; position: bigint }>(
          'select id, stream_id, revision, position from events where id in (select value from json_each(?))',
        )
        .safeIntegers(true),
      streamHead: db.prepare<[string], { stream_id: string; version: number; last_hash: string }>(
        'select stream_id, version, last_hash from streams where stream_id = ?',
      ),
      insertEvents: new MultiRowStatement(db, INSERTED_COLUMNS.split(',').length, (values) => `insert into events (${INSERTED_COLUMNS}) values ${values}`),
      streamHeads: db.prepare<[string], { stream_id: string; version: number; last_hash: string }>(
        'select stream_id, version, last_hash from streams where stream_id in (select value from json_each(?))',
      ),
      globalHead: db.prepare<[], GlobalHead>('select position, global_hash as globalHash, recorded_at as recordedAt from log_head').safeIntegers(true),
      saveGlobalHead: db.prepare<[bigint, string, string]>(
        `insert into log_head (id, position, global_hash, recorded_at) values (1, ?, ?, ?)
         on conflict (id) do update set position = excluded.position, global_hash = excluded.global_hash, recorded_at = excluded.recorded_at`,
      ),
      insertCheckpoint: db.prepare<[bigint, string, string, string]>(
        'insert into log_checkpoints (position, global_hash, signed_at, signature) values (?, ?, ?, ?)',
      ),
      checkpoints: db
        .prepare<[], { position: bigint; global_hash: string; signed_at: string; signature: string }>(
          'select position, global_hash, signed_at, signature from log_checkpoints order by id',
        )
        .safeIntegers(true),
      saveStreamHeads: new MultiRowStatement(
        db,
        3,
        (values) => `insert into streams (stream_id, version, last_hash) values ${values}
          on conflict (stream_id) do update set version = excluded.version, last_hash = excluded.last_hash`,
      ),
      readStream: db
        .prepare<{ streamId: string; from: number; to: number | null; until: string | null }, EventRow>(
          `select ${EVENT_COLUMNS} from events
           where stream_id = @streamId and revision >= @from
             and (@to is null or revision <= @to) and (@until is null or recorded_at <= @until)
           order by revision`,
        )
        .safeIntegers(true),
      readAll: db
        .prepare<[bigint, number], EventRow>(`select ${EVENT_COLUMNS} from events where position > ? order by position limit ?`)
        .safeIntegers(true),
      head: db.prepare<[], bigint>('select coalesce(max(position), 0) from events').pluck().safeIntegers(true),
      streamVersion: db.prepare<[string], number>('select version from streams where stream_id = ?').pluck(),
    };
    this.appendTransaction = db.transaction(this.appendNow.bind(this));
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const [result] = await this.write([validateAppend(streamId, events, options)]);
    return result;
  }

  async appendBatch(items: AppendBatchItem[]): Promise<AppendResult[]> {
    return this.write(validateAppendBatch(items));
  }

  private async write(appends: ValidAppend[]): Promise<AppendResult[]> {
    const { results, appended } = await this.file.withLock(() => this.afterCatchUp(() => this.appendImmediately(appends)));
    if (appended) this.file.notifier.notify();
    return results;
  }

  /**
   * First without looking the event ids up: a new id is the rule, and the unique
   * index refuses a stored one anyway. A stored id or a version mismatch rolls that
   * attempt back and the appends run again with the ids looked up first, which
   * decides between the earlier result, DuplicateEventIdError and WrongExpectedVersionError.
   */
  private appendImmediately(appends: ValidAppend[]): { results: AppendResult[]; appended: boolean } {
    try {
      // IMMEDIATE takes the file's write lock up front: a deferred read-then-write
      // transaction could fail with SQLITE_BUSY instead of waiting its turn.
      return this.appendTransaction.immediate(appends, false);
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError || isStoredIdError(error))) throw error;
      return this.appendTransaction.immediate(appends, true);
    }
  }

  /**
   * The appends in the open transaction, with a few statements whatever their
   * number: the stream heads read at once, every event inserted together, the
   * heads saved together (a statement per stream was a quarter of the roster
   * import's CPU profile). Any error rolls all of them back.
   */
  private appendNow(appends: ValidAppend[], lookUpIds: boolean): { results: AppendResult[]; appended: boolean } {
    const start = this.statements.globalHead.get() ?? EMPTY_HEAD;
    const recordedAt = nextRecordedAt(new Date(), start);
    const heads = this.streamHeads(appends.map((append) => append.streamId));
    const records: ChainedEvent[] = [];
    const savedHeads: unknown[] = [];
    // An append's position is its last event's, known once the rows have theirs.
    const outcomes = appends.map(({ streamId, events, expectedVersion }): AppendResult | { nextVersion: number; lastRecord: number } => {
      if (lookUpIds) {
        const stored = this.statements.storedIds.all(JSON.stringify(events.map((event) => event.id)));
        const earlier = earlierAppendResult(
          streamId,
          events,
          stored.map((row) => ({ id: row.id, streamId: row.stream_id, revision: Number(row.revision), position: row.position })),
        );
        if (earlier) return earlier;
      }
      const head = heads.get(streamId) ?? { version: 0, lastHash: null };
      checkExpectedVersion(streamId, expectedVersion, head.version);
      for (const record of chainEvents(streamId, head, recordedAt, events)) records.push(record);
      const last = records[records.length - 1];
      savedHeads.push(streamId, last.revision + 1, last.hash);
      return { nextVersion: last.revision + 1, lastRecord: records.length - 1 };
    });
    if (records.length === 0) return { results: outcomes as AppendResult[], appended: false };

    const end = this.insertEvents(start, records);
    this.statements.saveStreamHeads.run(savedHeads);
    this.statements.saveGlobalHead.run(end.position, end.globalHash, recordedAt);
    // Rows inserted in one write transaction take consecutive positions.
    const first = end.position - BigInt(records.length - 1);
    const results = outcomes.map((outcome) =>
      'lastRecord' in outcome ? { nextVersion: outcome.nextVersion, position: first + BigInt(outcome.lastRecord) } : outcome,
    );
    return { results, appended: true };
  }

  /** A single append's head by `=`: the json_each lookup of one id takes twice as long (5.4 µs against 2.7). */
  private streamHeads(streamIds: string[]): Map<string, StreamHead> {
    const rows =
      streamIds.length === 1
        ? [this.statements.streamHead.get(streamIds[0])].filter((row) => row !== undefined)
        : this.statements.streamHeads.all(JSON.stringify(streamIds));
    return new Map(rows.map((row) => [row.stream_id, { version: row.version, lastHash: row.last_hash }]));
  }

  /** Inserts the rows in order, each with its link in the global chain continuing from `head`; returns the new head. */
  private insertEvents(head: LogHead, records: ChainedEvent[]): LogHead {
    let { globalHash } = head;
    const values: unknown[] = [];
    for (const record of records) {
      globalHash = globalChainHash(globalHash, record.hash);
      values.push(
        record.id,
        record.streamId,
        record.revision,
        record.type,
        record.dataJson,
        record.metadataJson,
        record.recordedAt,
        record.previousHash,
        record.hash,
        globalHash,
      );
    }
    return { position: BigInt(this.statements.insertEvents.run(values).lastInsertRowid), globalHash };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const { fromRevision, toRevision, recordedUntil } = validateReadStreamOptions(options);
    await this.turns.yieldIfHeld();
    return this.statements.readStream
      .all({
        streamId: validateStreamId(streamId),
        from: fromRevision,
        to: toRevision ?? null,
        until: recordedUntil?.toISOString() ?? null,
      })
      .map(toRecordedEvent);
  }

  async streamVersion(streamId: string): Promise<number> {
    return this.statements.streamVersion.get(validateStreamId(streamId)) ?? 0;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, limit } = validateReadAllOptions(options);
    await this.turns.yieldIfHeld();
    return this.statements.readAll.all(after, limit).map(toRecordedEvent);
  }

  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    const { after, batchSize } = validateSubscribeOptions(options);
    const signals = [this.closing.signal, ...(options?.signal ? [options.signal] : [])];
    return pollSubscription({
      readAfter: async (position, limit) => this.statements.readAll.all(position, limit).map(toRecordedEvent),
      notifier: this.file.notifier,
      after,
      batchSize,
      signal: AbortSignal.any(signals),
    });
  }

  async headPosition(): Promise<bigint> {
    return this.statements.head.get()!;
  }

  async readAudit(filter: AuditFilter, page: AuditPage): Promise<RecordedEvent[]> {
    const { text, values } = auditQuery(SQLITE_AUDIT_DIALECT, validateAuditQuery(filter, page));
    await this.turns.yieldIfHeld();
    const parameters = Object.fromEntries(values.map((value, index) => [`p${index + 1}`, value]));
    return this.auditStatement(text).all(parameters).map(toRecordedEvent);
  }

  /** Prepared once per query shape (which filters, how many types). */
  private auditStatement(text: string): Database.Statement<Record<string, unknown>, EventRow> {
    let statement = this.auditStatements.get(text);
    if (!statement) {
      if (this.auditStatements.size >= CACHED_AUDIT_QUERIES) this.auditStatements.clear();
      statement = this.database.prepare<Record<string, unknown>, EventRow>(text).safeIntegers(true);
      this.auditStatements.set(text, statement);
    }
    return statement;
  }

  async logHead(): Promise<LogHead> {
    const { position, globalHash } = this.statements.globalHead.get() ?? EMPTY_HEAD;
    return { position, globalHash };
  }

  async saveCheckpoint(checkpoint: LogCheckpoint): Promise<void> {
    await this.file.withLock(async () => {
      this.statements.insertCheckpoint.run(checkpoint.position, checkpoint.globalHash, checkpoint.signedAt, checkpoint.signature);
    });
  }

  async readCheckpoints(): Promise<LogCheckpoint[]> {
    return this.statements.checkpoints.all().map((row) => ({
      position: row.position,
      globalHash: row.global_hash,
      signedAt: row.signed_at,
      signature: row.signature,
    }));
  }

  /**
   * Events after `after` (a projection's lag, a rebuild's total), by subtraction:
   * positions here have no gaps (AUTOINCREMENT, assigned only by appends, a rolled-back
   * append takes its positions back, events are never deleted). Counting rows read
   * the whole table: 0.45 to 0.9 s on a 1M log.
   */
  async countEventsAfter(after: bigint): Promise<number> {
    const head = this.statements.head.get()!;
    return head > after ? Number(head - after) : 0;
  }

  /**
   * Runs `section` while no append (from any store object on this file in this
   * process) is writing. Read-model writers on the same file must wrap their
   * transactions in it: better-sqlite3 blocks the event loop while it waits for
   * a lock, so an append waiting on an open async transaction would never let
   * that transaction finish. Do not append from inside the section.
   */
  withWriteLock<T>(section: () => Promise<T>): Promise<T> {
    return this.file.withLock(() => this.afterCatchUp(section));
  }

  /** Runs a write under the lock once a long WAL has been copied (WalFlush.catchUpIfLong); at once otherwise. */
  private afterCatchUp<T>(write: () => T | Promise<T>): T | Promise<T> {
    const catchingUp = this.walFlush.catchUpIfLong();
    return catchingUp ? catchingUp.then(write) : write();
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    await this.file.withLock(() => this.database.close());
    await this.walFlush.stop();
    this.file.leave();
    await this.ownFiles?.close();
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: JSON.parse(row.data) as JsonObject,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    streamId: row.stream_id,
    revision: Number(row.revision),
    position: row.position,
    recordedAt: row.recorded_at,
    hash: row.hash,
    previousHash: row.previous_hash,
    globalHash: row.global_hash,
  };
}

const EMPTY_HEAD: GlobalHead = { position: 0n, globalHash: '', recordedAt: '' };

/** One prepared statement per size in INSERT_SIZES; runs any number of rows with as few of them as those sizes allow. */
class MultiRowStatement {
  private readonly bySize: Map<number, Database.Statement<unknown[]>>;

  constructor(
    db: Database.Database,
    private readonly width: number,
    text: (values: string) => string,
  ) {
    const row = `(${Array.from({ length: width }, () => '?').join(', ')})`;
    this.bySize = new Map(
      INSERT_SIZES.map((rows) => [rows, db.prepare<unknown[]>(text(Array.from({ length: rows }, () => row).join(', '))).safeIntegers(true)]),
    );
  }

  /** `values` holds the rows one after another, `width` values each; returns the last statement's result. */
  run(values: unknown[]): Database.RunResult {
    const total = values.length / this.width;
    let result: Database.RunResult | undefined;
    for (let from = 0; from < total; ) {
      const rows = INSERT_SIZES.find((size) => size <= total - from)!;
      result = this.bySize.get(rows)!.run(values.slice(from * this.width, (from + rows) * this.width));
      from += rows;
    }
    if (!result) throw new RangeError('no rows to run');
    return result;
  }
}

function isStoredIdError(error: unknown): boolean {
  return error instanceof Database.SqliteError && error.code === 'SQLITE_CONSTRAINT_UNIQUE' && error.message.endsWith('events.id');
}

/**
 * Creates the tables, and upgrades a log written before the global chain in
 * place: adds global_hash, computes it once for every stored event in position
 * order, and writes the head record. Runs inside the opening IMMEDIATE transaction.
 */
function migrate(db: Database.Database): void {
  db.exec(SCHEMA);
  const columns = db.pragma('table_info(events)') as Array<{ name: string }>;
  if (!columns.some((column) => column.name === 'global_hash')) {
    db.exec('alter table events add column global_hash text');
    const batch = db
      .prepare<[bigint, number], { position: bigint; hash: string; recorded_at: string }>(
        'select position, hash, recorded_at from events where position > ? order by position limit ?',
      )
      .safeIntegers(true);
    const update = db.prepare<[string, bigint]>('update events set global_hash = ? where position = ?');
    const head = { ...EMPTY_HEAD };
    for (let rows = batch.all(0n, MIGRATION_BATCH); rows.length > 0; rows = batch.all(head.position, MIGRATION_BATCH)) {
      for (const row of rows) {
        head.globalHash = globalChainHash(head.globalHash, row.hash);
        head.position = row.position;
        if (row.recorded_at > head.recordedAt) head.recordedAt = row.recorded_at;
        update.run(head.globalHash, row.position);
      }
    }
    if (head.position > 0n) {
      db.prepare('insert or replace into log_head (id, position, global_hash, recorded_at) values (1, ?, ?, ?)').run(
        head.position,
        head.globalHash,
        head.recordedAt,
      );
    }
  }
  db.exec(AUDIT_INDEXES);
}
