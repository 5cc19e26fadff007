/**
 * A fresh PostgreSQL schema per test run. When PostgreSQL cannot be reached the
 * tests skip with one loud warning, except under CI=true, where they must fail.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const testDatabaseUrl = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export interface PostgresTestSchema {
  url: string;
  schema: string;
  /** Drops the schema and everything in it. */
  drop: () => Promise<void>;
}

let warned = false;

/** Creates `acredita_test_<random>`; null only when PostgreSQL is unreachable and CI is not true. */
export async function postgresTestSchema(): Promise<PostgresTestSchema | null> {
  const schema = `acredita_test_${randomBytes(6).toString('hex')}`;
  try {
    await withClient((client) => client.query(`create schema "${schema}"`));
  } catch (error) {
    const why = `PostgreSQL at ${redact(testDatabaseUrl)} is unreachable (${(error as Error).message})`;
    if (process.env.CI === 'true') throw new Error(`${why}; CI=true, so PostgreSQL tests must not be skipped`);
    if (!warned) console.warn(`\n!!! SKIPPING PostgreSQL tests: ${why}. Set DATABASE_URL or start PostgreSQL. !!!\n`);
    warned = true;
    return null;
  }
  return {
    url: testDatabaseUrl,
    schema,
    drop: () => withClient((client) => client.query(`drop schema if exists "${schema}" cascade`)).then(() => undefined),
  };
}

async function withClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: testDatabaseUrl, connectionTimeoutMillis: 3_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@');
}
