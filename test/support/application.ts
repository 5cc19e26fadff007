import { randomBytes } from 'node:crypto';
import pino from 'pino';
import { createApplication, type Application } from '../../src/app/application.js';
import { postgresTestSchema } from './postgres.js';
import { temporarySqliteFile } from './sqlite.js';

export type Backend = 'sqlite' | 'postgres';

export interface TestApplication {
  app: Application;
  backend: Backend;
  /** The EVENT_STORE_URL, READ_STORE_URL and DATABASE_SCHEMA it runs on, for child processes. */
  env: Record<string, string>;
  close(): Promise<void>;
}

/**
 * The whole application on a real SQLite file in a temp folder, or a fresh
 * PostgreSQL schema (dropped on close). Null only when PostgreSQL is
 * unreachable outside CI (postgresTestSchema has warned already).
 */
export async function openTestApplication(
  backend: Backend,
  /** eventStoreUrl: keep the events elsewhere (e.g. a KurrentDB double), the read store on `backend`. */
  { eventStoreUrl, ...options }: { project?: boolean; eventStoreUrl?: string } = {},
): Promise<TestApplication | null> {
  const masterKey = randomBytes(32);
  const logger = pino({ level: 'silent' });
  if (backend === 'sqlite') {
    const file = await temporarySqliteFile();
    const url = `sqlite:${file.path}`;
    const app = await createApplication({ eventStoreUrl: eventStoreUrl ?? url, readStoreUrl: url, databaseSchema: 'public', masterKey }, { logger, ...options });
    const env = { EVENT_STORE_URL: eventStoreUrl ?? url, READ_STORE_URL: url, DATABASE_SCHEMA: 'public', MASTER_KEY: masterKey.toString('base64') };
    return { app, backend, env, close: async () => { await app.close(); await file.remove(); } };
  }
  const pg = await postgresTestSchema();
  if (!pg) return null;
  const app = await createApplication({ eventStoreUrl: eventStoreUrl ?? pg.url, readStoreUrl: pg.url, databaseSchema: pg.schema, masterKey }, { logger, ...options });
  const env = { EVENT_STORE_URL: eventStoreUrl ?? pg.url, READ_STORE_URL: pg.url, DATABASE_SCHEMA: pg.schema, MASTER_KEY: masterKey.toString('base64') };
  return { app, backend, env, close: async () => { await app.close(); await pg.drop(); } };
}
