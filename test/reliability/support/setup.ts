/** One backend with a server process on it, for the reliability tests. */
import { randomBytes } from 'node:crypto';
import { appendFileSync, mkdirSync } from 'node:fs';
import { signToken } from '../../../src/graphql/auth.js';
import { openTestApplication, type Backend, type TestApplication } from '../../support/application.js';
import { postgresTestSchema } from '../../support/postgres.js';
import { startServer, type ServerOptions, type ServerProcess } from './server.js';

export type { Backend };

/** PostgreSQL joins when reachable (and must be, under CI=true: postgresTestSchema throws then). */
export async function reachableBackends(): Promise<[Backend, boolean][]> {
  const probe = await postgresTestSchema();
  await probe?.drop();
  return [
    ['sqlite', true],
    ['postgres', probe !== null],
  ];
}

export interface Stage {
  /** The application on the server's data in this process (not projecting): its store and read database. */
  local: TestApplication;
  server: ServerProcess;
  serverOptions: ServerOptions;
  adminToken: string;
  secret: string;
  close(): Promise<void>;
}

export async function openStage(
  backend: Backend,
  options: { logLevel?: string; extraEnv?: Record<string, string> } = {},
): Promise<Stage> {
  const local = await openTestApplication(backend, { project: false });
  if (!local) throw new Error(`${backend} is unreachable`);
  const secret = randomBytes(24).toString('hex');
  const serverOptions: ServerOptions = { env: local.env, jwtSecret: secret, logLevel: options.logLevel, extraEnv: options.extraEnv };
  let server: ServerProcess;
  try {
    server = await startServer(serverOptions);
  } catch (error) {
    await local.close();
    throw error;
  }
  const adminToken = await signToken({ role: 'ADMIN', sub: 'reliability-admin', ttl: '2h' }, secret);
  return {
    local,
    server,
    serverOptions,
    adminToken,
    secret,
    async close() {
      await server.kill();
      await local.close();
    },
  };
}

/** Appends one run's figures to a JSON Lines file (docs/reliability.md is written from it) and prints them. */
export function recordFigures(test: string, backend: Backend, figures: Record<string, unknown>): void {
  const line = { test, backend, stress: process.env.STRESS === '1', at: new Date().toISOString(), ...figures };
  console.info(`[reliability] ${JSON.stringify(line)}`);
  const dir = new URL('../../../node_modules/.cache/acredita-reliability/', import.meta.url);
  mkdirSync(dir, { recursive: true });
  appendFileSync(new URL('figures.jsonl', dir), `${JSON.stringify(line)}\n`);
}
