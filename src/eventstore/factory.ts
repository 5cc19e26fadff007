/**
 * EVENT_STORE_URL -> the store. The only place that knows the concrete
 * backends; src/app calls it once at start-up.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PostgresEventStore } from './postgres.js';
import { SqliteEventStore } from './sqlite.js';
import type { SqliteFiles } from './sqlite-files.js';
import { parseEventStoreUrl } from './store-url.js';
import type { EventStore } from './types.js';

export interface EventStoreOptions {
  /** PostgreSQL schema for the events' tables. */
  schema?: string;
  /** SQLite: shared with the owner's other stores on the file, and closed by the owner (sqlite-files.ts). */
  sqliteFiles?: SqliteFiles;
}

export async function createEventStore(url: string, options: EventStoreOptions = {}): Promise<EventStore> {
  const location = parseEventStoreUrl(url);
  switch (location.backend) {
    case 'sqlite':
      mkdirSync(dirname(location.path), { recursive: true });
      return new SqliteEventStore(location.path, { files: options.sqliteFiles });
    case 'postgres':
      return PostgresEventStore.connect(location.url, { schema: options.schema });
    case 'kurrentdb': {
      // Loaded only when asked for: the gRPC client is heavy and most installs never use it.
      const { createKurrentDbEventStore } = await import('./kurrentdb.js');
      return createKurrentDbEventStore(location.url);
    }
  }
}
