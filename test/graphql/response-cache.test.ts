/**
 * Kept responses of read-model queries (src/graphql/response-cache): a repeated
 * query is answered without executing, and never with an answer that a write
 * (through this server or beside it), the caller, or the clock would change.
 * Hits and misses are read from the server's own /metrics.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/app/config.js';
import { BACKENDS, MEXICALI, TIJUANA, startTestApi, type TestApi } from './support/api.js';
import { Q } from './support/documents.js';
import { Scenario, must } from './support/scenario.js';

/** A clock the test moves: certificates expire without any write. */
const clock = { at: new Date('2023-06-30T12:00:00.000Z'), now() { return this.at; } };

async function cacheCounts(api: TestApi): Promise<{ hit: number; miss: number }> {
  const text = await (await fetch(`${api.origin}/metrics`)).text();
  const count = (outcome: string) => Number(new RegExp(`acredita_graphql_response_cache_total\\{outcome="${outcome}"\\} (\\d+)`).exec(text)?.[1] ?? 0);
  return { hit: count('hit'), miss: count('miss') };
}

describe.each(BACKENDS)('kept responses on %s', (backend) => {
  let api: TestApi | null;
  let scenario: Scenario;
  let admin: string;
  let evaluatorId: string;

  beforeAll(async () => {
    api = await startTestApi(backend, { clock, publicRateLimit: { perMinute: 1, burst: 3 } });
    if (!api) return;
    scenario = await Scenario.start(api);
    admin = await api.token('ADMIN');
    await scenario.publishStandard('EC0105', 5);
    evaluatorId = (await scenario.accreditEvaluator(['EC0105'])).id;
  });
  afterAll(async () => {
    await api?.close();
  });

  /** Runs `query` and returns its data and whether a kept response answered it. */
  async function ask(query: string, variables: Record<string, unknown>, token: string | null = admin) {
    const before = await cacheCounts(api!);
    const data = must(await api!.gql(query, variables, token));
    const after = await cacheCounts(api!);
    return { data, hit: after.hit - before.hit === 1, miss: after.miss - before.miss === 1 };
  }

  it('answers a repeated query from the kept response, and a write through the API is seen at once', async (ctx) => {
    if (!api) ctx.skip();
    const servant = await scenario.registerServant(TIJUANA);
    const first = await ask(Q.servant, { id: servant.id });
    expect(first.miss).toBe(true);
    const second = await ask(Q.servant, { id: servant.id });
    expect(second.hit).toBe(true);
    expect(second.data).toEqual(first.data);

    await scenario.competent(servant.id, 'EC0105', evaluatorId);
    const afterWrite = await ask(Q.servant, { id: servant.id });
    expect(afterWrite.hit).toBe(false);
    expect(afterWrite.data.servant.certifications).toEqual([{ id: expect.any(String), stage: 'COMPETENT' }]);
  });

  it('sees a write made beside the server (another process would do the same) once the read models have it', async (ctx) => {
    if (!api) ctx.skip();
    const servant = await scenario.registerServant(TIJUANA);
    await scenario.competent(servant.id, 'EC0105', evaluatorId);
    const variables = { servantId: servant.id, standardCode: 'EC0105' };
    expect((await ask(Q.certification, variables)).data.certification.stage).toBe('COMPETENT');
    expect((await ask(Q.certification, variables)).hit).toBe(true);

    const context = { occurredAt: new Date('2018-07-01T17:00:00.000Z'), now: clock.now(), actor: 'registrar', commandId: null, correlationId: null };
    const { position } = await api!.app.office.issueCertificate({ ...variables, folio: `SIDE-${randomUUID().slice(0, 8)}` }, context);
    await api!.app.readModel.waitFor(position);
    const afterWrite = await ask(Q.certification, variables);
    expect(afterWrite.hit).toBe(false);
    expect(afterWrite.data.certification.stage).toBe('CERTIFIED');
  });

  it('keeps one answer per caller: a registrar never gets another place’s or an admin’s answer', async (ctx) => {
    if (!api) ctx.skip();
    await scenario.registerServant(MEXICALI);
    const tijuana = await api!.token('REGISTRAR', TIJUANA);
    const mexicali = await api!.token('REGISTRAR', { ...MEXICALI, sub: 'registrar-mexicali' });
    const places = async (token: string) => {
      const { data } = await ask(Q.servants, { first: 50 }, token);
      return new Set(data.servants.edges.map((edge: any) => edge.node.municipality));
    };
    expect(await places(admin)).toEqual(new Set(['Tijuana', 'Mexicali']));
    expect(await places(tijuana)).toEqual(new Set(['Tijuana']));
    expect(await places(mexicali)).toEqual(new Set(['Mexicali']));
    expect(await places(tijuana)).toEqual(new Set(['Tijuana']));
  });

  it('turns a kept VALID into EXPIRED once the clock passes validUntil, with no write in between', async (ctx) => {
    if (!api) ctx.skip();
    const folio = `EXP-${randomUUID().slice(0, 8)}`;
    const servant = await scenario.registerServant(TIJUANA);
    await scenario.competent(servant.id, 'EC0105', evaluatorId);
    await scenario.issue(servant.id, 'EC0105', folio, '2018-07-01T00:00:00.000Z');
    const head = await api!.head();
    expect((await ask(Q.certificate, { folio })).data.certificate).toMatchObject({ status: 'VALID', validUntil: '2023-07-01T00:00:00.000Z' });
    expect((await ask(Q.certificate, { folio })).hit).toBe(true);

    clock.at = new Date('2023-07-01T00:00:00.001Z');
    const expired = await ask(Q.certificate, { folio });
    expect(expired.hit).toBe(false);
    expect(expired.data.certificate.status).toBe('EXPIRED');
    expect(await api!.head()).toBe(head);
    clock.at = new Date('2023-06-30T12:00:00.000Z');
  });

  it('keeps no error, and never keeps the auditors’ live reads', async (ctx) => {
    if (!api) ctx.skip();
    for (let i = 0; i < 2; i++) {
      const before = await cacheCounts(api!);
      const refused = await api!.gql(Q.servants, { first: 5, after: 'not-a-cursor' }, admin);
      expect(refused.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect((await cacheCounts(api!)).hit).toBe(before.hit);
    }
    for (const query of [Q.projections, Q.auditLog]) {
      const before = await cacheCounts(api!);
      must(await api!.gql(query, {}, admin));
      must(await api!.gql(query, {}, admin));
      expect(await cacheCounts(api!)).toEqual(before);
    }
  });

  it('still counts a kept verifyCertificate against the public rate limit', async (ctx) => {
    if (!api) ctx.skip();
    // Its own server: the other tests' certificate(folio) look-ups share the per-address bucket (api.md, "Rate limits").
    const fresh = (await startTestApi(backend, { publicRateLimit: { perMinute: 1, burst: 3 } }))!;
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fresh.gql(Q.verifyCertificate, { folio: 'NO-SUCH-FOLIO' }, null)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
    } finally {
      await fresh.close();
    }
  });

  it('bounds a kept response by the next certificate expiry or the next UTC day, whichever comes first', async (ctx) => {
    if (!api) ctx.skip();
    const readModel = api!.app.readModel;
    // A certificate of an earlier test expires at 2023-07-01T00:00:00.000Z.
    expect((await readModel.nextChangeInTime(new Date('2023-06-30T12:00:00.000Z'))).toISOString()).toBe('2023-07-01T00:00:00.000Z');
    expect((await readModel.nextChangeInTime(new Date('2023-06-30T23:59:59.999Z'))).toISOString()).toBe('2023-07-01T00:00:00.000Z');
    expect((await readModel.nextChangeInTime(new Date('2023-07-01T00:00:00.000Z'))).toISOString()).toBe('2023-07-01T00:00:00.001Z');
    expect((await readModel.nextChangeInTime(new Date('2030-03-04T05:06:07.000Z'))).toISOString()).toBe('2030-03-05T00:00:00.000Z');
  });
});

describe('RESPONSE_CACHE_MB', () => {
  it('sizes the kept responses (default 32 MiB, 0 keeps none) and refuses what is not a size', () => {
    const base = { MASTER_KEY: 'a'.repeat(64), JWT_SECRET: 'x'.repeat(32) };
    expect(loadConfig(base).responseCacheBytes).toBe(32 * 1024 * 1024);
    expect(loadConfig({ ...base, RESPONSE_CACHE_MB: '0' }).responseCacheBytes).toBe(0);
    expect(loadConfig({ ...base, RESPONSE_CACHE_MB: '128' }).responseCacheBytes).toBe(128 * 1024 * 1024);
    expect(() => loadConfig({ ...base, RESPONSE_CACHE_MB: 'lots' })).toThrow(/RESPONSE_CACHE_MB/);
    expect(() => loadConfig({ ...base, RESPONSE_CACHE_MB: '-1' })).toThrow(/RESPONSE_CACHE_MB/);
  });
});
