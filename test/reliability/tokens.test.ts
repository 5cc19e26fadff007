/**
 * Hostile tokens and a REGISTRAR reaching past its municipality, against the
 * real server: every bad token is UNAUTHENTICATED (HTTP 401) and writes
 * nothing; another municipality's servants stay out of reach by id, CURP,
 * filter, name search, cursor and subscription (api.md: null or empty, never
 * an error that confirms they exist).
 */
import { wsClient } from '../notifications/support.js';
import { createHmac, generateKeyPairSync, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { SignJWT } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/graphql/auth.js';
import { codeOf, gql, must } from './support/client.js';
import { fictitiousCurp } from './support/people.js';
import { openStage, reachableBackends, type Stage } from './support/setup.js';
import { STANDARD, TIJUANA, Workload } from './support/workload.js';

const MEXICALI = { state: 'Baja California', municipality: 'Mexicali' } as const;
const b64 = (value: object | string) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A JWT with any header, signed with HMAC-SHA256/512 over `key` (or unsigned). */
function craft(header: object, payload: object, key: string | null, hash: 'sha256' | 'sha512' = 'sha256'): string {
  const body = `${b64(header)}.${b64(payload)}`;
  return `${body}.${key === null ? '' : createHmac(hash, key).update(body).digest('base64url')}`;
}

describe.each(await reachableBackends())('hostile tokens and cross-municipality reads on %s', (backend, available) => {
  let stage: Stage;
  let head: () => Promise<bigint>;
  const tijuana = { servantId: '', curp: '', folio: 'TOKENS-TJ-1' };
  const mexicali = { servantId: '' };
  let evaluatorId = '';

  beforeAll(async () => {
    if (!available) return;
    stage = await openStage(backend);
    head = () => stage.local.app.store.headPosition();
    const options = { endpoint: stage.server.endpoint, adminToken: stage.adminToken, clients: 0, durationMs: 0, run: 'tokens' };
    const { base } = await Workload.seed(options);
    evaluatorId = base.evaluatorId;
    const admin = new Workload(options, base);
    tijuana.servantId = base.shared[0];
    tijuana.curp = fictitiousCurp(9_990);
    mexicali.servantId = randomUUID();
    const registered = await admin.mutate('registerServant', {
      commandId: 'tokens-mexicali',
      id: mexicali.servantId,
      curp: fictitiousCurp(77),
      fullName: 'Ana Mexicali Prueba',
      ...MEXICALI,
      department: 'Tesorería',
      regime: 'CONFIANZA',
      unionized: false,
    });
    expect(registered).toBe(true);
    await certify(admin, tijuana.servantId, tijuana.folio);
    expect(admin.report.unexpected).toEqual([]);
  }, 120_000);
  afterAll(() => stage?.close());

  async function certify(admin: Workload, servantId: string, folio: string) {
    const c = { servantId, standardCode: STANDARD };
    await admin.mutate('enrollInTraining', { commandId: `${folio}-e`, ...c, provider: 'UTT', modality: 'VIRTUAL' });
    await admin.mutate('completeTraining', { commandId: `${folio}-c`, ...c, hours: 20 });
    await admin.mutate('recordVerdict', { commandId: `${folio}-v`, ...c, evaluatorId, verdict: 'COMPETENT' });
    await admin.mutate('issueCertificate', { commandId: `${folio}-i`, ...c, folio });
  }

  it.skipIf(!available)('refuses every bad token with 401 UNAUTHENTICATED, before anything runs or is written', async () => {
    const secret = stage.secret;
    const now = Math.floor(Date.now() / 1000);
    const claims = { sub: 'mallory', role: 'ADMIN', iat: now, exp: now + 3600 };
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const key = new TextEncoder().encode(secret);
    const bad: Record<string, string> = {
      'alg none': craft({ alg: 'none', typ: 'JWT' }, claims, null),
      'alg None, signed': craft({ alg: 'None', typ: 'JWT' }, claims, secret),
      'wrong key': await signToken({ role: 'ADMIN', sub: 'mallory' }, 'another-secret-0123456789abcdefghijkl'),
      'HS512 with the right key': craft({ alg: 'HS512', typ: 'JWT' }, claims, secret, 'sha512'),
      'RS256 header, HMAC with the secret (algorithm confusion)': craft({ alg: 'RS256', typ: 'JWT' }, claims, secret),
      'RS256, really signed': await new SignJWT(claims).setProtectedHeader({ alg: 'RS256' }).sign(privateKey),
      expired: await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').setIssuedAt(now - 7200).setExpirationTime(now - 3600).sign(key),
      'no exp (would never expire)': await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setSubject('mallory').sign(key),
      'no sub': await new SignJWT({ role: 'ADMIN' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key),
      'unknown role': await new SignJWT({ role: 'SUPERUSER' }).setProtectedHeader({ alg: 'HS256' }).setSubject('m').setExpirationTime('1h').sign(key),
      'REGISTRAR without municipality': await new SignJWT({ role: 'REGISTRAR', state: 'Baja California' }).setProtectedHeader({ alg: 'HS256' }).setSubject('m').setExpirationTime('1h').sign(key),
      'tampered payload': (() => {
        const [h, , s] = craft({ alg: 'HS256', typ: 'JWT' }, { ...claims, role: 'AUDITOR' }, secret).split('.');
        return `${h}.${b64(claims)}.${s}`;
      })(),
      garbage: 'not-a-jwt',
      'three empty parts': '..',
    };
    const before = await head();
    const mutation = `mutation { publishStandard(input: { code: "EC9999", title: "Intruso", level: 1 }) { position } }`;
    for (const [name, token] of Object.entries(bad)) {
      for (const query of [mutation, '{ standards { code } }']) {
        const answer = await gql(stage.server.endpoint, query, {}, token);
        expect({ name, status: answer.status, code: codeOf(answer) }).toEqual({ name, status: 401, code: 'UNAUTHENTICATED' });
        expect(answer.text).not.toMatch(/stack|at \w+ \(/);
      }
    }
    for (const header of ['Basic YWRtaW46YWRtaW4=', 'Bearer', `Bearer ${bad.garbage} extra`, `Token ${await signToken({ role: 'ADMIN', sub: 'x' }, secret)}`]) {
      const answer = await fetch(stage.server.endpoint, { method: 'POST', headers: { 'content-type': 'application/json', authorization: header }, body: JSON.stringify({ query: mutation }) });
      expect(answer.status, header).toBe(401);
    }
    expect(await head()).toBe(before);
  });

  it.skipIf(!available)('a REGISTRAR of Mexicali cannot reach a Tijuana servant by id, CURP, filter, name, cursor or certificate', async () => {
    const mx = await signToken({ role: 'REGISTRAR', sub: 'reg-mx', ...MEXICALI }, stage.secret);
    const tj = await signToken({ role: 'REGISTRAR', sub: 'reg-tj', ...TIJUANA }, stage.secret);
    const ask = (query: string, variables: Record<string, unknown> = {}, token = mx) => gql(stage.server.endpoint, query, variables, token);

    expect(must(await ask('query($id: ID!) { servant(id: $id) { id } }', { id: tijuana.servantId })).servant).toBeNull();
    expect(must(await ask('query($id: ID!) { servant(id: $id) { id } }', { id: tijuana.servantId }, tj)).servant).not.toBeNull();
    expect(must(await ask('query($curp: String!) { servantByCurp(curp: $curp) { id } }', { curp: tijuana.curp })).servantByCurp).toBeNull();
    expect(must(await ask('query($id: ID!) { certification(servantId: $id, standardCode: "EC0105") { id } }', { id: tijuana.servantId })).certification).toBeNull();
    expect(must(await ask('query($folio: String!) { certificate(folio: $folio) { folio } }', { folio: tijuana.folio })).certificate).toBeNull();

    const list = `query($filter: ServantFilter, $after: String, $first: Int) {
      servants(filter: $filter, first: $first, after: $after) { totalCount edges { cursor node { id municipality curp } } pageInfo { endCursor } } }`;
    for (const filter of [{}, TIJUANA, { municipality: 'Tijuana' }, { state: 'Baja California' }, { nameContains: 'a' }, { certified: true }, { standardCode: STANDARD }]) {
      const page = must(await ask(list, { filter, first: 100 })).servants;
      expect(page.edges.every((edge: any) => edge.node.municipality === 'Mexicali'), JSON.stringify(filter)).toBe(true);
      expect(page.totalCount).toBe(page.edges.filter((edge: any) => edge.node.municipality === 'Mexicali').length);
    }
    // A cursor from a Tijuana page resumes a Mexicali listing: still only Mexicali.
    const tijuanaPage = must(await ask(list, { first: 2 }, tj)).servants;
    for (const after of [tijuanaPage.edges[0].cursor, tijuanaPage.pageInfo.endCursor]) {
      const answer = await ask(list, { first: 100, after });
      if (answer.errors) expect(codeOf(answer)).toBe('BAD_USER_INPUT');
      else expect(answer.data.servants.edges.every((edge: any) => edge.node.municipality === 'Mexicali')).toBe(true);
    }
    // Writes on the other municipality's servant: answered as for one that does not exist, nothing written.
    const before = await head();
    const changeOf = async (servantId: string) => {
      const answer = await ask('mutation($input: ChangeEmploymentInput!) { changeEmployment(input: $input) { position } }', { input: { servantId, position: 'Infiltrado' } });
      return { code: codeOf(answer), message: answer.errors?.[0]?.message.replace(servantId, '<id>') };
    };
    const unknown = randomUUID();
    expect(await changeOf(tijuana.servantId)).toEqual(await changeOf(unknown));
    expect((await changeOf(unknown)).code).toBe('NOT_FOUND');
    expect(await head()).toBe(before);
  });

  it.skipIf(!available)('answers another municipality\'s servant, certificate or folio exactly as one that does not exist, in every mutation', async () => {
    const mx = await signToken({ role: 'REGISTRAR', sub: 'reg-mx', ...MEXICALI }, stage.secret);
    const before = await head();
    const unknown = randomUUID();
    const mutations: [string, string, (servantId: string, folio: string) => Record<string, unknown>][] = [
      ['changeEmployment', 'ChangeEmploymentInput', (servantId) => ({ servantId, department: 'X' })],
      ['separateServant', 'SeparateServantInput', (servantId) => ({ servantId, reason: 'x' })],
      ['enrollInTraining', 'EnrollInTrainingInput', (servantId) => ({ servantId, standardCode: STANDARD, provider: 'UTT', modality: 'VIRTUAL' })],
      ['completeTraining', 'CompleteTrainingInput', (servantId) => ({ servantId, standardCode: STANDARD, hours: 3 })],
      ['deliverCertificates', 'DeliverCertificatesInput', (_servantId, folio) => ({ folios: [folio], ceremony: 'x' })],
    ];
    for (const [name, type, input] of mutations) {
      const answer = async (servantId: string, folio: string) => {
        const result = await gql(stage.server.endpoint, `mutation($input: ${type}!) { ${name}(input: $input) { position } }`, { input: input(servantId, folio) }, mx);
        return { code: codeOf(result), message: result.errors?.[0]?.message.replace(servantId, '<id>').replace(folio, '<folio>') };
      };
      const foreign = await answer(tijuana.servantId, tijuana.folio);
      expect(foreign.code, name).toBe('NOT_FOUND');
      expect(foreign, name).toEqual(await answer(unknown, 'TOKENS-NONE-1'));
    }
    // Registering under a taken id says nothing of whose it is.
    const taken = await gql(stage.server.endpoint, 'mutation($input: RegisterServantInput!) { registerServant(input: $input) { position } }', {
      input: { id: tijuana.servantId, curp: fictitiousCurp(79), fullName: 'Ana Sombra', ...MEXICALI, department: 'X', regime: 'BASE', unionized: true },
    }, mx);
    expect(codeOf(taken)).toBe('CONFLICT');
    expect(taken.errors?.[0]?.message).not.toContain(tijuana.servantId);
    expect(JSON.stringify(taken.errors?.[0]?.extensions)).not.toContain(tijuana.servantId);
    expect(await head()).toBe(before);
  });

  it.skipIf(!available)('a commandId replayed by another caller is CONFLICT and reveals nothing; the same caller gets its first result', async () => {
    const tj = await signToken({ role: 'REGISTRAR', sub: 'reg-tj', ...TIJUANA }, stage.secret);
    const mx = await signToken({ role: 'REGISTRAR', sub: 'reg-mx', ...MEXICALI }, stage.secret);
    const register = (token: string, place: typeof TIJUANA | typeof MEXICALI) =>
      gql(stage.server.endpoint, 'mutation($input: RegisterServantInput!) { registerServant(input: $input) { position servant { id fullName department municipality certifications { stage } } } }', {
        input: { commandId: 'tokens-replayed-command', curp: fictitiousCurp(80), fullName: 'Rosa Replay Prueba', ...place, department: 'Oficialía Mayor', regime: 'BASE', unionized: true },
      }, token);
    const first = must(await register(tj, TIJUANA)).registerServant;
    const before = await head();
    expect(must(await register(tj, TIJUANA)).registerServant).toEqual(first);
    const stolen = await register(mx, MEXICALI);
    expect(codeOf(stolen)).toBe('CONFLICT');
    expect(stolen.data).toBeNull();
    for (const secret of [first.servant.id, 'Rosa', 'Oficialía', 'Tijuana']) expect(stolen.text).not.toContain(secret);
    expect(await head()).toBe(before);
  });

  it.skipIf(!available)('servantByCurp: only callers who may see the CURP, limited per caller, each hit in the access record', async () => {
    const evaluator = await signToken({ role: 'EVALUATOR', sub: evaluatorId }, stage.secret);
    const auditor = await signToken({ role: 'AUDITOR', sub: 'tokens-auditor' }, stage.secret);
    const byCurp = (token: string, curps: string[]) =>
      gql(stage.server.endpoint, `query CurpCheck { ${curps.map((curp, i) => `c${i}: servantByCurp(curp: "${curp}") { id curp }`).join(' ')} }`, {}, token);
    expect(codeOf(await byCurp(evaluator, [tijuana.curp]))).toBe('FORBIDDEN');
    // Twenty look-ups in one request go past the burst (10): refused whole, nothing answered.
    const many = await byCurp(auditor, Array.from({ length: 20 }, (_, i) => fictitiousCurp(5_000 + i)));
    expect({ status: many.status, code: codeOf(many) }).toEqual({ status: 429, code: 'RATE_LIMITED' });
    const hit = await gql(stage.server.endpoint, 'query CurpHit($curp: String!) { servantByCurp(curp: $curp) { id } }', { curp: tijuana.curp }, stage.adminToken);
    expect(must(hit).servantByCurp.id).toBe(tijuana.servantId);
    const requestId = hit.headers.get('x-request-id');
    const record = must(
      await gql(stage.server.endpoint, 'query($id: ID) { personalDataAccess(servantId: $id, first: 5) { edges { node { actor role servantId operation requestId at } } } }', { id: tijuana.servantId }, auditor),
    ).personalDataAccess.edges.map((edge: any) => edge.node);
    expect(record[0]).toMatchObject({ actor: 'reliability-admin', role: 'ADMIN', servantId: tijuana.servantId, operation: 'CurpHit', requestId });
    // Anyone else may not read the record.
    const registrar = await signToken({ role: 'REGISTRAR', sub: 'reg-tj', ...TIJUANA }, stage.secret);
    expect(codeOf(await gql(stage.server.endpoint, '{ personalDataAccess { edges { cursor } } }', {}, registrar))).toBe('FORBIDDEN');
  });

  it.skipIf(!available)('a REGISTRAR of Mexicali subscribed to certificates never hears of Tijuana ones', async () => {
    const mx = await signToken({ role: 'REGISTRAR', sub: 'reg-mx', ...MEXICALI }, stage.secret);
    const client = wsClient(stage.server.endpoint, mx);
    const heard: Record<string, string[]> = { asked: [], any: [] };
    const failures: unknown[] = [];
    const listen = (name: string, args: string) =>
      client.subscribe(
        { query: `subscription { certificateIssued${args} { folio servant { municipality } } }` },
        {
          next: (value: any) => heard[name].push(`${value.data?.certificateIssued?.folio}@${value.data?.certificateIssued?.servant?.municipality}`),
          error: (error) => failures.push(error),
          complete: () => {},
        },
      );
    const stops = [listen('asked', '(municipality: "Tijuana")'), listen('any', '')];
    try {
      // Subscribed once the server counts both (graphql-ws acknowledges the connection, not each subscription).
      for (let i = 0; i < 200 && !/acredita_graphql_subscriptions_active 2\b/.test(await (await fetch(`${stage.server.origin}/metrics`)).text()); i++) await sleep(50);
      const options = { endpoint: stage.server.endpoint, adminToken: stage.adminToken, clients: 0, durationMs: 0, run: 'tokens-sub' };
      const admin = new Workload(options, { evaluatorId, shared: [] });
      const second = randomUUID();
      await admin.mutate('registerServant', { commandId: 'tokens-tj-2', id: second, curp: fictitiousCurp(78), fullName: 'Luis Tijuana Prueba', ...TIJUANA, department: 'Sindicatura', regime: 'BASE', unionized: true });
      await certify(admin, second, 'TOKENS-TJ-2');
      await certify(admin, mexicali.servantId, 'TOKENS-MX-1');
      expect(admin.report.unexpected).toEqual([]);
      for (let i = 0; i < 100 && heard.any.length === 0; i++) await sleep(50);
      await sleep(300);
      expect(failures).toEqual([]);
      // Asking for Tijuana gets nothing at all; asking for everything gets Mexicali only.
      expect(heard).toEqual({ asked: [], any: ['TOKENS-MX-1@Mexicali'] });
    } finally {
      for (const stop of stops) stop();
      await client.dispose();
    }
  });
});
