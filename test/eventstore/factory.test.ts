import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/eventstore/errors.js';
import { createEventStore, parseEventStoreUrl } from '../../src/eventstore/factory.js';
import { PostgresEventStore } from '../../src/eventstore/postgres.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { postgresTestSchema } from '../support/postgres.js';
import { temporarySqliteFile } from '../support/sqlite.js';
import { newEvent } from './support/events.js';

function configurationError(run: () => unknown): ConfigurationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).variable).toBe('EVENT_STORE_URL');
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('parseEventStoreUrl', () => {
  it.each([
    ['sqlite:data/acredita.sqlite', { backend: 'sqlite', path: 'data/acredita.sqlite' }],
    ['sqlite:/var/lib/acredita/events.sqlite', { backend: 'sqlite', path: '/var/lib/acredita/events.sqlite' }],
    ['sqlite:///var/lib/acredita/events.sqlite', { backend: 'sqlite', path: '/var/lib/acredita/events.sqlite' }],
    ['  sqlite:data/x.sqlite  ', { backend: 'sqlite', path: 'data/x.sqlite' }],
    ['postgres://acredita:secret@db:5432/acredita', { backend: 'postgres', url: 'postgres://acredita:secret@db:5432/acredita' }],
    ['postgresql://localhost/acredita', { backend: 'postgres', url: 'postgresql://localhost/acredita' }],
    ['esdb://localhost:2113?tls=false', { backend: 'kurrentdb', url: 'esdb://localhost:2113?tls=false' }],
    ['kurrentdb://localhost:2113?tls=false', { backend: 'kurrentdb', url: 'kurrentdb://localhost:2113?tls=false' }],
    ['esdb+discover://cluster.local:2113', { backend: 'kurrentdb', url: 'esdb+discover://cluster.local:2113' }],
  ])('reads %s', (url, expected) => {
    expect(parseEventStoreUrl(url)).toEqual(expected);
  });

  it.each([
    ['an empty value', '', /is empty/],
    ['blanks', '   ', /is empty/],
    ['sqlite: without a path', 'sqlite:', /needs a file path/],
    ['a bare path', 'data/acredita.sqlite', /without a scheme/],
    ['an unknown scheme', 'mysql://root:hunter2@db/acredita', /"mysql:"/],
    ['postgres:// without anything after it', 'postgres://', /not a valid postgres/],
  ])('refuses %s with one clear line naming the accepted forms', (_, url, reason) => {
    const error = configurationError(() => parseEventStoreUrl(url));
    expect(error.message).toMatch(reason);
    expect(error.message).not.toContain('\n');
    if (!/needs a file path|not a valid/.test(error.message)) expect(error.message).toContain('sqlite:<path>, postgres://');
    expect(error.message).not.toContain('hunter2');
  });
});

describe('createEventStore', () => {
  it('opens SQLite and creates the missing parent folders', async () => {
    const file = await temporarySqliteFile();
    const path = join(file.path, '..', 'nested', 'deeper', 'events.sqlite');
    const store = await createEventStore(`sqlite:${path}`);
    try {
      expect(store).toBeInstanceOf(SqliteEventStore);
      expect(store.backend).toBe('sqlite');
      expect(existsSync(path)).toBe(true);
      expect((await store.append('servant-1', [newEvent()])).nextVersion).toBe(1);
    } finally {
      await store.close();
      await file.remove();
    }
  });

  it('refuses an unusable URL before opening anything', async () => {
    await expect(createEventStore('redis://localhost')).rejects.toBeInstanceOf(ConfigurationError);
  });

  it('opens PostgreSQL in the given schema, creating its tables, and again on the same tables', async (context) => {
    const database = await postgresTestSchema();
    if (!database) return context.skip();
    try {
      const first = await createEventStore(database.url, { schema: database.schema });
      expect(first).toBeInstanceOf(PostgresEventStore);
      expect((first as PostgresEventStore).schema).toBe(database.schema);
      await first.append('servant-1', [newEvent()]);
      await first.close();
      // The migration is idempotent and the events are still there.
      const [second, third] = await Promise.all([
        createEventStore(database.url, { schema: database.schema }),
        createEventStore(database.url, { schema: database.schema }),
      ]);
      expect(await second.streamVersion('servant-1')).toBe(1);
      await Promise.all([second.close(), third.close()]);
    } finally {
      await database.drop();
    }
  });

  it('refuses a PostgreSQL schema name that is not a plain identifier', async () => {
    const error = await createEventStore('postgres://127.0.0.1/test', { schema: 'public; drop table x' }).catch((caught) => caught);
    expect(error).toBeInstanceOf(ConfigurationError);
    expect((error as ConfigurationError).variable).toBe('EVENT_STORE_SCHEMA');
  });
});
