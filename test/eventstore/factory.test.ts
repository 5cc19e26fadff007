import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../src/eventstore/errors.js';
import { createEventStore } from '../../src/eventstore/factory.js';
import { PostgresEventStore } from '../../src/eventstore/postgres.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { postgresTestSchema } from '../support/postgres.js';
import { temporarySqliteFile } from '../support/sqlite.js';
import { newEvent } from './support/events.js';

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
    expect((error as ConfigurationError).problems).toEqual([expect.stringMatching(/^EVENT_STORE_SCHEMA: /)]);
  });
});
