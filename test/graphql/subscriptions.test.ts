/**
 * certificateIssued over graphql-ws (a real client on the real server): each
 * subscriber receives each issuance once, only for its municipality, after the
 * read models include it; an idempotent replay pushes nothing.
 */
import { wsClient } from '../notifications/support.js';
import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, MEXICALI, TIJUANA, startTestApi, type TestApi } from './support/api.js';
import { S } from './support/documents.js';
import { Scenario } from './support/scenario.js';

interface Received {
  folio: string;
  status: string;
  issuedAt: string;
  servant: { id: string; municipality: string };
  standard: { code: string };
}

interface Subscriber {
  events: Received[];
  errors: unknown[];
  /** Set when the socket closed with an error (e.g. a close code). */
  failure: unknown;
  client: Client;
}

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

describe.each(BACKENDS)('certificateIssued subscriptions on %s', (backend) => {
  let api: TestApi | null;
  let scenario: Scenario;
  let evaluatorId: string;
  const clients: Client[] = [];

  beforeAll(async () => {
    api = await startTestApi(backend);
    if (!api) return;
    scenario = await Scenario.start(api);
    await scenario.publishStandard('EC0105', 5);
    evaluatorId = (await scenario.accreditEvaluator(['EC0105'])).id;
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await api?.close();
  });

  function subscribe(token: string | null, municipality?: string, query: string = S.certificateIssued): Subscriber {
    const client = wsClient(api!.endpoint, token);
    clients.push(client);
    const subscriber: Subscriber = { events: [], errors: [], failure: null, client };
    client.subscribe<{ certificateIssued: Received }>(
      { query, variables: municipality ? { municipality } : {} },
      {
        next: (result) => {
          if (result.errors) subscriber.errors.push(...result.errors);
          if (result.data) subscriber.events.push(result.data.certificateIssued);
        },
        error: (error) => {
          subscriber.failure = error;
        },
        complete: () => {},
      },
    );
    return subscriber;
  }

  const activeSubscriptions = async (): Promise<number> => {
    const text = await (await fetch(`${api!.origin}/metrics`)).text();
    return Number(/^acredita_graphql_subscriptions_active (\d+)$/m.exec(text)?.[1] ?? -1);
  };

  it('pushes each issuance once, to the right municipalities, after the read models have it', async (ctx) => {
    if (!api) ctx.skip();
    const competent = async (place: { state: string; municipality: string }) => {
      const servant = await scenario.registerServant(place);
      await scenario.competent(servant.id, 'EC0105', evaluatorId);
      return servant;
    };
    const [a, b, c, d, e] = [await competent(TIJUANA), await competent(MEXICALI), await competent(TIJUANA), await competent(TIJUANA), await competent(MEXICALI)];

    const registrar = subscribe(await api!.token('REGISTRAR', TIJUANA));
    const registrarPeeking = subscribe(await api!.token('REGISTRAR', TIJUANA), 'Mexicali');
    const adminAll = subscribe(await api!.token('ADMIN'));
    const adminMexicali = subscribe(await api!.token('ADMIN'), 'Mexicali');
    const evaluator = subscribe(await api!.token('EVALUATOR', { sub: evaluatorId }));
    await until(async () => (await activeSubscriptions()) === 5, 'five open subscriptions');

    const folio = (servant: { id: string }) => `F-${servant.id.slice(0, 8)}`;
    const replayed = randomUUID();
    await scenario.issue(a.id, 'EC0105', folio(a), undefined, replayed);
    await scenario.issue(b.id, 'EC0105', folio(b));
    // The same commandId again: the first result comes back and nothing is pushed.
    await scenario.issue(a.id, 'EC0105', folio(a), undefined, replayed);
    await scenario.issue(c.id, 'EC0105', folio(c));
    await scenario.issue(d.id, 'EC0105', folio(d));
    await scenario.issue(e.id, 'EC0105', folio(e));

    // Per-connection order is publication order: once the last expected event is in, nothing earlier is missing.
    await until(() => adminAll.events.length >= 5 && evaluator.events.length >= 5, 'all five issuances');
    await until(() => registrar.events.length >= 3 && adminMexicali.events.length >= 2, 'the municipal subscribers');
    const folios = (subscriber: Subscriber) => subscriber.events.map((event) => event.folio);
    expect(folios(adminAll)).toEqual([a, b, c, d, e].map(folio));
    expect(folios(evaluator)).toEqual([a, b, c, d, e].map(folio));
    expect(folios(registrar)).toEqual([a, c, d].map(folio));
    expect(folios(adminMexicali)).toEqual([b, e].map(folio));
    expect(registrarPeeking.events).toEqual([]);
    expect(adminAll.events[0]).toEqual({ folio: folio(a), status: 'VALID', issuedAt: expect.any(String), servant: { id: a.id, municipality: 'Tijuana' }, standard: { code: 'EC0105' } });
    for (const subscriber of [registrar, registrarPeeking, adminAll, adminMexicali, evaluator]) {
      expect(subscriber.errors).toEqual([]);
      expect(subscriber.failure).toBeNull();
    }

    for (const client of clients.splice(0)) await client.dispose();
    await until(async () => (await activeSubscriptions()) === 0, 'listeners removed after the clients left');
  });

  it('refuses anonymous subscribers with UNAUTHENTICATED', async (ctx) => {
    if (!api) ctx.skip();
    const anonymous = subscribe(null);
    await until(() => anonymous.errors.length > 0, 'the refusal');
    expect(anonymous.errors).toMatchObject([{ extensions: { code: 'UNAUTHENTICATED' } }]);
    expect(await activeSubscriptions()).toBe(0);
  });

  it('closes the socket with 4401 on a bad token', async (ctx) => {
    if (!api) ctx.skip();
    const forged = subscribe('eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4Iiwicm9sZSI6IkFETUlOIn0.');
    await until(() => forged.failure !== null, 'the socket to close');
    expect((forged.failure as { code: number }).code).toBe(4401);
    expect(forged.events).toEqual([]);
  });

  it('applies the depth limit to subscriptions too', async (ctx) => {
    if (!api) ctx.skip();
    const deep = `subscription { certificateIssued { servant { ${'certifications { servant { '.repeat(6)} id ${'} } '.repeat(6)} } } }`;
    const subscriber = subscribe(await api!.token('ADMIN'), undefined, deep);
    await until(() => subscriber.errors.length > 0 || subscriber.failure !== null, 'the refusal');
    const errors = subscriber.errors.length ? subscriber.errors : (subscriber.failure as unknown[]);
    expect(errors).toMatchObject([{ extensions: { code: 'QUERY_TOO_DEEP' } }]);
  });

  it('closes open subscriptions when the server closes', async (ctx) => {
    if (!api) ctx.skip();
    const own = (await startTestApi(backend))!;
    try {
      const client = wsClient(own.endpoint, await own.token('AUDITOR'));
      let ended: unknown = null;
      let completed = false;
      client.subscribe({ query: S.certificateIssued }, { next: () => {}, error: (error) => (ended = error), complete: () => (completed = true) });
      await until(async () => /^acredita_graphql_subscriptions_active 1$/m.test(await (await fetch(`${own.origin}/metrics`)).text()), 'the subscription');
      await own.server.close();
      await until(() => ended !== null || completed, 'the client to be told');
      expect(ended === null ? 'completed' : (ended as { code: number }).code).toBe(1001);
      await client.dispose();
    } finally {
      await own.close();
    }
  });
});
