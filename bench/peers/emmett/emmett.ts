/**
 * Emmett (event-driven-io/emmett), the peer of our event store in
 * bench/peers/store-peers.ts: its documented entry points
 * (getPostgreSQLEventStore, getSQLiteEventStore, appendToStream, readStream)
 * and its whole-log reader (readMessagesBatch, what its processors pull with),
 * with its defaults. Its own package (bench/peers/emmett/package.json):
 * Emmett and Pongo want commander 12 as a peer, the project uses 14. Install it
 * with `npm ci --prefix bench/peers/emmett`; loaded by name at run time, so the
 * project compiles and tests without it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BenchDatabase } from '../../support/backend.js';
import { DATABASE_URL, withClient } from '../../support/backend.js';

/** An event as both stores take it. */
export interface PeerEvent {
  type: string;
  data: object;
  metadata: object;
}

export interface PeerStore {
  readonly name: string;
  /** `expectedVersion`: the stream's version (events in it) before this append; 0 for a new stream. */
  append(streamName: string, events: PeerEvent[], expectedVersion: number): Promise<void>;
  /** The stream's events, decoded; returns how many. */
  readStream(streamName: string): Promise<number>;
  /** Every event in position order in pages of `pageSize`, decoded; returns how many. */
  readAll(pageSize: number): Promise<number>;
  close(): Promise<void>;
}

/** The parts of Emmett used here (its types live in the peer's own node_modules). */
interface EmmettStore {
  appendToStream(streamName: string, events: PeerEvent[], options: { expectedStreamVersion: unknown }): Promise<unknown>;
  readStream(streamName: string): Promise<{ events: unknown[] }>;
}
type Batch = { messages: unknown[]; currentGlobalPosition: bigint; areMessagesLeft?: boolean; areEventsLeft?: boolean };

const load = (name: string): Promise<Record<string, unknown>> =>
  import(name).catch((error: Error) => {
    throw new Error(`${name} is not installed: run npm ci --prefix bench/peers/emmett (${error.message})`);
  });

export async function openEmmett(bench: BenchDatabase): Promise<PeerStore> {
  const core = await load('@event-driven-io/emmett');
  const manifest = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { dependencies: Record<string, string> };
  const version = manifest.dependencies['@event-driven-io/emmett'];
  const expected = (v: number): unknown => (v === 0 ? core.STREAM_DOES_NOT_EXIST : BigInt(v));
  if (bench.backend === 'sqlite') {
    const sqlite = await load('@event-driven-io/emmett-sqlite');
    const fileName = join(dirname(bench.path!), 'emmett', 'events.sqlite');
    mkdirSync(dirname(fileName), { recursive: true });
    // One connection for every call (its pool option): with the default, a connection per call,
    // appends failed now and then with SQLITE_BUSY "cannot commit transaction - SQL statements in
    // progress" (the new connection's journal_mode pragma still running), and it has no close.
    const connection = (sqlite.sqliteConnection as (o: object) => { close(): void })({ fileName });
    const store = (sqlite.getSQLiteEventStore as (o: object) => EmmettStore)({ fileName, connectionOptions: { singleton: true, connection } });
    const readBatch = sqlite.readMessagesBatch as (c: unknown, o: object) => Promise<Batch>;
    return peer(`Emmett ${version} (SQLite)`, store, expected, (after, batchSize) => readBatch(connection, { after, batchSize }), async () => {
      connection.close();
    });
  }
  // Its tables in a schema of their own beside the bench's, dropped with it.
  const schema = `${bench.config.databaseSchema}_emmett`;
  await withClient((client) => client.query(`create schema if not exists "${schema}"`));
  const url = new URL(DATABASE_URL);
  url.searchParams.set('options', `-c search_path=${schema}`);
  const postgres = await load('@event-driven-io/emmett-postgresql');
  const dumbo = await load('@event-driven-io/dumbo');
  const store = (postgres.getPostgreSQLEventStore as (url: string) => EmmettStore & { close(): Promise<void> })(url.href);
  const pool = (dumbo.dumbo as (o: object) => { execute: unknown; close(): Promise<void> })({ connectionString: url.href });
  const readBatch = postgres.readMessagesBatch as (e: unknown, o: object) => Promise<Batch>;
  return peer(`Emmett ${version} (PostgreSQL)`, store, expected, (after, batchSize) => readBatch(pool.execute, { after, batchSize }), async () => {
    await pool.close();
    await store.close();
    await withClient((client) => client.query(`drop schema if exists "${schema}" cascade`));
  });
}

function peer(
  name: string,
  store: EmmettStore,
  expected: (version: number) => unknown,
  readBatch: (after: bigint, batchSize: number) => Promise<Batch>,
  close: () => Promise<void>,
): PeerStore {
  return {
    name,
    append: async (streamName, events, expectedVersion) => {
      await store.appendToStream(streamName, events, { expectedStreamVersion: expected(expectedVersion) });
    },
    readStream: async (streamName) => (await store.readStream(streamName)).events.length,
    readAll: async (pageSize) => {
      let count = 0;
      for (let after = 0n; ; ) {
        const batch = await readBatch(after, pageSize);
        count += batch.messages.length;
        after = batch.currentGlobalPosition;
        if (!(batch.areMessagesLeft ?? batch.areEventsLeft) || batch.messages.length === 0) return count;
      }
    },
    close,
  };
}
