/**
 * The PostgreSQL event store when the database ends its sessions (restart,
 * failover, pg_terminate_backend): a connection lost while checked out fails
 * its next query instead of crashing the process, and the LISTEN connection
 * that wakes subscribers is opened again by itself.
 */
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { PostgresEventStore } from '../../src/eventstore/postgres.js';
import { testEvent } from '../projections/fixtures/projections.js';
import { postgresTestSchema, testDatabaseUrl, type PostgresTestSchema } from '../support/postgres.js';

const probe = await postgresTestSchema();
await probe?.drop();

async function sessions(applicationName: string, terminate = false): Promise<string[]> {
  const admin = new pg.Client({ connectionString: testDatabaseUrl });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ query: string }>(
      `select query${terminate ? ', pg_terminate_backend(pid)' : ''} from pg_stat_activity
       where datname = current_database() and pid <> pg_backend_pid() and application_name = $1`,
      [applicationName],
    );
    return rows.map((row) => row.query);
  } finally {
    await admin.end();
  }
}

const event = () => testEvent('Tick');

describe.skipIf(probe === null)('PostgreSQL event store when the database ends its sessions', () => {
  let schema: PostgresTestSchema | null = null;
  let store: PostgresEventStore | null = null;
  const applicationName = `acredita-reconnect-${randomBytes(4).toString('hex')}`;

  const open = async () => {
    schema = await postgresTestSchema();
    const url = `${schema!.url}${schema!.url.includes('?') ? '&' : '?'}application_name=${applicationName}`;
    store = await PostgresEventStore.connect(url, { schema: schema!.schema });
    return store;
  };
  afterEach(async () => {
    await store?.close();
    await schema?.drop();
  });

  it('a connection ended while checked out fails its next query, and the store goes on', async () => {
    const store = await open();
    const client = await store.pool.connect();
    expect((await sessions(applicationName, true)).length).toBeGreaterThan(0);
    await sleep(200); // the server's goodbye arrives as an 'error' on the idle, checked-out client
    await expect(client.query('select 1')).rejects.toThrow();
    client.release(true);
    const result = await store.append('tick-1', [event()]);
    expect(result.nextVersion).toBe(1);
  });

  it('LISTEN is opened again after its session was ended', async () => {
    const store = await open();
    const controller = new AbortController();
    const seen: bigint[] = [];
    const following = (async () => {
      for await (const item of store.subscribe({ signal: controller.signal })) if (item.kind === 'event') seen.push(item.event.position);
    })();
    const listening = async () => (await sessions(applicationName)).some((query) => /^listen /i.test(query));
    for (let i = 0; i < 100 && !(await listening()); i++) await sleep(50);
    expect(await listening()).toBe(true);

    await sessions(applicationName, true);
    let again = false;
    for (let i = 0; i < 100 && !again; i++) {
      await sleep(100);
      again = await listening();
    }
    expect(again).toBe(true);
    const { position } = await store.append('tick-2', [event()]);
    for (let i = 0; i < 100 && !seen.includes(position); i++) await sleep(20);
    expect(seen).toContain(position);
    controller.abort();
    await following;
  });
});
