/**
 * Helpers for the notification tests: graphql-ws subscribers that record what
 * they got and when, a GraphQL client for a server in another process, a real
 * HTTP receiver for webhooks on loopback, and polling.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken, type Role } from '../../src/graphql/auth.js';
import type { GraphQLResult, TestApi } from '../graphql/support/api.js';

export async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Received<T> {
  value: T;
  /** Date.now() when it arrived. */
  at: number;
}

export interface Subscriber<T> {
  received: Received<T>[];
  values(): T[];
  errors: { message: string; extensions?: Record<string, unknown> }[];
  /** The close event or error the socket ended with. */
  failure: unknown;
  completed: boolean;
  client: Client;
  /** Ends this subscription only (the socket stays). */
  unsubscribe(): void;
}

/** Opens a socket (or reuses `client`) and subscribes; `field` is the subscription's root field. */
/** A graphql-ws client of the server at this HTTP endpoint, signed in with the token (anonymous when null), never reconnecting. */
export function wsClient(httpEndpoint: string, token: string | null): Client {
  return createClient({
    url: httpEndpoint.replace(/^http/, 'ws'),
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
  });
}

export function subscribe<T>(
  wsUrl: string,
  token: string | null,
  query: string,
  variables: Record<string, unknown> = {},
  options: { client?: Client; field?: string } = {},
): Subscriber<T> {
  const client =
    options.client ??
    createClient({ url: wsUrl, webSocketImpl: WebSocket, connectionParams: token ? { authorization: `Bearer ${token}` } : {}, retryAttempts: 0, lazy: false,
      // The close is recorded on each subscriber (failure); graphql-ws would also print it.
      onNonLazyError: () => {} });
  const field = options.field ?? /subscription[^{]*\{\s*(\w+)/.exec(query)![1];
  const subscriber: Subscriber<T> = {
    received: [],
    values: () => subscriber.received.map((item) => item.value),
    errors: [],
    failure: null,
    completed: false,
    client,
    unsubscribe: () => {},
  };
  subscriber.unsubscribe = client.subscribe<Record<string, T>>(
    { query, variables },
    {
      next: (result) => {
        if (result.errors) subscriber.errors.push(...(result.errors as Subscriber<T>['errors']));
        if (result.data) subscriber.received.push({ value: result.data[field], at: Date.now() });
      },
      error: (error) => {
        if (Array.isArray(error)) subscriber.errors.push(...(error as Subscriber<T>['errors']));
        else subscriber.failure = error;
      },
      complete: () => (subscriber.completed = true),
    },
  );
  return subscriber;
}

export const wsUrlOf = (endpoint: string): string => endpoint.replace(/^http/, 'ws');

/** The slice of TestApi that Scenario uses, for a server in another process. */
export function remoteApi(endpoint: string, jwtSecret: string): TestApi {
  const api = {
    endpoint,
    token: (role: Role, claims: { sub?: string; state?: string; municipality?: string; ttl?: string } = {}) =>
      signToken({ role, sub: claims.sub ?? `test-${role.toLowerCase()}`, ...claims }, jwtSecret),
    async gql<T>(query: string, variables?: Record<string, unknown>, token?: string | null): Promise<GraphQLResult<T>> {
      const response = await fetch(endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: GraphQLResult['errors'] };
      return { status: response.status, data: body.data, errors: body.errors, headers: response.headers };
    },
  };
  return api as unknown as TestApi;
}

export interface ReceivedWebhook {
  id: string;
  headers: Record<string, string>;
  body: string;
  at: number;
  /** The status the receiver answered (null: still open, or the sender went away). */
  answered: number | null;
}

/** A real HTTP endpoint on loopback that records every request and answers as told. */
export class WebhookReceiver {
  readonly requests: ReceivedWebhook[] = [];
  /** What to answer; `delayMs` holds the answer that long. */
  behaviour: { status: number; delayMs: number } = { status: 200, delayMs: 0 };
  private readonly open = new Set<ReceivedWebhook>();
  private server!: Server;
  url = '';

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    receiver.server = createServer((req, res) => void receiver.handle(req, res));
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    receiver.url = `http://127.0.0.1:${(receiver.server.address() as AddressInfo).port}/hooks`;
    return receiver;
  }

  /** Ids of requests that have arrived and not been answered yet. */
  inFlight(): string[] {
    return [...this.open].map((request) => request.id);
  }

  /** How many requests arrived per webhook-id. */
  counts(): Map<string, number> {
    const counts = new Map<string, number>();
    for (const request of this.requests) counts.set(request.id, (counts.get(request.id) ?? 0) + 1);
    return counts;
  }

  /** Ids answered 2xx at least once. */
  delivered(): Set<string> {
    return new Set(this.requests.filter((request) => request.answered !== null && request.answered < 300).map((request) => request.id));
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req as AsyncIterable<Buffer>) chunks.push(chunk);
    const headers = Object.fromEntries(Object.entries(req.headers).map(([name, value]) => [name, String(value)]));
    const request: ReceivedWebhook = { id: headers['webhook-id'] ?? '', headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now(), answered: null };
    this.requests.push(request);
    this.open.add(request);
    const { status, delayMs } = this.behaviour;
    if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
    this.open.delete(request);
    if (res.destroyed || req.socket.destroyed) return;
    request.answered = status;
    res.statusCode = status;
    res.end(status < 300 ? 'ok' : 'not now');
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}
