/**
 * Abuse: verifyCertificate is limited per client address with a token bucket,
 * so folios cannot be enumerated faster than PUBLIC_RATE_LIMIT allows, over
 * HTTP or graphql-ws. Unit tests of the bucket, then the real server.
 */
import fc from 'fast-check';
import { parse } from 'graphql';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { loadConfig } from '../../src/app/config.js';
import { RATE_LIMITED_FIELDS, RateLimiter, countRootFields } from '../../src/app/rate-limit.js';
import { codeOf, gql } from './support/client.js';
import { openStage, type Stage } from './support/setup.js';

const clock = () => {
  let now = 1_000_000;
  return { now: () => now, advance: (ms: number) => (now += ms) };
};

describe('RateLimiter (token bucket per client)', () => {
  it('lets a burst through, then one request per refill interval', () => {
    const time = clock();
    const limiter = new RateLimiter({ perMinute: 60, burst: 3, now: time.now });
    expect([1, 2, 3].map(() => limiter.take('a').allowed)).toEqual([true, true, true]);
    expect(limiter.take('a')).toEqual({ allowed: false, retryAfterSeconds: 1 });
    time.advance(999);
    expect(limiter.take('a').allowed).toBe(false);
    time.advance(1);
    expect(limiter.take('a').allowed).toBe(true);
    expect(limiter.take('b').allowed).toBe(true); // another address has its own bucket
    time.advance(3_600_000); // a long pause refills to the burst, no further
    expect([1, 2, 3, 4].map(() => limiter.take('a').allowed)).toEqual([true, true, true, false]);
  });

  it('takes a whole cost or nothing; a cost above the burst never passes', () => {
    const time = clock();
    const limiter = new RateLimiter({ perMinute: 60, burst: 5, now: time.now });
    expect(limiter.take('a', 4).allowed).toBe(true);
    expect(limiter.take('a', 2)).toEqual({ allowed: false, retryAfterSeconds: 1 });
    expect(limiter.take('a', 1).allowed).toBe(true); // the refused cost took nothing
    expect(limiter.take('b', 6)).toEqual({ allowed: false, retryAfterSeconds: 60 });
  });

  it('remembers at most maxClients addresses, forgetting the least recently seen', () => {
    const time = clock();
    const limiter = new RateLimiter({ perMinute: 1, burst: 1, maxClients: 100, now: time.now });
    limiter.take('hammering');
    for (let i = 0; i < 1_000; i++) {
      limiter.take(`passer-by-${i}`);
      if (i % 10 === 0) expect(limiter.take('hammering').allowed).toBe(false); // kept: seen recently
    }
    expect(limiter.size).toBe(100);
  });

  it('never allows more than burst + rate x time to one client (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 600 }),
        fc.integer({ min: 1, max: 50 }),
        fc.array(fc.record({ client: fc.constantFrom('a', 'b', 'c'), wait: fc.integer({ min: 0, max: 5_000 }), cost: fc.integer({ min: 1, max: 4 }) }), {
          maxLength: 300,
        }),
        (perMinute, burst, requests) => {
          const time = clock();
          const start = time.now();
          const limiter = new RateLimiter({ perMinute, burst, now: time.now });
          const granted = new Map<string, number>();
          for (const { client, wait, cost } of requests) {
            time.advance(wait);
            if (limiter.take(client, cost).allowed) granted.set(client, (granted.get(client) ?? 0) + cost);
          }
          const ceiling = burst + (perMinute * (time.now() - start)) / 60_000;
          for (const total of granted.values()) expect(total).toBeLessThanOrEqual(ceiling + 1e-9);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('counts verifyCertificate at the root through aliases and fragments', () => {
    const count = (query: string) => countRootFields(parse(query), undefined, RATE_LIMITED_FIELDS);
    expect(count('{ standards { code } }')).toBe(0);
    expect(count('{ verifyCertificate(folio: "A") { found } }')).toBe(1);
    expect(count('{ a: verifyCertificate(folio: "A") { found } b: verifyCertificate(folio: "B") { found } }')).toBe(2);
    expect(count('{ ...F ... on Query { c: verifyCertificate(folio: "C") { found } } } fragment F on Query { verifyCertificate(folio: "A") { found } }')).toBe(2);
    expect(countRootFields(parse('query A { standards { code } } query B { verifyCertificate(folio: "A") { found } }'), 'A', RATE_LIMITED_FIELDS)).toBe(0);
  });

  it('is configured by PUBLIC_RATE_LIMIT and PUBLIC_RATE_BURST (default 60 a minute, bursts of 20; 0 turns it off)', () => {
    const base = { MASTER_KEY: 'a'.repeat(64), JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(base).publicRateLimit).toEqual({ perMinute: 60, burst: 20 });
    expect(loadConfig({ ...base, PUBLIC_RATE_LIMIT: '120', PUBLIC_RATE_BURST: '5' }).publicRateLimit).toEqual({ perMinute: 120, burst: 5 });
    expect(loadConfig({ ...base, PUBLIC_RATE_LIMIT: '0' }).publicRateLimit).toBeNull();
    expect(() => loadConfig({ ...base, PUBLIC_RATE_LIMIT: '-1' })).toThrow(/PUBLIC_RATE_LIMIT/);
  });
});

describe('verifyCertificate on a real server with PUBLIC_RATE_LIMIT=6, PUBLIC_RATE_BURST=5', () => {
  let stage: Stage;
  beforeAll(async () => {
    stage = await openStage('sqlite', { extraEnv: { PUBLIC_RATE_LIMIT: '6', PUBLIC_RATE_BURST: '5' } });
  });
  afterAll(() => stage?.close());

  const verify = (folio: string) => gql(stage.server.endpoint, `query($folio: String!) { verifyCertificate(folio: $folio) { folio found } }`, { folio });

  it('answers a burst, then refuses with HTTP 429, RATE_LIMITED and Retry-After; other queries still pass', async () => {
    const answers = [];
    for (let i = 0; i < 7; i++) answers.push(await verify(`GUESS-${i}`));
    expect(answers.slice(0, 5).map((a) => a.data?.verifyCertificate?.found)).toEqual([false, false, false, false, false]);
    const refused = answers[6];
    expect(refused.status).toBe(429);
    expect(codeOf(refused)).toBe('RATE_LIMITED');
    expect(refused.errors?.[0].message).toMatch(/at most 6 a minute/);
    expect(refused.data ?? null).toBeNull();
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    const other = await gql(stage.server.endpoint, '{ standards { code } }');
    expect(other.status).toBe(200);

    // An alias bomb costs one token per field, so it cannot smuggle guesses through (ten is over the burst).
    const bomb = `{ ${Array.from({ length: 10 }, (_, i) => `g${i}: verifyCertificate(folio: "BOMB-${i}") { found }`).join(' ')} }`;
    expect(codeOf(await gql(stage.server.endpoint, bomb))).toBe('RATE_LIMITED');
  });

  it('cannot be side-stepped over graphql-ws, and a folio cannot be guessed faster than the limit', async () => {
    const client = createClient({ url: stage.server.endpoint.replace('http', 'ws'), webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });
    try {
      const codes: (string | undefined)[] = [];
      for (let i = 0; i < 8; i++) {
        const result = await new Promise<{ errors?: { extensions?: { code?: string } }[] }>((resolve) => {
          let last = {};
          client.subscribe(
            { query: `query { verifyCertificate(folio: "WS-${i}") { found } }` },
            { next: (value) => (last = value), error: (errors) => resolve({ errors: errors as { extensions?: { code?: string } }[] }), complete: () => resolve(last) },
          );
        });
        codes.push(result.errors?.[0]?.extensions?.code);
      }
      expect(codes).toContain('RATE_LIMITED');
    } finally {
      await client.dispose();
    }

    // Hammering for 2 s gets at most what the bucket held (5 at most) plus the refill of those seconds.
    const started = Date.now();
    let answered = 0;
    let tried = 0;
    while (Date.now() - started < 2_000) {
      tried += 1;
      if ((await verify(`ENUM-${tried}`)).status === 200) answered += 1;
    }
    const seconds = (Date.now() - started) / 1_000;
    expect(tried).toBeGreaterThan(answered);
    expect(answered).toBeLessThanOrEqual(5 + Math.ceil((6 / 60) * seconds));
  });
});
