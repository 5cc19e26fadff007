/**
 * EVENT_STORE_URL -> the store. The only place that knows the concrete
 * backends; src/app calls it once at start-up.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { PostgresEventStore } from './postgres.js';
import { SqliteEventStore } from './sqlite.js';
import { parseEventStoreUrl } from './store-url.js';
import type { EventStore } from './types.js';

export async function createEventStore(url: string, options: { schema?: string } = {}): Promise<EventStore> {
  const location = parseEventStoreUrl(url);
  switch (location.backend) {
    case 'sqlite':
      mkdirSync(dirname(location.path), { recursive: true });
      return new SqliteEventStore(location.path);
    case 'postgres':
      return PostgresEventStore.connect(location.url, { schema: options.schema });
    case 'kurrentdb': {
      // Loaded only when asked for: the gRPC client is heavy and most installs never use it.
      const { createKurrentDbEventStore } = await import('./kurrentdb.js');
      return createKurrentDbEventStore(location.url);
    }
  }
}
