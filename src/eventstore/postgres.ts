/**
 * The log in PostgreSQL, for several API servers side by side. Two rules keep a
 * subscriber from ever skipping an event (docs/eventstore.md, "PostgreSQL ordering"):
 * appends take one transaction-scoped advisory lock before drawing positions, so
 * positions commit in order; and readers only hand out rows whose transaction id
 * is below the oldest transaction still running.
 */
import pg from 'pg';
import { earlierAppendResult, type StoredEventId } from './append-rules.js';
import { validateAuditQuery } from './audit.js';
import { auditQuery, type AuditSqlDialect } from './audit-query.js';
import { globalChainHash } from './hashing.js';
import { ConfigurationError, InvalidEventStoreInputError, WrongExpectedVersionError } from './errors.js';
import { AppendNotifier, pollSubscription } from './subscription.js';
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
  StreamReadRequest,
  StreamVersionCheck,
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

/** Lower-case SQL identifier, short enough to fit in a NOTIFY channel name. */
/** Schema names usable for events, read models and keys alike. */
export const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,47}$/;
const UNIQUE_VIOLATION = '23505';

const EVENT_COLUMNS = 'position, id, stream_id, revision, type, data, metadata, recorded_at, previous_hash, hash, global_hash';
const MIGRATION_BATCH = 10_000;
/** How soon a lost LISTEN connection is opened again. */
const LISTEN_RETRY_MS = 1_000;

/**
 * The append as one server-side function, so an append is one round trip and
 * the append lock is held only for the function and its commit. Under the lock:
 * ids already stored come back as 'stored' rows (the caller decides: repeat or
 * duplicate) and nothing is written; a stream not at its expected version comes
 * back as one 'version' row; otherwise every event gets its revision, recordedAt
 * (the database clock in milliseconds, never before the log head's), its stream
 * hash and its global hash, and one 'appended' row per stream carries its new
 * version and last position. The stream hash is sha256 over the text
 * hashing.ts's hashedText builds, from the canonical JSON the caller sends.
 * Arguments: lock name, NOTIFY channel, per stream (id, id as JSON, expected
 * version as text), per event (its stream's 1-based index, id, type, type as
 * JSON, data and metadata as canonical JSON); then the streams that must still
 * be at a version (appendBatchIfUnchanged), a mismatch coming back as a
 * 'version' row with a negative index.
 *
 * Generic plans: with custom ones (the default) PostgreSQL planned the
 * statements that take the arrays again on every call, about 100 of a 450 µs
 * call; their plans are index lookups whatever the arrays' length. Reads and
 * writes are one statement each, as each statement costs its own executor run.
 * The NOTIFY carries no payload: listeners only wake and read.
 */
const APPEND_FUNCTION = (schema: string) => `
  create or replace function "${schema}".acredita_append(
    p_lock text, p_channel text, p_streams text[], p_stream_jsons text[], p_expected text[],
    p_item int[], p_ids text[], p_types text[], p_type_jsons text[], p_data text[], p_metadata text[],
    p_unchanged text[], p_unchanged_versions int[])
  returns table (outcome text, r_item int, r_id text, r_stream_id text, r_revision int, r_position bigint)
  language plpgsql
  set plan_cache_mode = force_generic_plan
  as $fn$
  declare
    v_stored boolean;
    v_versions int[];
    v_hashes text[];
    v_global text;
    v_head_recorded timestamptz;
    v_recorded timestamptz;
    v_recorded_text text;
    v_revisions int[] := '{}';
    v_previous text[] := '{}';
    v_event_hashes text[] := '{}';
    v_global_hashes text[] := '{}';
    v_stream int;
    v_hash text;
  begin
    perform pg_advisory_xact_lock(hashtextextended(p_lock, 0));
    select exists (select 1 from "${schema}".events e where e.id = any(p_ids::uuid[])),
           array_agg(coalesce(s.version, 0) order by t.n), array_agg(s.last_hash order by t.n),
           (select h.global_hash from "${schema}".log_head h where h.id = 1),
           (select h.recorded_at from "${schema}".log_head h where h.id = 1)
      into v_stored, v_versions, v_hashes, v_global, v_head_recorded
      from unnest(p_streams) with ordinality as t(sid, n) left join "${schema}".streams s on s.stream_id = t.sid;
    if v_stored then
      return query
        select 'stored'::text, null::int, e.id::text, e.stream_id, e.revision, e.position
        from "${schema}".events e where e.id = any(p_ids::uuid[]);
      return;
    end if;
    for i in 1 .. array_length(p_streams, 1) loop
      if not (p_expected[i] = 'any' or (p_expected[i] = 'no_stream' and v_versions[i] = 0)
              or (p_expected[i] = 'exists' and v_versions[i] > 0) or p_expected[i] = v_versions[i]::text) then
        return query select 'version'::text, i, null::text, p_streams[i], v_versions[i], null::bigint;
        return;
      end if;
    end loop;
    if cardinality(p_unchanged) > 0 then
      return query
        select 'version'::text, -u.n::int, null::text, u.sid, coalesce(s.version, 0), null::bigint
        from unnest(p_unchanged, p_unchanged_versions) with ordinality as u(sid, expected, n)
          left join "${schema}".streams s on s.stream_id = u.sid
        where coalesce(s.version, 0) <> u.expected
        limit 1;
      if found then return; end if;
    end if;

    v_global := coalesce(v_global, '');
    v_recorded := greatest(date_trunc('milliseconds', clock_timestamp()), v_head_recorded);
    v_recorded_text := to_char(v_recorded at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
    for e in 1 .. array_length(p_ids, 1) loop
      v_stream := p_item[e];
      v_hash := encode(sha256(convert_to(coalesce(v_hashes[v_stream], '')
        || '{"data":' || p_data[e] || ',"id":"' || p_ids[e] || '","metadata":' || p_metadata[e]
        || ',"recordedAt":"' || v_recorded_text || '","revision":' || v_versions[v_stream]
        || ',"streamId":' || p_stream_jsons[v_stream] || ',"type":' || p_type_jsons[e] || '}', 'UTF8')), 'hex');
      v_global := encode(sha256(convert_to(v_global || v_hash, 'UTF8')), 'hex');
      v_revisions[e] := v_versions[v_stream];
      v_previous[e] := v_hashes[v_stream];
      v_event_hashes[e] := v_hash;
      v_global_hashes[e] := v_global;
      v_versions[v_stream] := v_versions[v_stream] + 1;
      v_hashes[v_stream] := v_hash;
    end loop;

    return query
      with inserted as (
        insert into "${schema}".events (id, stream_id, revision, type, data, metadata, recorded_at, previous_hash, hash, global_hash)
        select u.id::uuid, p_streams[u.item], u.revision, u.type, u.data::jsonb, u.metadata::jsonb, v_recorded,
               u.previous_hash, u.hash, u.global_hash
        from unnest(p_ids, p_item, v_revisions, p_types, p_data, p_metadata, v_previous, v_event_hashes, v_global_hashes)
          with ordinality as u(id, item, revision, type, data, metadata, previous_hash, hash, global_hash, n)
        order by u.n
        returning stream_id, position
      ), done as (
        select i.stream_id, max(i.position) as last from inserted i group by i.stream_id
      ), streams_saved as (
        insert into "${schema}".streams (stream_id, version, last_hash)
        select * from unnest(p_streams, v_versions, v_hashes)
        on conflict (stream_id) do update set version = excluded.version, last_hash = excluded.last_hash
      ), head_saved as (
        insert into "${schema}".log_head (id, position, global_hash, recorded_at)
        select 1, max(d.last), v_global, v_recorded from done d
        on conflict (id) do update
          set position = excluded.position, global_hash = excluded.global_hash, recorded_at = excluded.recorded_at
      )
      select 'appended'::text, t.n::int, null::text, t.sid, v_versions[t.n], d.last
      from unnest(p_streams) with ordinality as t(sid, n) join done d on d.stream_id = t.sid;
    perform pg_notify(p_channel, '');
  end
  $fn$`;

interface EventRow {
  position: string;
  id: string;
  stream_id: string;
  revision: number;
  type: string;
  data: JsonObject;
  metadata: EventMetadata;
  recorded_at: Date;
  previous_hash: string | null;
  hash: string;
  global_hash: string | null;
}

export interface PostgresEventStoreOptions {
  /** Schema holding the tables (default `public`); created when missing. */
  schema?: string;
}

export class PostgresEventStore implements EventStore {
  readonly backend = 'postgres';
  private readonly notifier = new AppendNotifier();
  private readonly closing = new AbortController();
  private listener: pg.Client | null = null;
  private readonly channel: string;
  private readonly lockName: string;
  private readonly events: string;
  private readonly streams: string;
  private readonly head: string;
  private readonly checkpoints: string;
  private readonly auditDialect: AuditSqlDialect;

  private constructor(
    private readonly connectionString: string,
    readonly pool: pg.Pool,
    readonly schema: string,
  ) {
    this.channel = `acredita_events_${schema}`;
    this.lockName = `acredita-eventstore:${schema}`;
    this.events = `"${schema}".events`;
    this.streams = `"${schema}".streams`;
    this.head = `"${schema}".log_head`;
    this.checkpoints = `"${schema}".log_checkpoints`;
    this.auditDialect = {
      table: this.events,
      columns: EVENT_COLUMNS,
      param: (n) => `$${n}`,
      actor: "(metadata->>'actor')",
      // Not indexable on purpose: the position range from the two seeks drives the scan, never a sort of the window.
      recordedAtFilter: "(recorded_at + interval '0 seconds')",
      greatest: (a, b) => `greatest(${a}::bigint, ${b})`,
      position: (value) => value.toString(),
      time: (value) => value,
      extraCondition: (bind) => this.settledRows(bind(this.lockName)),
    };
  }

  /** Connects and creates the schema and tables when missing (safe to run from several processes at once). */
  static async connect(connectionString: string, options: PostgresEventStoreOptions = {}): Promise<PostgresEventStore> {
    const schema = options.schema ?? 'public';
    if (!SCHEMA_NAME.test(schema)) {
      throw new ConfigurationError([
        `EVENT_STORE_SCHEMA: "${schema}" is not usable: use lower-case letters, digits and _, starting with a letter or _, at most 48 characters`,
      ]);
    }
    const pool = new pg.Pool({ connectionString });
    // An idle pooled connection that dies (server restart) is dropped by the pool; the next query reconnects.
    pool.on('error', () => {});
    // One that dies while checked out, between two queries of a transaction, emits 'error' on the
    // client (the pool listens only while it is idle): unhandled, that would crash the process.
    // The next query on it fails instead, and release() drops it.
    pool.on('connect', (client) => client.on('error', () => {}));
    const store = new PostgresEventStore(connectionString, pool, schema);
    try {
      await store.migrate();
    } catch (error) {
      await pool.end();
      throw error;
    }
    return store;
  }

  private async migrate(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(`select pg_advisory_xact_lock(hashtextextended($1, 0))`, [`${this.lockName}:migrate`]);
      await client.query(`create schema if not exists "${this.schema}"`);
      await client.query(`
        create table if not exists ${this.events} (
          position bigint generated always as identity primary key,
          id uuid not null unique,
          stream_id text not null,
          revision integer not null check (revision >= 0),
          type text not null,
          data jsonb not null,
          metadata jsonb not null,
          recorded_at timestamptz not null,
          previous_hash text,
          hash text not null,
          transaction_id xid8 not null default pg_current_xact_id(),
          global_hash text,
          unique (stream_id, revision)
        )`);
      await client.query(`
        create table if not exists ${this.streams} (
          stream_id text primary key,
          version integer not null,
          last_hash text not null
        )`);
      await client.query(`
        create table if not exists ${this.head} (
          id integer primary key check (id = 1),
          position bigint not null,
          global_hash text not null,
          recorded_at timestamptz not null
        )`);
      await client.query(`
        create table if not exists ${this.checkpoints} (
          id bigint generated always as identity primary key,
          position bigint not null,
          global_hash text not null,
          signed_at timestamptz not null,
          signature text not null
        )`);
      const { rows } = await client.query(
        `select 1 from information_schema.columns where table_schema = $1 and table_name = 'events' and column_name = 'global_hash'`,
        [this.schema],
      );
      if (rows.length === 0) await this.addGlobalChain(client);
      // The audit indexes (readAudit): each ends in position, so a filter pages on it.
      await client.query(`create index if not exists events_by_stream on ${this.events} (stream_id, position)`);
      await client.query(`create index if not exists events_by_type on ${this.events} (type, position)`);
      await client.query(`create index if not exists events_by_actor on ${this.events} ((metadata->>'actor'), position)`);
      await client.query(`create index if not exists events_by_recorded_at on ${this.events} (recorded_at, position)`);
      await client.query(APPEND_FUNCTION(this.schema));
    });
  }

  /**
   * Upgrades a log written before the global chain in place: adds global_hash and
   * computes it once for every stored event in position order, holding the append
   * lock so no append interleaves, then writes the head record.
   */
  private async addGlobalChain(client: pg.PoolClient): Promise<void> {
    await client.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [this.lockName]);
    await client.query(`alter table ${this.events} add column global_hash text`);
    let position = '0';
    let globalHash = '';
    let recordedAt: Date | null = null;
    for (;;) {
      const { rows } = await client.query<{ position: string; hash: string; recorded_at: Date }>(
        `select position::text as position, hash, recorded_at from ${this.events} where position > $1 order by events.position limit $2`,
        [position, MIGRATION_BATCH],
      );
      if (rows.length === 0) break;
      const hashes = rows.map((row) => (globalHash = globalChainHash(globalHash, row.hash)));
      for (const row of rows) if (recordedAt === null || row.recorded_at > recordedAt) recordedAt = row.recorded_at;
      await client.query(
        `update ${this.events} e set global_hash = v.global_hash
         from unnest($1::bigint[], $2::text[]) as v(position, global_hash) where e.position = v.position`,
        [rows.map((row) => row.position), hashes],
      );
      position = rows[rows.length - 1].position;
    }
    if (recordedAt !== null) {
      await client.query(`insert into ${this.head} (id, position, global_hash, recorded_at) values (1, $1, $2, $3)`, [
        position,
        globalHash,
        recordedAt,
      ]);
    }
  }

  async append(streamId: string, events: NewEvent[], options?: AppendOptions): Promise<AppendResult> {
    const [result] = await this.write([validateAppend(streamId, events, options)]);
    return result;
  }

  async appendBatch(items: AppendBatchItem[]): Promise<AppendResult[]> {
    return this.write(validateAppendBatch(items));
  }

  async appendBatchIfUnchanged(items: AppendBatchItem[], unchanged: StreamVersionCheck[]): Promise<AppendResult[]> {
    const checks = unchanged.map(({ streamId, version }) => {
      if (!Number.isSafeInteger(version) || version < 0) throw new InvalidEventStoreInputError('version must be a non-negative integer');
      return { streamId: validateStreamId(streamId), version };
    });
    return this.write(validateAppendBatch(items), checks);
  }

  /**
   * Calls the append function until every append is settled: an append whose
   * ids are stored already gets its earlier result (or DuplicateEventIdError)
   * and the rest go again, without it.
   */
  private async write(appends: ValidAppend[], unchanged: StreamVersionCheck[] = []): Promise<AppendResult[]> {
    const results: AppendResult[] = [];
    let pending = appends.map((_, index) => index);
    let appended = false;
    while (pending.length > 0) {
      const outcome = await this.appendFunction(pending.map((index) => appends[index]), unchanged);
      if (outcome.kind === 'appended') {
        outcome.results.forEach((result, k) => (results[pending[k]] = result));
        appended = true;
        break;
      }
      pending = pending.filter((index) => {
        const { streamId, events } = appends[index];
        const ids = new Set(events.map((event) => event.id));
        const earlier = earlierAppendResult(streamId, events, outcome.stored.filter((row) => ids.has(row.id)));
        if (earlier) results[index] = earlier;
        return earlier === null;
      });
    }
    if (appended) this.notifier.notify();
    return results;
  }

  private async appendFunction(
    appends: ValidAppend[],
    unchanged: StreamVersionCheck[],
  ): Promise<{ kind: 'appended'; results: AppendResult[] } | { kind: 'stored'; stored: StoredEventId[] }> {
    const events = appends.flatMap((append, index) => append.events.map((event) => ({ ...event, item: index + 1 })));
    let rows;
    try {
      ({ rows } = await this.pool.query<{ outcome: string; item: number | null; id: string | null; stream_id: string; revision: number; position: string | null }>({
        // Named: each connection parses and plans the call once.
        name: `acredita_append:${this.schema}`,
        text: `select outcome, r_item as item, r_id as id, r_stream_id as stream_id, r_revision as revision, r_position::text as position
         from "${this.schema}".acredita_append($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
        values: [
          this.lockName,
          this.channel,
          appends.map((append) => append.streamId),
          appends.map((append) => JSON.stringify(append.streamId)),
          appends.map((append) => String(append.expectedVersion)),
          events.map((event) => event.item),
          events.map((event) => event.id),
          events.map((event) => event.type),
          events.map((event) => JSON.stringify(event.type)),
          events.map((event) => event.dataJson),
          events.map((event) => event.metadataJson),
          unchanged.map((check) => check.streamId),
          unchanged.map((check) => check.version),
        ],
      }));
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
      // Another append stored some of these ids between the function's check and its insert
      // (only possible for a writer that skips the lock): decide again on what is stored now.
      const stored = await this.storedIds(events.map((event) => event.id));
      if (stored.length === 0) throw error;
      return { kind: 'stored', stored };
    }
    if (rows[0].outcome === 'version') {
      const { item, revision } = rows[0];
      if (item! < 0) {
        const check = unchanged[-item! - 1];
        throw new WrongExpectedVersionError(check.streamId, check.version, revision);
      }
      const append = appends[item! - 1];
      throw new WrongExpectedVersionError(append.streamId, append.expectedVersion, revision);
    }
    if (rows[0].outcome === 'stored') {
      return {
        kind: 'stored',
        stored: rows.map((row) => ({ id: row.id!, streamId: row.stream_id, revision: row.revision, position: BigInt(row.position!) })),
      };
    }
    const results: AppendResult[] = [];
    for (const row of rows) results[row.item! - 1] = { nextVersion: row.revision, position: BigInt(row.position!) };
    return { kind: 'appended', results };
  }

  private async storedIds(ids: string[]): Promise<StoredEventId[]> {
    const { rows } = await this.pool.query<{ id: string; stream_id: string; revision: number; position: string }>(
      `select id, stream_id, revision, position from ${this.events} where id = any($1::uuid[])`,
      [ids],
    );
    return rows.map((row) => ({ id: row.id, streamId: row.stream_id, revision: row.revision, position: BigInt(row.position) }));
  }

  async readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]> {
    const { fromRevision, toRevision, recordedUntil } = validateReadStreamOptions(options);
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from ${this.events}
       where stream_id = $1 and revision >= $2
         and ($3::int is null or revision <= $3) and ($4::timestamptz is null or recorded_at <= $4)
       order by revision`,
      [validateStreamId(streamId), fromRevision, toRevision ?? null, recordedUntil ?? null],
    );
    return rows.map(toRecordedEvent);
  }

  /** One query for every stream asked, each read on the (stream_id, revision) index. */
  async readStreams(requests: StreamReadRequest[]): Promise<RecordedEvent[][]> {
    const valid = requests.map(({ streamId, fromRevision }) => ({
      streamId: validateStreamId(streamId),
      fromRevision: validateReadStreamOptions({ fromRevision }).fromRevision,
    }));
    const results = valid.map((): RecordedEvent[] => []);
    if (valid.length === 0) return results;
    // A lateral subquery with its own order, so it is not flattened into a join that
    // the planner may turn into a scan of the whole table for a long list of streams.
    const { rows } = await this.pool.query<EventRow & { n: string }>(
      `select r.n, e.*
       from unnest($1::text[], $2::int[]) with ordinality as r(sid, from_revision, n)
         cross join lateral (
           select ${EVENT_COLUMNS} from ${this.events} where stream_id = r.sid and revision >= r.from_revision order by revision
         ) e
       order by r.n, e.revision`,
      [valid.map((request) => request.streamId), valid.map((request) => request.fromRevision)],
    );
    for (const row of rows) results[Number(row.n) - 1].push(toRecordedEvent(row));
    return results;
  }

  async streamVersion(streamId: string): Promise<number> {
    const { rows } = await this.pool.query<{ version: number }>(`select version from ${this.streams} where stream_id = $1`, [
      validateStreamId(streamId),
    ]);
    return rows[0]?.version ?? 0;
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    const { after, limit } = validateReadAllOptions(options);
    return this.readAfter(after, limit);
  }

  /**
   * Only rows of transactions older than every transaction still running
   * (nothing can commit before them any more), or every committed row while no
   * append holds the append lock. The horizon is cluster-wide, so without the
   * second clause any long transaction anywhere (a read-model rebuild, a psql
   * session) would hold back every reader; appends are serialised by that lock,
   * so with none in flight no lower position can still commit.
   */
  private async readAfter(after: bigint, limit: number): Promise<RecordedEvent[]> {
    const { rows } = await this.pool.query<EventRow>(
      `select ${EVENT_COLUMNS} from ${this.events}
       where position > $1 and ${this.settledRows('$3')}
       order by position limit $2`,
      [after.toString(), limit, this.lockName],
    );
    return rows.map(toRecordedEvent);
  }

  /** The rule above as a condition; `lockName` is the parameter holding this.lockName. */
  private settledRows(lockName: string): string {
    return `(transaction_id < pg_snapshot_xmin(pg_current_snapshot())
              or not exists (
                select 1 from pg_locks l, (select hashtextextended(${lockName}, 0) as key) k
                where l.locktype = 'advisory' and l.database = (select oid from pg_database where datname = current_database())
                  and l.classid = ((k.key >> 32) & 4294967295)::bigint::oid and l.objid = (k.key & 4294967295)::bigint::oid
                  and l.objsubid = 1))`;
  }

  /** Same settled-rows rule as readAll, so an auditor paging by cursor never skips an event. */
  async readAudit(filter: AuditFilter, page: AuditPage): Promise<RecordedEvent[]> {
    const { text, values } = auditQuery(this.auditDialect, validateAuditQuery(filter, page));
    const { rows } = await this.pool.query<EventRow>(text, values);
    return rows.map(toRecordedEvent);
  }

  async logHead(): Promise<LogHead> {
    const { rows } = await this.pool.query<{ position: string; global_hash: string }>(
      `select position::text as position, global_hash from ${this.head} where id = 1`,
    );
    return rows[0] ? { position: BigInt(rows[0].position), globalHash: rows[0].global_hash } : { position: 0n, globalHash: '' };
  }

  async saveCheckpoint(checkpoint: LogCheckpoint): Promise<void> {
    await this.pool.query(`insert into ${this.checkpoints} (position, global_hash, signed_at, signature) values ($1, $2, $3, $4)`, [
      checkpoint.position.toString(),
      checkpoint.globalHash,
      checkpoint.signedAt,
      checkpoint.signature,
    ]);
  }

  async readCheckpoints(): Promise<LogCheckpoint[]> {
    const { rows } = await this.pool.query<{ position: string; global_hash: string; signed_at: Date; signature: string }>(
      `select position::text as position, global_hash, signed_at, signature from ${this.checkpoints} order by id`,
    );
    return rows.map((row) => ({
      position: BigInt(row.position),
      globalHash: row.global_hash,
      signedAt: row.signed_at.toISOString(),
      signature: row.signature,
    }));
  }

  subscribe(options?: SubscribeOptions): AsyncIterable<SubscriptionItem> {
    const { after, batchSize } = validateSubscribeOptions(options);
    const signals = [this.closing.signal, ...(options?.signal ? [options.signal] : [])];
    const listening = this.listen();
    const readAfter = async (position: bigint, limit: number) => {
      await listening;
      return this.readAfter(position, limit);
    };
    return pollSubscription({ readAfter, notifier: this.notifier, after, batchSize, signal: AbortSignal.any(signals) });
  }

  /**
   * LISTEN for appends made by other processes so subscribers wake at once; if
   * that connection fails, subscribers still poll, and it is opened again after
   * LISTEN_RETRY_MS (the database restarted or ended our session).
   */
  private async listen(): Promise<void> {
    if (this.listener || this.closing.signal.aborted) return;
    const client = new pg.Client({ connectionString: this.connectionString });
    this.listener = client;
    const dropListener = () => {
      if (this.listener !== client) return;
      this.listener = null;
      client.end().catch(() => {});
      if (!this.closing.signal.aborted) setTimeout(() => void this.listen(), LISTEN_RETRY_MS).unref();
    };
    client.on('error', dropListener);
    client.on('end', dropListener);
    client.on('notification', () => this.notifier.notify());
    try {
      await client.connect();
      await client.query(`listen "${this.channel}"`);
    } catch {
      dropListener();
    }
  }

  async headPosition(): Promise<bigint> {
    const { rows } = await this.pool.query<{ head: string }>(`select coalesce(max(position), 0)::text as head from ${this.events}`);
    return BigInt(rows[0].head);
  }

  /** Events after `after` (a projection's lag), counted on the primary key index. */
  async countEventsAfter(after: bigint): Promise<number> {
    const { rows } = await this.pool.query<{ count: number }>(
      `select count(*)::int as count from ${this.events} where position > $1`,
      [after.toString()],
    );
    return rows[0].count;
  }

  async close(): Promise<void> {
    if (this.closing.signal.aborted) return;
    this.closing.abort();
    const listener = this.listener;
    this.listener = null;
    await Promise.all([listener?.end().catch(() => {}), this.pool.end()]);
  }

  private async transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const result = await work(client);
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    id: row.id,
    type: row.type,
    data: row.data,
    metadata: row.metadata,
    streamId: row.stream_id,
    revision: row.revision,
    position: BigInt(row.position),
    recordedAt: row.recorded_at.toISOString(),
    hash: row.hash,
    previousHash: row.previous_hash,
    globalHash: row.global_hash,
  };
}
