/**
 * The real API for end-to-end tests: the whole application (SQLite file in a
 * temp folder or a fresh PostgreSQL schema) behind the real HTTP server on a
 * free port, plus helpers to sign tokens and post GraphQL.
 */
import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import type { Application } from '../../../src/app/application.js';
import { startHttpServer, type RunningHttpServer } from '../../../src/app/http-server.js';
import { ServantCursors, servantCursorKey } from '../../../src/graphql/servants/servant-cursor.js';
import { signToken, type Role } from '../../../src/graphql/auth.js';
import { systemClock, type Clock, type GraphQLDeps } from '../../../src/graphql/deps.js';
import type { ReadModel } from '../../../src/projections/read-model.js';
import { openTestApplication, type Backend, type TestApplication } from '../../support/application.js';
import { credentialServiceFor } from '../../../src/credentials/setup.js';
import { freePort } from '../../support/free-port.js';

export const JWT_SECRET = 'graphql-test-secret-0123456789abcdefghij';
export const TIJUANA = { state: 'Baja California', municipality: 'Tijuana' } as const;
export const MEXICALI = { state: 'Baja California', municipality: 'Mexicali' } as const;

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data: T | null | undefined;
  errors: { message: string; path?: (string | number)[]; extensions: Record<string, any> }[] | undefined;
  headers: Headers;
}

export interface TestApi extends TestApplication {
  server: RunningHttpServer;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** http://127.0.0.1:<port>/graphql */
  endpoint: string;
  /** JSON log lines the server wrote. */
  logs: Record<string, unknown>[];
  token(role: Role, claims?: { sub?: string; state?: string; municipality?: string; ttl?: string }): Promise<string>;
  gql<T = Record<string, any>>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResult<T>>;
  /** The event log's head: unchanged means nothing was written. */
  head(): Promise<bigint>;
}

export interface TestApiOptions {
  maxCost?: number;
  corsOrigins?: string[];
  /** The read model the GraphQL layer sees (default: the application's). */
  readModel?: (app: Application) => ReadModel;
  /** Replaces the application's health check. */
  health?: () => Promise<boolean>;
  /** Bytes of responses kept for reuse (default: the server's default; 0 keeps none). */
  responseCacheBytes?: number;
  /** The GraphQL layer's clock (default: the wall clock). */
  clock?: Clock;
  publicRateLimit?: { perMinute: number; burst: number };
  /** Open subscriptions per socket and per token subject (default: the server's). */
  subscriptionCaps?: { perSocket: number; perSubject: number };
  /** The events somewhere else than the read store (e.g. a KurrentDB double's URL). */
  eventStoreUrl?: string;
}

export async function startTestApi(backend: Backend, options: TestApiOptions = {}): Promise<TestApi | null> {
  const opened = await openTestApplication(backend, { eventStoreUrl: options.eventStoreUrl });
  if (!opened) return null;
  const { app } = opened;
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) logs.push(JSON.parse(line));
      done();
    },
  });
  const logger = pino({ level: 'info' }, sink);
  // Credentials carry absolute URLs, so the port is chosen before the service is built.
  const port = await freePort();
  const masterKey = Buffer.from(opened.env.MASTER_KEY, 'base64');
  const credentials = await credentialServiceFor(
    { publicBaseUrl: `http://127.0.0.1:${port}`, issuerKey: randomBytes(32), retiredIssuerKeys: [], issuerName: 'Universidad Tecnológica de Tijuana (ECE)' },
    masterKey,
    app,
    options.clock ?? systemClock,
  );
  const deps: GraphQLDeps = {
    office: app.office,
    readModel: options.readModel ? options.readModel(app) : app.readModel,
    store: app.store,
    vault: app.vault,
    webhooks: app.webhooks.registry,
    clock: options.clock ?? systemClock,
    logger,
    transparency: app.transparency,
    accessRecord: app.accessRecord,
    // As `serve` seals them: every server of one MASTER_KEY accepts the others' cursors.
    servantCursors: new ServantCursors(servantCursorKey(masterKey)),
    credentials,
  };
  const server = await startHttpServer({
    deps,
    host: '127.0.0.1',
    port,
    jwtSecret: JWT_SECRET,
    logger,
    corsOrigins: options.corsOrigins,
    maxCost: options.maxCost,
    responseCacheBytes: options.responseCacheBytes,
    publicRateLimit: options.publicRateLimit,
    subscriptionCaps: options.subscriptionCaps,
    health: options.health ?? (() => app.healthy()),
  });
  const origin = server.url;
  const endpoint = `${origin}/graphql`;
  return {
    ...opened,
    server,
    origin,
    endpoint,
    logs,
    token: (role, claims = {}) =>
      signToken(
        {
          role,
          sub: claims.sub ?? `test-${role.toLowerCase()}`,
          ...(role === 'REGISTRAR' ? TIJUANA : {}),
          ...claims,
        },
        JWT_SECRET,
      ),
    async gql(query, variables, token) {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: any; errors?: GraphQLResult['errors'] };
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
    },
    head: () => app.store.headPosition(),
    close: async () => {
      await server.close();
      await opened.close();
    },
  };
}

/** Backends the suites run on: PostgreSQL joins when reachable (and must be, under CI=true). */
export const BACKENDS: Backend[] = ['sqlite', 'postgres'];
