import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/eventstore/postgres.js';
import { postgresTestSchema } from '../support/postgres.js';
import { describeEventStoreContract } from './contract.js';
import { newEvent } from './support/events.js';

const PARKED = 2_000_000_000;

// Probe once: null means unreachable outside CI (already warned), so the suite is skipped.
const probe = await postgresTestSchema();
await probe?.drop();

describe.skipIf(probe === null)('PostgreSQL event store', () => {
  describeEventStoreContract('postgres', async () => {
    const database = (await postgresTestSchema())!;
    const store = await PostgresEventStore.connect(database.url, { schema: database.schema });
    const sql = async (text: string, params: unknown[]) => {
      await store.pool.query(text, params);
    };
    const events = `"${database.schema}".events`;
    return {
      store,
      tamper: (streamId, revision, data) =>
        sql(`update ${events} set data = $1 where stream_id = $2 and revision = $3`, [JSON.stringify(data), streamId, revision]),
      deleteEvent: (streamId, revision) => sql(`delete from ${events} where stream_id = $1 and revision = $2`, [streamId, revision]),
      swapRevisions: async (streamId, a, b) => {
        // One revision is parked on a free number first: (stream_id, revision) is unique.
        const client = await store.pool.connect();
        try {
          await client.query('begin');
          for (const [from, to] of [[a, PARKED], [b, a], [PARKED, b]]) {
            await client.query(`update ${events} set revision = $1 where stream_id = $2 and revision = $3`, [to, streamId, from]);
          }
          await client.query('commit');
        } finally {
          client.release();
        }
      },
      openAnother: () => PostgresEventStore.connect(database.url, { schema: database.schema }),
      close: async () => {
        await store.close();
        await database.drop();
      },
    };
  });
});

describe.skipIf(probe === null)('PostgreSQL ordering rule', () => {
  it('holds back events of newer transactions only while an append is in flight, so long transactions do not stall readers', async () => {
    const database = (await postgresTestSchema())!;
    const store = await PostgresEventStore.connect(database.url, { schema: database.schema });
    const older = new pg.Client({ connectionString: database.url });
    const appender = new pg.Client({ connectionString: database.url });
    await older.connect();
    await appender.connect();
    try {
      // A long transaction that took its id before the append (a rebuild, a psql session).
      await older.query('begin');
      await older.query('select pg_current_xact_id()');
      const { position } = await store.append('servant-1', [newEvent()]);
      expect((await store.readAll({ limit: 10 })).map((event) => event.position)).toEqual([position]);

      // An append in flight (holding the append lock): rows newer than the horizon wait.
      await appender.query('begin');
      await appender.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [`acredita-eventstore:${database.schema}`]);
      expect(await store.readAll({ limit: 10 })).toEqual([]);
      const controller = new AbortController();
      const iterator = store.subscribe({ signal: controller.signal })[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toEqual({ kind: 'caught-up', position: 0n });

      await appender.query('commit');
      expect((await iterator.next()).value).toMatchObject({ kind: 'event', event: { position } });
      controller.abort();
      await older.query('commit');
    } finally {
      await older.end();
      await appender.end();
      await store.close();
      await database.drop();
    }
  });
});
