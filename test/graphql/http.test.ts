/**
 * The HTTP surface: health, metrics, request ids, CORS, the offline explorer,
 * and every kind of bad request answered with its documented code, never a
 * 500, with nothing written.
 */
import { runInNewContext } from 'node:vm';
import { parse } from 'graphql';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JWT_SECRET, TIJUANA, startTestApi, type TestApi } from './support/api.js';
import { M, Q } from './support/documents.js';
import { failing, gated } from './support/fault.js';
import { must, nextCurp } from './support/scenario.js';

let api: TestApi;
let admin: string;

beforeAll(async () => {
  api = (await startTestApi('sqlite', { corsOrigins: ['https://portal.example'] }))!;
  admin = await api.token('ADMIN');
  must(await api.gql(M.publishStandard, { input: { code: 'EC0105', title: 'Atencion al ciudadano', level: 2, validityYears: 5 } }, admin));
});
afterAll(async () => {
  await api?.close();
});

const post = (body: string | Buffer, headers: Record<string, string> = {}) =>
  fetch(api.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });

async function errorOf(response: Response): Promise<{ code: string; message: string }> {
  const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
  return { code: body.errors[0].extensions.code, message: body.errors[0].message };
}

const registerBody = () =>
  JSON.stringify({
    query: M.registerServant,
    variables: { input: { curp: nextCurp(), fullName: 'Ana Ruiz', ...TIJUANA, department: 'D', regime: 'BASE', unionized: true } },
  });

describe('health and metrics', () => {
  it('reports health from the application check', async () => {
    const response = await fetch(`${api.origin}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok', backend: 'sqlite' });
  });

  it('answers 503 when the check fails', async () => {
    const sick = (await startTestApi('sqlite', { health: async () => false }))!;
    try {
      const response = await fetch(`${sick.origin}/health`);
      expect(response.status).toBe(503);
      expect(await response.json()).toMatchObject({ status: 'unavailable' });
    } finally {
      await sick.close();
    }
  });

  it('exposes request counts, latency, the head position and projection gauges', async () => {
    must(await api.gql(Q.standards));
    const text = await (await fetch(`${api.origin}/metrics`)).text();
    expect(text).toMatch(/acredita_graphql_requests_total\{operation_type="query",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/acredita_graphql_requests_total\{operation_type="mutation",outcome="ok"\} [1-9]/);
    expect(text).toMatch(/acredita_graphql_request_duration_seconds_bucket\{le="[^"]+",operation_type="query"\}/);
    expect(text).toContain(`acredita_event_store_head_position ${await api.head()}`);
    expect(text).toMatch(/acredita_projection_position\{projection="standards"\} \d+/);
    expect(text).toMatch(/acredita_projection_lag_events\{projection="standards"\} 0/);
  });
});

describe('request ids and CORS', () => {
  it('echoes a sane x-request-id and makes one otherwise', async () => {
    const given = await post(JSON.stringify({ query: '{ standards { code } }' }), { 'x-request-id': 'abc-123' });
    expect(given.headers.get('x-request-id')).toBe('abc-123');
    const made = await post(JSON.stringify({ query: '{ standards { code } }' }), { 'x-request-id': 'bad id\twith spaces' });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('allows only configured origins', async () => {
    const preflight = (origin: string) =>
      fetch(api.endpoint, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST' } });
    const allowed = await preflight('https://portal.example');
    expect(allowed.status).toBe(204);
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://portal.example');
    expect(allowed.headers.get('access-control-allow-headers')).toContain('authorization');
    const other = await preflight('https://evil.example');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe('the offline explorer', () => {
  it('serves GraphiQL and everything it loads from this server, under a same-origin CSP', async () => {
    const page = await fetch(api.endpoint, { headers: { accept: 'text/html,application/xhtml+xml' } });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    // Not framed (a pre-filled query in a hostile page), and it talks to this server only.
    expect(page.headers.get('content-security-policy')).toMatch(/frame-ancestors 'none'/);
    expect(page.headers.get('content-security-policy')).toMatch(/connect-src 'self'(;|$)/);
    expect(page.headers.get('content-security-policy')).not.toMatch(/ws:|wss:/);
    expect(page.headers.get('x-content-type-options')).toBe('nosniff');
    const html = await page.text();
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(references).toEqual([
      '/explorer/graphiql.min.css',
      '/explorer/explorer.css',
      '/explorer/react.production.min.js',
      '/explorer/react-dom.production.min.js',
      '/explorer/graphiql.min.js',
      '/explorer/boot.js',
    ]);
    for (const reference of references) {
      const asset = await fetch(`${api.origin}${reference}`);
      expect(asset.status, reference).toBe(200);
      expect(asset.headers.get('content-type')).toMatch(reference.endsWith('.css') ? /text\/css/ : /text\/javascript/);
      const text = await asset.text();
      expect(text.length).toBeGreaterThan(100);
      if (reference === '/explorer/boot.js') expect(text).toContain('GraphiQL.createFetcher');
    }
    expect(html).not.toMatch(/https?:\/\//);
    expect((await fetch(`${api.origin}/explorer/../package.json`)).status).toBe(404);
    expect((await fetch(`${api.origin}/explorer/nothing.js`)).status).toBe(404);
  });

  it('boots GraphiQL against this server, with the headers editor open and anonymous by default', async () => {
    const script = await (await fetch(`${api.origin}/explorer/boot.js`)).text();
    const rendered: { fetcherUrl?: string; props?: Record<string, unknown> } = {};
    const GraphiQL = Object.assign(() => null, {
      createFetcher: ({ url }: { url: string }) => {
        rendered.fetcherUrl = url;
        return () => 'answered over HTTP';
      },
    });
    runInNewContext(script, {
      URL,
      window: { location: { href: `${api.origin}/graphql` } },
      document: { getElementById: (id: string) => ({ id }) },
      React: { createElement: (_component: unknown, props: Record<string, unknown>) => props },
      ReactDOM: { createRoot: () => ({ render: (props: Record<string, unknown>) => (rendered.props = props) }) },
      GraphiQL,
    });
    expect(rendered.fetcherUrl).toBe(api.endpoint);
    expect(rendered.props).toMatchObject({ defaultEditorToolsVisibility: 'headers' });
    // Queries and mutations go to GraphiQL's HTTP fetcher; subscriptions would open graphql-ws (test/app/explorer-browser.test.ts).
    const fetcher = rendered.props!.fetcher as (params: unknown, options: unknown) => unknown;
    const query = '{ standards { code } }';
    expect(fetcher({ query }, { documentAST: parse(query) })).toBe('answered over HTTP');
    expect(JSON.parse(rendered.props!.defaultHeaders as string)).toEqual({ Authorization: '' });
    // The empty Authorization the explorer starts with is anonymous, not a bad token.
    const response = await post(JSON.stringify({ query: '{ standards { code } }' }), { authorization: '' });
    expect(response.status).toBe(200);
  });

  it('answers automatic persisted queries over GET: a hash alone once the query is known, refused without the CSRF header', async () => {
    const { createHash } = await import('node:crypto');
    const query = 'query PublicCheck($folio: String!) { verifyCertificate(folio: $folio) { found } }';
    const hash = createHash('sha256').update(query).digest('hex');
    const extensions = encodeURIComponent(JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }));
    const variables = encodeURIComponent(JSON.stringify({ folio: 'APQ-0001' }));
    const get = (withQuery: boolean, headers: Record<string, string> = { 'apollo-require-preflight': '1' }) =>
      fetch(`${api.endpoint}?operationName=PublicCheck&variables=${variables}&extensions=${extensions}${withQuery ? `&query=${encodeURIComponent(query)}` : ''}`, { headers });
    const unknown = await get(false);
    expect(((await unknown.json()) as { errors: { extensions: { code: string } }[] }).errors[0]!.extensions.code).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await get(true)).status).toBe(200);
    const byHash = await get(false);
    expect(byHash.status).toBe(200);
    expect(await byHash.json()).toEqual({ data: { verifyCertificate: { found: false } } });
    // A simple GET a browser would send cross-site (no custom header): refused before it runs.
    const plain = await get(false, {});
    expect(plain.status).toBe(400);
  });

  it('still answers GraphQL over GET for non-browser clients', async () => {
    const query = encodeURIComponent('{ standard(code: "EC0105") { title } }');
    const response = await fetch(`${api.endpoint}?query=${query}`, { headers: { 'apollo-require-preflight': '1' } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { standard: { title: 'Atencion al ciudadano' } } });
  });
});

describe('bad requests: the documented code, never a 500, nothing written', () => {
  const depth20 = `{ servant(id: "00000000-0000-4000-8000-000000000000") { ${'certifications { servant { '.repeat(9)} id ${'} } '.repeat(9)} } }`;
  const cases: { name: string; send: () => Promise<Response>; status: number; code: string }[] = [
    { name: 'malformed JSON', send: () => post('{"query": "{ standards { code } }"'), status: 400, code: 'BAD_REQUEST' },
    { name: 'invalid GraphQL', send: () => post(JSON.stringify({ query: 'mutation { registerServant(' })), status: 400, code: 'GRAPHQL_PARSE_FAILED' },
    {
      name: 'an unknown field',
      send: () => post(JSON.stringify({ query: '{ standards { code password } }' })),
      status: 400,
      code: 'GRAPHQL_VALIDATION_FAILED',
    },
    {
      name: 'an unknown input field',
      send: () =>
        post(JSON.stringify({ query: M.publishStandard, variables: { input: { code: 'EC0999', title: 'T', level: 1, admin: true } } }), {
          authorization: `Bearer ${admin}`,
        }),
      status: 400,
      code: 'BAD_USER_INPUT',
    },
    {
      name: 'an unknown enum value',
      send: () =>
        post(JSON.stringify({ query: Q.servants, variables: { filter: { regime: 'SINDICATO' } } }), { authorization: `Bearer ${admin}` }),
      status: 400,
      code: 'BAD_USER_INPUT',
    },
    { name: 'a depth-20 query', send: () => post(JSON.stringify({ query: depth20 })), status: 400, code: 'QUERY_TOO_DEEP' },
    {
      name: 'an invalid DateTime variable',
      send: () => post(JSON.stringify({ query: Q.certificationStats, variables: { asOf: 'yesterday' } })),
      status: 400,
      code: 'BAD_USER_INPUT',
    },
    { name: 'a PUT', send: () => fetch(api.endpoint, { method: 'PUT', headers: { 'content-type': 'application/json' }, body: '{}' }), status: 405, code: 'BAD_REQUEST' },
    { name: 'a batch (batching is off)', send: () => post(`[${registerBody()}]`, { authorization: `Bearer ${admin}` }), status: 400, code: 'BAD_REQUEST' },
    {
      name: 'a mutation over GET',
      send: () =>
        fetch(`${api.endpoint}?query=${encodeURIComponent(`mutation { withdrawStandard(input: { code: "EC0105", reason: "GET" }) { position } }`)}`, {
          headers: { 'apollo-require-preflight': '1', authorization: `Bearer ${admin}` },
        }),
      status: 405,
      code: 'BAD_REQUEST',
    },
    {
      name: 'a 2 MiB body',
      send: () => post(JSON.stringify({ query: '{ standards { code } }', padding: 'x'.repeat(2 * 1024 * 1024) })),
      status: 413,
      code: 'PAYLOAD_TOO_LARGE',
    },
    { name: 'a forged token', send: () => post(registerBody(), { authorization: `Bearer ${forged}` }), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'an expired token', send: () => post(registerBody(), { authorization: `Bearer ${expired}` }), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'an alg-none token', send: () => post(registerBody(), { authorization: `Bearer ${algNone}` }), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'a non-Bearer header', send: () => post(registerBody(), { authorization: 'Basic YWRtaW46YWRtaW4=' }), status: 401, code: 'UNAUTHENTICATED' },
    { name: 'no token for a mutation', send: () => post(registerBody()), status: 200, code: 'UNAUTHENTICATED' },
    {
      name: 'a text/plain POST (CSRF guard)',
      send: () => post(JSON.stringify({ query: '{ standards { code } }' }), { 'content-type': 'text/plain' }),
      status: 400,
      code: 'BAD_REQUEST',
    },
  ];

  let forged: string;
  let expired: string;
  let algNone: string;
  beforeAll(async () => {
    const key = new TextEncoder().encode('some-other-secret-0123456789abcdefghijkl');
    forged = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setExpirationTime('1h').sign(key);
    const past = Math.floor(Date.now() / 1000) - 60;
    expired = await new SignJWT({ role: 'ADMIN' })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('admin')
      .setIssuedAt(past - 60)
      .setExpirationTime(past)
      .sign(new TextEncoder().encode(JWT_SECRET));
    const part = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    algNone = `${part({ alg: 'none', typ: 'JWT' })}.${part({ sub: 'mallory', role: 'ADMIN', exp: 4102444800 })}.`;
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, { send, status, code }) => {
    const head = await api.head();
    const response = await send();
    expect(response.status).toBe(status);
    expect((await errorOf(response)).code).toBe(code);
    expect(await api.head()).toBe(head);
  });

  it('refuses a query above the cost limit before running it', async () => {
    const cheap = (await startTestApi('sqlite', { maxCost: 50 }))!;
    try {
      const token = await cheap.token('ADMIN');
      const response = await fetch(cheap.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: Q.servants, variables: { first: 100 } }),
      });
      expect(response.status).toBe(400);
      expect((await errorOf(response)).code).toBe('QUERY_TOO_COMPLEX');
    } finally {
      await cheap.close();
    }
  });

  it('logs one line per request, refusals included: who, what, how it ended, its cost; never the variables', async () => {
    const secret = 'Ana Secreta Ruiz';
    const variables = { input: { curp: nextCurp(), fullName: secret, ...TIJUANA, department: 'D', regime: 'BASE', unionized: true } };
    const ok = await post(JSON.stringify({ query: `mutation Register($input: RegisterServantInput!) { registerServant(input: $input) { position } }`, variables }), {
      authorization: `Bearer ${admin}`,
      'x-request-id': 'req-log-1',
    });
    expect(ok.status).toBe(200);
    const refused = await post('{"query": "{ standards { code } }"', { 'x-request-id': 'req-log-2' });
    expect(refused.status).toBe(400);
    const line = (id: string) => api.logs.find((entry) => entry.requestId === id && entry.msg === 'graphql request');
    expect(line('req-log-1')).toMatchObject({ level: 30, operation: 'Register', role: 'ADMIN', sub: 'test-admin', status: 200, errors: 0 });
    expect(line('req-log-1')?.cost).toBeGreaterThan(0);
    expect(line('req-log-1')?.durationMs).toBeGreaterThan(0);
    expect(line('req-log-2')).toMatchObject({ status: 400, refused: 'BAD_REQUEST', role: null });
    expect(JSON.stringify(api.logs)).not.toContain(secret);
  });

  it('masks unexpected errors and logs them with the request id', async () => {
    const broken = (await startTestApi('sqlite', { readModel: failing('standards', new Error('disk I/O error at /var/secret.db')) }))!;
    try {
      const response = await fetch(broken.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-request-id': 'req-boom-1' },
        body: JSON.stringify({ query: '{ standards { code } }' }),
      });
      expect(response.status).toBe(200);
      const body = await response.text();
      expect(JSON.parse(body).errors).toEqual([
        { message: 'Internal server error', locations: [{ line: 1, column: 3 }], path: ['standards'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
      expect(body).not.toContain('secret');
      const logged = broken.logs.find((line) => line.requestId === 'req-boom-1');
      expect(logged).toMatchObject({ level: 50, err: { message: 'disk I/O error at /var/secret.db' } });
    } finally {
      await broken.close();
    }
  });
});

describe('graceful close', () => {
  it('finishes the request in flight, then refuses new connections', async () => {
    const gate = gated('standards');
    const closing = (await startTestApi('sqlite', { readModel: gate.wrap }))!;
    const inFlight = fetch(closing.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ standards { code } }' }),
    });
    await gate.arrived;
    const closed = closing.server.close();
    gate.release();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ data: { standards: [] } });
    await closed;
    await expect(fetch(closing.endpoint, { method: 'POST', body: '{}' })).rejects.toThrow();
    await closing.close();
  });
});
