/**
 * EVENT_STORE_URL -> the store. The only place that knows the concrete
 * backends; src/app calls it once at start-up.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { ConfigurationError } from './errors.js';
import { PostgresEventStore } from './postgres.js';
import { SqliteEventStore } from './sqlite.js';
import type { EventStore } from './types.js';

export type EventStoreLocation =
  | { backend: 'sqlite'; path: string }
  | { backend: 'postgres'; url: string }
  | { backend: 'kurrentdb'; url: string };

const ACCEPTED = 'use sqlite:<path>, postgres://…, postgresql://…, esdb://… or kurrentdb://…';

/** Reads an EVENT_STORE_URL without connecting; throws ConfigurationError on anything unusable. */
export function parseEventStoreUrl(url: string): EventStoreLocation {
  const value = typeof url === 'string' ? url.trim() : '';
  if (value === '') throw new ConfigurationError('EVENT_STORE_URL', `is empty; ${ACCEPTED}`);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(value)?.[1].toLowerCase();

  if (scheme === 'sqlite') {
    // sqlite:data/x.sqlite and sqlite:/abs/x.sqlite; the URL-like sqlite:///abs/x.sqlite too.
    const path = value.slice('sqlite:'.length).replace(/^\/\/(?=\/)/, '');
    if (path.trim() === '') throw new ConfigurationError('EVENT_STORE_URL', `sqlite: needs a file path, e.g. sqlite:data/acredita.sqlite`);
    return { backend: 'sqlite', path };
  }
  if (scheme === 'postgres' || scheme === 'postgresql') {
    if (!URL.canParse(value) || value.length <= `${scheme}://`.length) {
      throw new ConfigurationError('EVENT_STORE_URL', `is not a valid ${scheme}:// connection URL`);
    }
    return { backend: 'postgres', url: value };
  }
  if (scheme && /^(esdb|kurrentdb)(\+discover)?$/.test(scheme)) {
    if (!URL.canParse(value) || value.length <= `${scheme}://`.length) {
      throw new ConfigurationError('EVENT_STORE_URL', `is not a valid ${scheme}:// connection string`);
    }
    return { backend: 'kurrentdb', url: value };
  }
  // Never echo the value: it may carry a password.
  const got = scheme ? `a "${scheme}:" URL` : 'a value without a scheme';
  throw new ConfigurationError('EVENT_STORE_URL', `got ${got}; ${ACCEPTED}`);
}

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
