/**
 * A fresh database per bench run: a SQLite file in a temporary folder, or a new
 * PostgreSQL schema dropped afterwards. Everything a scenario opens goes through
 * the real composition root (createApplication) with these settings.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import pino from 'pino';
import { createApplication, type Application, type ApplicationConfig } from '../../src/app/application.js';

export type BackendName = 'sqlite' | 'postgres';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface BenchDatabase {
  backend: BackendName;
  config: ApplicationConfig;
  /** SQLite: the file. */
  path: string | null;
  /** Opens the application on this database (quiet logger). */
  open(options?: { project?: boolean }): Promise<Application>;
  drop(): Promise<void>;
}

export const quietLogger = () => pino({ level: 'warn' }, pino.destination(2));

/** The config as plain JSON, for child processes. */
export interface SerializedConfig {
  eventStoreUrl: string;
  readStoreUrl: string;
  databaseSchema: string;
  masterKey: string;
}

export const serializeConfig = (config: ApplicationConfig): SerializedConfig => ({ ...config, masterKey: config.masterKey.toString('base64') });
export const deserializeConfig = (config: SerializedConfig): ApplicationConfig => ({ ...config, masterKey: Buffer.from(config.masterKey, 'base64') });

export async function createBenchDatabase(backend: BackendName): Promise<BenchDatabase> {
  const masterKey = randomBytes(32);
  if (backend === 'sqlite') {
    const folder = await mkdtemp(join(tmpdir(), 'acredita-bench-'));
    const path = join(folder, 'bench.sqlite');
    const config: ApplicationConfig = { eventStoreUrl: `sqlite:${path}`, readStoreUrl: `sqlite:${path}`, databaseSchema: 'public', masterKey };
    return {
      backend,
      config,
      path,
      open: (options) => createApplication(config, { logger: quietLogger(), project: options?.project ?? false }),
      drop: () => rm(folder, { recursive: true, force: true }),
    };
  }
  const schema = `acredita_bench_${randomBytes(5).toString('hex')}`;
  await withClient((client) => client.query(`create schema "${schema}"`));
  const config: ApplicationConfig = { eventStoreUrl: DATABASE_URL, readStoreUrl: DATABASE_URL, databaseSchema: schema, masterKey };
  return {
    backend,
    config,
    path: null,
    open: (options) => createApplication(config, { logger: quietLogger(), project: options?.project ?? false }),
    drop: () => withClient((client) => client.query(`drop schema if exists "${schema}" cascade`)).then(() => undefined),
  };
}

export async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: DATABASE_URL, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}
