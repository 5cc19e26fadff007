/**
 * For the transparency tests: a log of test events on a real backend, the tree
 * kept by a real ProjectionRunner, and a history rewriter that does what
 * someone holding the database could: edit the events, then recompute every
 * stream chain, the global chain, the stream heads and the head record, so
 * every hash chain verifies again.
 */
import { eventHash, globalChainHash } from '../../../src/eventstore/hashing.js';
import { PostgresEventStore } from '../../../src/eventstore/postgres.js';
import { SqliteEventStore } from '../../../src/eventstore/sqlite.js';
import type { RecordedEvent } from '../../../src/eventstore/types.js';
import { ProjectionRunner } from '../../../src/projections/runner.js';
import { createTransparencyProjection } from '../../../src/transparency/projection.js';
import type { Backend } from '../../projections/fixtures/backends.js';
import { testEvent } from '../../projections/fixtures/projections.js';

export const silent = { info() {}, warn() {}, error() {} };

/** Appends `count` events over 7 streams, a few per append; returns the head position. */
export async function appendEvents(backend: Backend, count: number, tag = 'e'): Promise<bigint> {
  let head = 0n;
  for (let done = 0; done < count; ) {
    const n = Math.min(count - done, 1 + (done % 5));
    const events = Array.from({ length: n }, (_, i) => testEvent('Tick', { tag, n: done + i }));
    head = (await backend.store.append(`${tag}-stream-${done % 7}`, events)).position;
    done += n;
  }
  return head;
}

/** Runs the tree projection until it has taken the whole log. */
export async function projectTree(backend: Backend): Promise<void> {
  const runner = new ProjectionRunner({
    store: backend.store,
    db: backend.read.db,
    dialect: backend.dialect,
    writeLock: backend.writeLock,
    projections: [createTransparencyProjection()],
    logger: silent,
    batchSize: 97, // batches end mid-tile
  });
  await runner.start();
  try {
    await runner.waitFor(await backend.store.headPosition(), 30_000);
  } finally {
    await runner.stop();
  }
}

export async function allEvents(backend: Backend): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for (let after = 0n; ; ) {
    const page = await backend.store.readAll({ after, limit: 1_000 });
    if (page.length === 0) return events;
    events.push(...page);
    after = page[page.length - 1].position;
  }
}

type Exec = (text: string, params?: unknown[]) => Promise<void>;

function execOf(backend: Backend): Exec {
  const store = backend.store;
  if (store instanceof SqliteEventStore) {
    return async (text, params = []) => void store.database.prepare(text.replace(/\$\d+/g, '?').replace(/\{(\w+)\}/g, '$1')).run(...params);
  }
  if (store instanceof PostgresEventStore) {
    return async (text, params = []) => void (await store.pool.query(text.replace(/\{(\w+)\}/g, `"${store.schema}".$1`), params));
  }
  throw new Error('A SQL backend is needed');
}

/** Rewrites the log as `edit` says, with every chain recomputed so that it verifies. */
export async function rewriteHistory(backend: Backend, edit: (events: RecordedEvent[]) => RecordedEvent[]): Promise<void> {
  const edited = edit((await allEvents(backend)).map((event) => ({ ...event })));
  const streams = new Map<string, { version: number; lastHash: string }>();
  let global = '';
  edited.forEach((event, index) => {
    const stream = streams.get(event.streamId);
    event.position = BigInt(index + 1);
    event.revision = stream?.version ?? 0;
    event.previousHash = stream?.lastHash ?? null;
    event.hash = eventHash(event.previousHash, event);
    global = globalChainHash(global, event.hash);
    event.globalHash = global;
    streams.set(event.streamId, { version: event.revision + 1, lastHash: event.hash });
  });
  const exec = execOf(backend);
  const overriding = backend.dialect === 'postgres' ? ' overriding system value' : '';
  await exec('delete from {events}');
  await exec('delete from {streams}');
  for (const e of edited) {
    await exec(
      `insert into {events} (position, id, stream_id, revision, type, data, metadata, recorded_at, previous_hash, hash, global_hash)${overriding} values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
      [e.position.toString(), e.id, e.streamId, e.revision, e.type, JSON.stringify(e.data), JSON.stringify(e.metadata), e.recordedAt, e.previousHash, e.hash, e.globalHash],
    );
  }
  for (const [streamId, { version, lastHash }] of streams) await exec('insert into {streams} (stream_id, version, last_hash) values ($1, $2, $3)', [streamId, version, lastHash]);
  const last = edited[edited.length - 1];
  await exec('update {log_head} set position = $1, global_hash = $2', [last.position.toString(), last.globalHash]);
}

/** Runs SQL on the read store directly (the tree's and checkpoints' tables). */
export async function readStoreSql(backend: Backend, text: string): Promise<void> {
  const { sql } = await import('kysely');
  await backend.writeLock(() => sql.raw(text).execute(backend.read.db));
}
