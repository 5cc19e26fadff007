/**
 * The one HTTP server (api.md "Endpoints"), on node:http: GraphQL over HTTP
 * through Apollo Server's executeHTTPGraphQLRequest, graphql-ws on the same
 * /graphql path, the offline explorer, /health and /metrics. Requests are
 * refused before any GraphQL work when the body is too large (413), not JSON
 * (400) or carries a bad token (401).
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer, HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginLandingPageDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { AcreditaError } from '../domain/shared/errors.js';
import { errorLogPlugin, limitsPlugin, noSubscriptionsOverHttpPlugin, personalDataAccessPlugin, requestLogPlugin } from '../graphql/apollo-plugins.js';
import { freshnessOf } from '../graphql/response-cache/freshness.js';
import { ResponseCache } from '../graphql/response-cache/response-cache.js';
import { responseCachePlugin } from '../graphql/response-cache/response-cache.plugin.js';
import { TokenVerifier, type Viewer } from '../graphql/auth.js';
import { createContext, type GraphQLContext } from '../graphql/context.js';
import type { GraphQLDeps } from '../graphql/deps.js';
import { formatError } from '../graphql/errors.js';
import { DEFAULT_LIMITS, type QueryLimits } from '../graphql/limits.js';
import { LiveUpdates } from '../graphql/pubsub.js';
import { buildAcreditaSchema } from '../graphql/schema.js';
import { handleCredentialRequest } from '../credentials/http.js';
import { type SubscriptionCaps, subscriptionServerOptions } from '../graphql/subscriptions.js';
import { Notifier } from '../notifications/notifier.js';
import { EXPLORER_CSP, type StaticFile, explorerAsset, explorerPage } from './explorer/explorer.js';
import { handleLogRequest } from '../transparency/http.js';
import { createMetrics, metricsPlugin, type Metrics } from './metrics.js';
import { type RateLimiter, lookupGate, lookupLimiters, rateLimitPlugin } from './rate-limit.js';
import { applySecurityHeaders } from './security-headers.js';

export interface HttpServerOptions {
  deps: GraphQLDeps;
  host: string;
  /** 0 picks a free port. */
  port: number;
  jwtSecret: string;
  /** MAX_TOKEN_TTL in seconds (default 24 h). */
  maxTokenTtlSeconds?: number;
  logger: Logger;
  /** Origins allowed by CORS (CORS_ORIGINS); none by default. '*' allows any. */
  corsOrigins?: string[];
  /** Highest estimated query cost accepted from signed-in callers, and from anonymous ones (see src/graphql/limits.ts). */
  maxCost?: number;
  maxAnonymousCost?: number;
  /** True once the store answers and the projections run. */
  health: () => Promise<boolean>;
  /** verifyCertificate per client address (PUBLIC_RATE_LIMIT); unlimited when absent. */
  publicRateLimit?: { perMinute: number; burst: number } | null;
  /** servantByCurp per token subject (CURP_LOOKUP_RATE_LIMIT); unlimited when absent. */
  curpLookupRateLimit?: { perMinute: number; burst: number } | null;
  /** Bytes of read-model query responses kept for reuse (RESPONSE_CACHE_MB); 0 keeps none. Default 32 MiB. */
  responseCacheBytes?: number;
  /** Subscriptions per socket and per token subject (SUBSCRIPTIONS_PER_SOCKET, SUBSCRIPTIONS_PER_SUBJECT). */
  subscriptionCaps?: SubscriptionCaps;
}

const DEFAULT_RESPONSE_CACHE_BYTES = 32 * 1024 * 1024;

export interface RunningHttpServer {
  /** The server's origin, e.g. http://127.0.0.1:4000 (GraphQL is at `${url}/graphql`). */
  url: string;
  port: number;
  /** Stops accepting, finishes in-flight requests, closes subscriptions. */
  close(): Promise<void>;
}

export const MAX_BODY_BYTES = 1024 * 1024;
const GRAPHQL_PATH = '/graphql';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
/** How long closing waits for in-flight requests and sockets before cutting them. */
const CLOSE_GRACE_MS = 5_000;

/** A request refused before it reached GraphQL, answered in GraphQL's error shape. */
class HttpRefusal extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The request was not read to its end, so the connection closes after the answer. */
    readonly closeConnection = false,
  ) {
    super(message);
  }
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}

function sendStatic(res: ServerResponse, file: StaticFile, extraHeaders: Record<string, string> = {}): void {
  res.statusCode = 200;
  res.setHeader('content-type', file.type);
  res.setHeader('cache-control', 'no-cache');
  for (const [name, value] of Object.entries(extraHeaders)) res.setHeader(name, value);
  res.end(file.body);
}

/** Past this much, an oversized body is cut off instead of read to its end. */
const DISCARD_LIMIT_BYTES = 16 * MAX_BODY_BYTES;

/**
 * The body as text, refusing more than MAX_BODY_BYTES without buffering the
 * rest. An oversized body is still read to its end (up to DISCARD_LIMIT_BYTES)
 * before the 413 goes out: a socket closed while the client is still sending
 * reaches it as EPIPE, never as the 413.
 */
async function readBody(req: IncomingMessage): Promise<string> {
  const declared = Number(req.headers['content-length']);
  if (declared > DISCARD_LIMIT_BYTES) throw tooLarge(true);
  let oversized = declared > MAX_BODY_BYTES;
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > DISCARD_LIMIT_BYTES) throw tooLarge(true);
    oversized ||= size > MAX_BODY_BYTES;
    if (!oversized) chunks.push(chunk);
  }
  if (oversized) throw tooLarge(false);
  return Buffer.concat(chunks).toString('utf8');
}

/** `cutOff`: the rest of the body was not read, so the connection must close after the answer. */
const tooLarge = (cutOff: boolean) => new HttpRefusal(413, 'PAYLOAD_TOO_LARGE', `The request body exceeds ${MAX_BODY_BYTES} bytes`, cutOff);

const isJson = (req: IncomingMessage): boolean => /^application\/(.+\+)?json\b/i.test(req.headers['content-type'] ?? '');

/** Browsers asking for a page get the explorer; GraphQL clients never send Accept: text/html first. */
const wantsHtml = (req: IncomingMessage): boolean =>
  req.method === 'GET' && /^text\/html\b/i.test(req.headers.accept ?? '');

async function parseBody(req: IncomingMessage): Promise<unknown> {
  if (req.method !== 'POST') return undefined;
  const text = await readBody(req);
  // Anything but JSON goes to Apollo without a body: it answers 400 (and guards against CSRF).
  if (!isJson(req)) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new HttpRefusal(400, 'BAD_REQUEST', 'The request body is not valid JSON');
  }
}

async function viewerOf(req: IncomingMessage, tokens: TokenVerifier): Promise<Viewer | null> {
  try {
    return await tokens.authenticate(req.headers.authorization);
  } catch (error) {
    if (error instanceof AcreditaError) throw new HttpRefusal(401, error.code, error.message);
    throw error;
  }
}

/** CORS for the configured origins only; preflights are answered here. Returns true when done. */
function applyCors(req: IncomingMessage, res: ServerResponse, origins: readonly string[]): boolean {
  const origin = req.headers.origin;
  if (origin && (origins.includes('*') || origins.includes(origin))) {
    res.setHeader('access-control-allow-origin', origin);
    res.setHeader('vary', 'Origin');
    res.setHeader('access-control-expose-headers', 'x-request-id');
    if (req.method === 'OPTIONS') {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', 'authorization, content-type, x-request-id, apollo-require-preflight');
      res.setHeader('access-control-max-age', '600');
    }
  }
  if (req.method !== 'OPTIONS') return false;
  res.statusCode = 204;
  res.end();
  return true;
}

async function writeGraphQLResponse(res: ServerResponse, response: HTTPGraphQLResponse): Promise<void> {
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

interface Handlers {
  options: HttpServerOptions;
  apollo: ApolloServer<GraphQLContext>;
  live: LiveUpdates;
  metrics: Metrics;
  tokens: TokenVerifier;
  /** PUBLIC_RATE_LIMIT's buckets, for GraphQL and the credential routes alike. */
  folioLimiter: RateLimiter | null;
}

async function handleGraphQL(req: IncomingMessage, res: ServerResponse, requestId: string, h: Handlers): Promise<void> {
  if (wantsHtml(req)) {
    sendStatic(res, await explorerPage(), { 'content-security-policy': EXPLORER_CSP });
    return;
  }
  const started = process.hrtime.bigint();
  try {
    const body = await parseBody(req);
    const viewer = await viewerOf(req, h.tokens);
    const headers = new HeaderMap();
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
    }
    const response = await h.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: {
        method: req.method!.toUpperCase(),
        headers,
        search: new URL(req.url!, 'http://localhost').search,
        body,
      },
      context: async () => createContext(h.options.deps, h.live, viewer, requestId, req.socket.remoteAddress ?? null),
    });
    await writeGraphQLResponse(res, response);
  } catch (error) {
    if (!(error instanceof HttpRefusal)) throw error;
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    h.metrics.observeRequest('unknown', 'error', seconds);
    // The same line a request that reached GraphQL gets (apollo-plugins.ts requestLogPlugin): who is unknown yet.
    h.options.logger.info({ requestId, operation: null, role: null, sub: null, status: error.status, durationMs: seconds * 1e3, cost: null, refused: error.code }, 'graphql request');
    if (error.closeConnection) res.setHeader('connection', 'close');
    sendJson(res, error.status, { errors: [{ message: error.message, extensions: { code: error.code } }] });
  }
}

async function handle(req: IncomingMessage, res: ServerResponse, h: Handlers): Promise<void> {
  const requestId = requestIdOf(req);
  res.setHeader('x-request-id', requestId);
  applySecurityHeaders(req, res);
  if (applyCors(req, res, h.options.corsOrigins ?? [])) return;
  const { pathname } = new URL(req.url ?? '/', 'http://localhost');
  if (pathname === GRAPHQL_PATH) return handleGraphQL(req, res, requestId, h);
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.setHeader('allow', 'GET, HEAD');
    return sendJson(res, 405, { error: 'Method not allowed' });
  }
  if (pathname === '/health') {
    const ok = await h.options.health().catch(() => false);
    return sendJson(res, ok ? 200 : 503, { status: ok ? 'ok' : 'unavailable', backend: h.options.deps.store.backend });
  }
  if (pathname === '/metrics') {
    res.setHeader('content-type', h.metrics.registry.contentType);
    res.end(await h.metrics.registry.metrics());
    return;
  }
  // /credentials/*, /certificates/*.pdf, /verify/*, /.well-known/did.json, /achievements/* (src/credentials).
  if (await handleCredentialRequest(req, res, h.options.deps.credentials, () => h.options.deps.clock.now(), h.folioLimiter)) return;
  if (await handleLogRequest(pathname, res, h.options.deps.transparency)) return;
  const asset = await explorerAsset(pathname);
  if (asset) return sendStatic(res, asset);
  sendJson(res, 404, { error: 'Not found' });
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

export async function startHttpServer(options: HttpServerOptions): Promise<RunningHttpServer> {
  const { deps, logger } = options;
  const limits: QueryLimits = {
    ...DEFAULT_LIMITS,
    ...(options.maxCost !== undefined ? { maxCost: options.maxCost } : {}),
    ...(options.maxAnonymousCost !== undefined ? { maxAnonymousCost: options.maxAnonymousCost } : {}),
  };
  // Subscriptions hear the committed log, whoever wrote it (src/notifications/notifier.ts).
  const live = new LiveUpdates();
  const notifier = new Notifier({ store: deps.store, waitFor: (position, timeoutMs) => deps.readModel.waitFor(position, timeoutMs), live: live.log, logger });
  await notifier.start();
  const schema = await buildAcreditaSchema();
  const metrics = createMetrics({ ...deps, activeSubscriptions: () => live.subscriberCount });
  const httpServer = createServer();
  const tokens = new TokenVerifier({ secret: options.jwtSecret, maxTtlSeconds: options.maxTokenTtlSeconds });
  const limiters = lookupLimiters({ perAddress: options.publicRateLimit ?? null, curpPerCaller: options.curpLookupRateLimit ?? null });
  const gate = limiters.folios || limiters.curps ? lookupGate(limiters) : undefined;
  const responseCacheBytes = options.responseCacheBytes ?? DEFAULT_RESPONSE_CACHE_BYTES;
  const responseCache = responseCacheBytes > 0 ? new ResponseCache(freshnessOf(deps), responseCacheBytes) : null;

  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    formatError,
    includeStacktraceInErrorResponses: false,
    maxRecursiveSelections: true,
    // Parsing stops at the token limit, before a huge document costs anything more.
    parseOptions: { maxTokens: limits.maxTokens },
    // The CLI owns signals and calls close().
    stopOnTerminationSignals: false,
    logger,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer, stopGracePeriodMillis: CLOSE_GRACE_MS }),
      // Apollo's landing page loads from a CDN; our explorer is served offline instead.
      ApolloServerPluginLandingPageDisabled(),
      // We send no cache hints; the default plugin would wrap every field resolver (docs/benchmarks.md).
      ApolloServerPluginCacheControlDisabled(),
      limitsPlugin(limits),
      noSubscriptionsOverHttpPlugin(),
      ...(gate ? [rateLimitPlugin(gate)] : []),
      // After the limits and the rate limit: a kept response is still refused to whom they refuse.
      ...(responseCache ? [responseCachePlugin(responseCache, (outcome) => metrics.observeResponseCache(outcome))] : []),
      errorLogPlugin(),
      personalDataAccessPlugin(),
      requestLogPlugin(),
      metricsPlugin(metrics),
    ],
  });
  await apollo.start();

  const wsServer = new WebSocketServer({ server: httpServer, path: GRAPHQL_PATH, maxPayload: MAX_BODY_BYTES });
  const subscriptions = useServer(
    {
      ...subscriptionServerOptions({
        schema,
        deps,
        live,
        tokens,
        limits,
        subscriptionCaps: options.subscriptionCaps,
        onOperationStarted: (operationType) => metrics.observeRequest(operationType, 'ok', 0),
        admit: gate,
      }),
      isProd: true,
    },
    wsServer,
  );

  const handlers: Handlers = { options, apollo, live, metrics, tokens, folioLimiter: limiters.folios };
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    handle(req, res, handlers).catch((error: unknown) => {
      logger.error({ err: error, requestId: res.getHeader('x-request-id') }, 'unhandled error in the HTTP server');
      if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
      else res.destroy();
    });
  });

  const port = await listen(httpServer, options.port, options.host);
  const hostForUrl = options.host.includes(':') ? `[${options.host}]` : options.host;
  const url = `http://${hostForUrl}:${port}`;
  logger.info({ graphql: `${url}${GRAPHQL_PATH}` }, 'GraphQL API listening');

  let closing: Promise<void> | null = null;
  const close = async (): Promise<void> => {
    // Sockets first: the HTTP server's drain waits for every connection, upgraded ones included.
    const disposed = subscriptions.dispose();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_GRACE_MS).unref());
    await Promise.race([disposed, grace]);
    for (const socket of wsServer.clients) socket.terminate();
    await notifier.stop();
    // Stops accepting, lets in-flight requests finish, then closes the server.
    await apollo.stop();
    logger.info({ url }, 'GraphQL API closed');
  };
  return { url, port, close: () => (closing ??= close()) };
}
