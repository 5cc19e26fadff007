/**
 * The embedded default: the whole log in one SQLite file (WAL). better-sqlite3 is
 * synchronous, so an append is one short IMMEDIATE transaction that never waits
 * on the event loop; other processes on the same file queue on busy_timeout.
 */
import { realpathSync } from 'node:fs';
import Database from 'better-sqlite3';
import { AsyncMutex } from './async-mutex.js';
import { chainEvents, checkExpectedVersion, earlierAppendResult } from './append-rules.js';
import { AppendNotifier, pollSubscription } from './subscription.js';
import type {
  AppendOptions,
  AppendResult,
  EventMetadata,
  EventStore,
  ExpectedVersion,
  JsonObject,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  SubscriptionItem,
} from './types.js';
import {
  validateAppend,
  validateReadAllOptions,
  validateReadStreamOptions,
  validateStreamId,
  validateSubscribeOptions,
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
    unique (stream_id, revision)
  ) strict;
  create table if not exists streams (
    stream_id text primary key,
    version integer not null,
    last_hash text not null
  ) strict, without rowid;
`;

const EVENT_COLUMNS = 'position, id, stream_id, revision, type, data, metadata, recorded_at, previous_hash, hash';

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
}

/**
 * Per database file in this process, shared by every store object on it: one
 * async mutex (with withWriteLock callers, so no two writers on the file overlap
 * here) and one notifier (an append through any of them wakes all subscribers).
 */
const openFiles = new Map<string, { lock: AsyncMutex; notifier: AppendNotifier; users: number }>();

export class SqliteEventStore implements EventStore {
  readonly backend = 'sqlite';
  readonly database: Database.Database;
  readonly path: string;
  private readonly fileKey: string;
  private readonly lock: AsyncMutex;
  private readonly notifier: AppendNotifier;
  private readonly closing = new AbortController();
  private readonly statements;
  private readonly appendTransaction;

  constructor(path: string) {
    this.path = path;
    this.database = new Database(path);
    this.database.pragma(`busy_timeout = ${BUSY_TIMEOUT_MS}`);
    this.database.pragma('journal_mode = WAL');
    this.database.pragma('synchronous = NORMAL');
    // Erased personal data in read models sharing this file must not linger in free pages.
    this.database.pragma('secure_delete = ON');
    this.database.transaction(() => this.database.exec(SCHEMA)).immediate();

    this.fileKey = realpathSync(path);
    const file = openFiles.get(this.fileKey) ?? { lock: new AsyncMutex(), notifier: new AppendNotifier(), users: 0 };
    file.users += 1;
    openFiles.set(this.fileKey, file);
    this.lock = file.lock;
    this.notifier = file.notifier;

    const db = this.database;
    this.statements = {
      storedIds: db
        .prepare<[string], { id: string; stream_id: string; revision: bigint; position: bigint }>(
          'select id, stream_id, revision, position from events where id in (select value from json_each(?))',
        )
        .safeIntegers(true),
      streamHead: db.prepare<[string], { version: number; last_hash: string }>(
        'select version, last_hash from streams where stream_id = ?',
      ),
      insertEvent: db
        .prepare(
          `insert into events (id, stream_id, revision, type, data, metadata, recorded_at, previous_hash, hash)
           values (@id, @streamId, @revision, @type, @data, @metadata, @recordedAt, @previousHash, @hash)`,
        )
        .safeIntegers(true),
      saveStreamHead: db.prepare<[string, number, string]>(
        `insert into streams (stream_id, version, last_hash) values (?, ?, ?)
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
      countAfter: db.prepare<[bigint], number>('select count(*) from events where position > ?').pluck(),
      head: db.prepare<[], bigint>('select coalesce(max(position), 0) from events').pluck().safeIntegers(true),
      streamVersion: db.prepare<[string], number>('select version from streams where stream_id = ?').pluck(),
    };
    this.appendTransaction = db.transaction(this.appendNow.bind(this));
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const input = validateAppend(streamId, events, options);
    const { result, appended } = await this.lock.run(() =>
      // IMMEDIATE takes the file's write lock up front: a deferred read-then-write
      // transaction could fail with SQLITE_BUSY instead of waiting its turn.
      this.appendTransaction.immediate(input.streamId, input.events, input.expectedVersion),
    );
    if (appended) this.notifier.notify();
    return result;
  }

  private appendNow(
    streamId: string,
    events: NewEvent[],
    expectedVersion: ExpectedVersion,
  ): { result: AppendResult; appended: boolean } {
    const stored = this.statements.storedIds.all(JSON.stringify(events.map((event) => event.id)));
    const earlier = earlierAppendResult(
      streamId,
      events,
      stored.map((row) => ({ id: row.id, streamId: row.stream_id, revision: Number(row.revision), position: row.position })),
    );
    if (earlier) return { result: earlier, appended: false };

    const row = this.statements.streamHead.get(streamId);
    const head = { version: row?.version ?? 0, lastHash: row?.last_hash ?? null };
    checkExpectedVersion(streamId, expectedVersion, head.version);

    const records = chainEvents(streamId, head, new Date().toISOString(), events);
    let position = 0n;
    for (const record of records) {
      const info = this.statements.insertEvent.run({
        ...record,
        data: JSON.stringify(record.data),
        metadata: JSON.stringify(record.metadata),
      });
      position = BigInt(info.lastInsertRowid);
    }
    const last = records[records.length - 1];
    this.statements.saveStreamHead.run(streamId, last.revision + 1, last.hash);
    return { result: { nextVersion: last.revision + 1, position }, appended: true };
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const { fromRevision, toRevision, recordedUntil } = validateReadStreamOptions(options);
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
    return this.statements.readAll.all(after, limit).map(toRecordedEvent);
  }

  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    const { after, batchSize } = validateSubscribeOptions(options);
    const signals = [this.closing.signal, ...(options?.signal ? [options.signal] : [])];
    return pollSubscription({
      readAfter: async (position, limit) => this.statements.readAll.all(position, limit).map(toRecordedEvent),
      notifier: this.notifier,
      after,
      batchSize,
      signal: AbortSignal.any(signals),
    });
  }

  async headPosition(): Promise<bigint> {
    return this.statements.head.get()!;
  }

  /** Events after `after` (a projection's lag), counted on the primary key index. */
  async countEventsAfter(after: bigint): Promise<number> {
    return this.statements.countAfter.get(after)!;
  }

  /**
   * Runs `section` while no append (from any store object on this file in this
   * process) is writing. Read-model writers on the same file must wrap their
   * transactions in it: better-sqlite3 blocks the event loop while it waits for
   * a lock, so an append waiting on an open async transaction would never let
   * that transaction finish. Do not append from inside the section.
   */
  withWriteLock<T>(section: () => Promise<T>): Promise<T> {
    return this.lock.run(section);
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    await this.lock.run(() => this.database.close());
    const file = openFiles.get(this.fileKey);
    if (file && --file.users === 0) openFiles.delete(this.fileKey);
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
  };
}
