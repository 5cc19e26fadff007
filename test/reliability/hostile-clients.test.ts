/**
 * Hostile clients against a real `acredita serve` (SQLite, a child process):
 * the attacks of docs/reliability.md "Hostile clients", each refused with its
 * code, and none holding the server: /health keeps answering within 100 ms
 * (p99) while they run. These machines are shared, so the bound is 100 ms
 * plus ten times what the same sampler measures with the server idle at that
 * moment (the machine's own load, not ours).
 */
import { request } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { getIntrospectionQuery } from 'graphql';
import { SignJWT } from 'jose';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { type Answer, codeOf, gql, must, post } from './support/client.js';
import { recordFigures, openStage, type Stage } from './support/setup.js';
import { Workload } from './support/workload.js';

let stage: Stage;
let endpoint: string;
let goalId: string;

beforeAll(async () => {
  stage = await openStage('sqlite');
  endpoint = stage.server.endpoint;
  const options = { endpoint, adminToken: stage.adminToken, clients: 0, durationMs: 0, run: 'hostile' };
  await Workload.seed(options);
  const goal = must(
    await gql(
      endpoint,
      `mutation { setGoal(input: { state: "Baja California", municipality: "Tijuana", target: 600, startsAt: "2016-12-01T00:00:00Z", deadline: "2018-12-31T23:59:59Z" }) { goal { id } } }`,
      {},
      stage.adminToken,
    ),
  );
  goalId = goal.setGoal.goal.id;
}, 120_000);
afterAll(() => stage?.close());

const aliased = (count: number, field: (i: number) => string) => `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field(i)}`).join(' ')} }`;

/** /health answer times (ms) sampled every `everyMs` until `done` settles. */
async function healthLatencies(done: Promise<unknown>, everyMs = 20): Promise<number[]> {
  const origin = new URL(endpoint).origin;
  const times: number[] = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished || times.length < 20) {
    const started = performance.now();
    const answer = await fetch(`${origin}/health`, { signal: AbortSignal.timeout(30_000) });
    await answer.text();
    times.push(performance.now() - started);
    await sleep(everyMs);
  }
  return times;
}

const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))];

describe('no single request holds the server', () => {
  it('refuses the alias and introspection bombs cheaply, and /health answers within 100 ms (p99) throughout', async () => {
    const bombs: { name: string; send: () => Promise<Answer>; code: string }[] = [
      {
        name: '5,000 aliased goalProgress, anonymous',
        send: () => gql(endpoint, aliased(5_000, () => `goalProgress(goalId: "${goalId}") { achieved percent }`)),
        code: 'GRAPHQL_PARSE_FAILED',
      },
      {
        name: '2,300 aliased __schema, anonymous',
        send: () => gql(endpoint, aliased(2_300, () => '__schema { types { fields { args { name } } } }')),
        code: 'GRAPHQL_PARSE_FAILED',
      },
      {
        name: '60 aliased goalProgress, anonymous (under the token limit)',
        send: () => gql(endpoint, aliased(60, () => `goalProgress(goalId: "${goalId}") { achieved percent }`)),
        code: 'QUERY_TOO_COMPLEX',
      },
      {
        name: 'three full introspections, anonymous',
        send: () => {
          const fragments = getIntrospectionQuery().slice(getIntrospectionQuery().indexOf('fragment FullType'));
          return gql(endpoint, `{ a: __schema { types { ...FullType } } b: __schema { types { ...FullType } } c: __schema { types { ...FullType } } } ${fragments}`);
        },
        code: 'QUERY_TOO_COMPLEX',
      },
      {
        name: 'a 1 MiB document of __typename',
        send: () => gql(endpoint, `{ ${'__typename '.repeat(94_000)}}`),
        code: 'GRAPHQL_PARSE_FAILED',
      },
    ];
    const answers: Record<string, { status: number; code: string | undefined; ms: number }> = {};
    // A first round warms the server up (compiling its code paths is not what is measured).
    for (const bomb of bombs) await bomb.send();
    const attacks = (async () => {
      const until = Date.now() + 4_000;
      while (Date.now() < until) {
        for (const bomb of bombs) {
          const started = performance.now();
          const answer = await bomb.send();
          answers[bomb.name] = { status: answer.status, code: codeOf(answer), ms: Math.round(performance.now() - started) };
        }
        // The heaviest query a signed-in caller may send, just under the ceiling.
        const page = await gql(
          endpoint,
          `{ ${['a', 'b', 'c', 'd'].map((a) => `${a}: servants(first: 100) { edges { node { id fullName department certifications { stage attempts standard { code title } certificate { folio status } } } } }`).join(' ')} }`,
          {},
          stage.adminToken,
        );
        expect(page.errors, page.text.slice(0, 500)).toBeUndefined();
      }
    })();
    const latencies = await healthLatencies(attacks, 5);
    await attacks;
    // The same sampler with nothing else running: what this machine's load adds anyway (it is shared).
    const idle = await healthLatencies(sleep(2_000), 5);
    for (const bomb of bombs) expect({ bomb: bomb.name, ...answers[bomb.name] }).toMatchObject({ bomb: bomb.name, status: 400, code: bomb.code });
    const p99 = percentile(latencies, 99);
    const idleP99 = percentile(idle, 99);
    recordFigures('hostile-clients health under attack', 'sqlite', { samples: latencies.length, p50: percentile(latencies, 50), p99, idleP99, answers });
    // 100 ms is the target on a quiet machine, measured there by the bench (docs/reliability.md); here the
    // machine is shared, so its own load, ten times the idle p99 of this very run, is allowed on top.
    // Before the fix one request held /health 8.8 s.
    expect(p99).toBeLessThan(100 + 10 * idleP99);
  });

  it('weighs variables with their defaults: a default cannot carry a page size the literal may not', async () => {
    const selection = 'edges { node { id fullName curp department position regime certifications { stage attempts standard { code title level } certificate { folio status issuedAt } } } }';
    const literal = `{ ${['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((a) => `${a}: servants(first: 100) { ${selection} }`).join(' ')} }`;
    const viaDefault = `query($f: Int = 100) { ${['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((a) => `${a}: servants(first: $f) { ${selection} }`).join(' ')} }`;
    for (const query of [literal, viaDefault]) {
      const answer = await gql(endpoint, query, {}, stage.adminToken);
      expect({ status: answer.status, code: codeOf(answer) }, answer.text.slice(0, 500)).toEqual({ status: 400, code: 'QUERY_TOO_COMPLEX' });
    }
    const audit = (first: string) => `query${first === '$n' ? '($n: Int = 500)' : ''} { ${['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'].map((a) => `${a}: auditLog(first: ${first}) { edges { cursor node { streamId revision position type data occurredAt recordedAt actor commandId hash } } }`).join(' ')} }`;
    for (const query of [audit('500'), audit('$n')]) expect(codeOf(await gql(endpoint, query, {}, stage.adminToken))).toBe('QUERY_TOO_COMPLEX');
    // The same page with a small variable is answered.
    expect(codeOf(await gql(endpoint, audit('$n'), { n: 5 }, stage.adminToken))).toBeUndefined();
  });
});

describe('hostile input is BAD_USER_INPUT naming the field, never a 500', () => {
  const expectBadInput = (answer: Answer, field: RegExp) => {
    expect(answer.status, answer.text.slice(0, 300)).toBeLessThan(500);
    expect(codeOf(answer), answer.text.slice(0, 300)).toBe('BAD_USER_INPUT');
    expect(answer.errors?.[0]?.message).toMatch(field);
  };

  it('a 480,000-character nameContains, as a literal and as a variable; a 101-character one', async () => {
    const long = 'a'.repeat(480_000);
    expectBadInput(await gql(endpoint, `{ servants(filter: { nameContains: "${long}" }) { totalCount } }`, {}, stage.adminToken), /nameContains/);
    expectBadInput(
      await gql(endpoint, 'query($f: ServantFilter) { servants(filter: $f) { totalCount } }', { f: { nameContains: long } }, stage.adminToken),
      /nameContains/,
    );
    expectBadInput(await gql(endpoint, `{ servants(filter: { nameContains: "${'b'.repeat(101)}" }) { totalCount } }`, {}, stage.adminToken), /nameContains/);
  });

  it('a cursor beyond 64 bits, over HTTP and over graphql-ws', async () => {
    const query = '{ auditLog(after: "18446744073709551616", first: 1) { edges { cursor } } }';
    expectBadInput(await gql(endpoint, query, {}, stage.adminToken), /cursor/);
    const client = createClient({ url: endpoint.replace(/^http/, 'ws'), webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${stage.adminToken}` }, retryAttempts: 0 });
    try {
      const result = await new Promise<{ errors?: { message: string; extensions?: { code?: string } }[] }>((resolve, reject) => {
        client.subscribe({ query }, { next: (value) => resolve(value as never), error: reject, complete: () => {} });
      });
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(result.errors?.[0]?.message).toMatch(/cursor/);
    } finally {
      await client.dispose();
    }
  });

  it('an unused variable nested 400,000 deep in a cacheable query', async () => {
    const deep = `${'['.repeat(400_000)}${']'.repeat(400_000)}`;
    const answer = await post(endpoint, `{"query":"{ standards { code } }","variables":{"x":${deep}}}`);
    expectBadInput(answer, /\$x/);
  });
});

describe('tokens that live forever', () => {
  it('refuses an exp 100 years ahead and an iat 10 hours in the future with 401', async () => {
    const key = new TextEncoder().encode(stage.secret);
    const now = Math.floor(Date.now() / 1000);
    const forever = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuedAt(now).setExpirationTime(now + 100 * 365 * 86_400).sign(key);
    const future = await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('a').setIssuedAt(now + 36_000).setExpirationTime(now + 39_600).sign(key);
    for (const token of [forever, future]) {
      const answer = await gql(endpoint, '{ standards { code } }', {}, token);
      expect({ status: answer.status, code: codeOf(answer) }).toEqual({ status: 401, code: 'UNAUTHENTICATED' });
    }
  });
});

describe('HTTP hardening', () => {
  it('sends the hardening headers on every response', async () => {
    const origin = new URL(endpoint).origin;
    for (const path of ['/health', '/graphql?query=%7B__typename%7D', '/nowhere']) {
      const answer = await fetch(`${origin}${path}`, { headers: { 'apollo-require-preflight': 'true' } });
      expect(answer.headers.get('x-content-type-options'), path).toBe('nosniff');
      expect(answer.headers.get('x-frame-options'), path).toBe('SAMEORIGIN');
      expect(answer.headers.get('content-security-policy'), path).toMatch(/frame-ancestors 'none'/);
      expect(answer.headers.get('referrer-policy'), path).toBe('no-referrer');
    }
  });

  it('answers every oversized body with a 413 the client reads, never a cut connection', async () => {
    const body = Buffer.alloc(2 * 1024 * 1024, 0x20);
    const { hostname, port } = new URL(endpoint);
    const send = () =>
      new Promise<{ status: number; text: string }>((resolve, reject) => {
        const req = request({ hostname, port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json', 'content-length': body.length } }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const answers = await Promise.allSettled(Array.from({ length: 10 }, send));
    const outcomes = answers.map((answer) => (answer.status === 'fulfilled' ? answer.value.status : (answer.reason as Error).message));
    expect(outcomes).toEqual(Array(10).fill(413));
    for (const answer of answers) {
      if (answer.status === 'fulfilled') expect(JSON.parse(answer.value.text).errors[0].extensions.code).toBe('PAYLOAD_TOO_LARGE');
    }
  });
});
