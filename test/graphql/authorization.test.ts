/**
 * The api.md authorization matrix, operation by operation, for every kind of
 * caller: anonymous, a REGISTRAR of Tijuana (where the data lives), a
 * REGISTRAR of Mexicali, an EVALUATOR, an AUDITOR and an ADMIN. A refusal
 * writes nothing; an allowed mutation succeeds. Subscriptions over graphql-ws
 * too, and every action of the policy (src/application/authorization.ts) is
 * exercised by some operation here, which the schema guards with that action.
 */
import { wsClient } from '../notifications/support.js';
import { randomUUID } from 'node:crypto';
import type { Client } from 'graphql-ws';
import { getMetadataStorage } from 'type-graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACTIONS, type Action } from '../../src/application/authorization.js';
import { BACKENDS, MEXICALI, TIJUANA, startTestApi, type GraphQLResult, type TestApi } from './support/api.js';
import { M, Q } from './support/documents.js';
import { Scenario, must, nextCurp } from './support/scenario.js';

const VIEWERS = ['anonymous', 'registrar', 'otherRegistrar', 'evaluator', 'auditor', 'admin'] as const;
type Viewer = (typeof VIEWERS)[number];
/** 'admitted': past authorization, whatever came next (the input names nothing that exists, by design). */
type Outcome = 'ok' | 'null' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'admitted';
type Expected = Record<Viewer, Outcome>;

const row = (anonymous: Outcome, registrar: Outcome, otherRegistrar: Outcome, evaluator: Outcome, auditor: Outcome, admin: Outcome): Expected => ({
  anonymous,
  registrar,
  otherRegistrar,
  evaluator,
  auditor,
  admin,
});
const U = 'UNAUTHENTICATED';
const F = 'FORBIDDEN';
const PUBLIC = row('ok', 'ok', 'ok', 'ok', 'ok', 'ok');
const SIGNED_IN = row(U, 'ok', 'ok', 'ok', 'ok', 'ok');
const MUNICIPAL_READ = row(U, 'ok', 'null', 'ok', 'ok', 'ok');
const AUDITORS = row(U, F, F, F, 'ok', 'ok');
const MUNICIPAL_WRITE = row(U, 'ok', F, F, F, 'ok');
/** Another municipality's servant or folio answers exactly as one that does not exist. */
const MUNICIPAL_CHANGE = row(U, 'ok', 'NOT_FOUND', F, F, 'ok');
/** Only who may see a CURP may test one (api.md). */
const CURP_READ = row(U, 'ok', 'null', F, 'ok', 'ok');
const ADMIN_ONLY = row(U, F, F, F, F, 'ok');
const ADMIN_ADMITTED = row(U, F, F, F, F, 'admitted');

/** Standard codes no other call of this file uses (random ones collided now and then). */
let standardSeed = 1000;
const nextStandardCode = () => `EC${String(++standardSeed)}`;

interface Operation {
  name: string;
  /** The policy's action that guards it (its @Authorized); null for public operations. */
  action: Action | null;
  document: string;
  /** The root field whose value decides between 'ok' and 'null'. */
  field: string;
  expected: Expected;
  /** Fresh variables for one call (mutations need their own servant, folio, ...). */
  variables: () => Promise<Record<string, unknown>>;
}

function outcome(result: GraphQLResult, field: string): Outcome | string {
  if (result.errors?.length) return result.errors[0].extensions.code as string;
  return result.data?.[field] === null ? 'null' : 'ok';
}

describe.each(BACKENDS)('authorization matrix on %s', (backend) => {
  let api: TestApi | null;
  let scenario: Scenario;
  const tokens = {} as Record<Viewer, string | null>;
  let evaluatorId: string;
  let servant: { id: string; curp: string };
  let folio: string;
  let goalId: string;

  beforeAll(async () => {
    api = await startTestApi(backend);
    if (!api) return;
    scenario = await Scenario.start(api);
    await scenario.publishStandard('EC0105', 5);
    evaluatorId = (await scenario.accreditEvaluator(['EC0105'])).id;
    folio = `TIJ-${randomUUID().slice(0, 8)}`;
    servant = await scenario.certifiedServant(TIJUANA, 'EC0105', evaluatorId, folio);
    goalId = must(
      await api.gql(
        M.setGoal,
        { input: { ...TIJUANA, target: 600, startsAt: '2016-12-01T00:00:00Z', deadline: '2018-12-31T00:00:00Z' } },
        await api.token('ADMIN'),
      ),
    ).setGoal.goal.id;
    tokens.anonymous = null;
    tokens.registrar = await api.token('REGISTRAR', { sub: 'registrar-tij', ...TIJUANA });
    tokens.otherRegistrar = await api.token('REGISTRAR', { sub: 'registrar-mxl', ...MEXICALI });
    tokens.evaluator = await api.token('EVALUATOR', { sub: evaluatorId });
    tokens.auditor = await api.token('AUDITOR', { sub: 'auditor-1' });
    tokens.admin = await api.token('ADMIN', { sub: 'admin-1' });
  });
  afterAll(async () => {
    await api?.close();
  });

  const fixed = (variables: () => Record<string, unknown>) => async () => variables();
  /** A new Tijuana servant, optionally taken some steps into EC0105. */
  const freshServant = async (steps: 'none' | 'enrolled' | 'trained' = 'none') => {
    const fresh = await scenario.registerServant(TIJUANA);
    const admin = tokens.admin;
    if (steps !== 'none') {
      must(await api!.gql(M.enrollInTraining, { input: { servantId: fresh.id, standardCode: 'EC0105', provider: 'UTT', modality: 'VIRTUAL' } }, admin));
    }
    if (steps === 'trained') must(await api!.gql(M.completeTraining, { input: { servantId: fresh.id, standardCode: 'EC0105', hours: 20 } }, admin));
    return fresh;
  };
  const freshCertificate = async () => {
    const fresh = `TIJ-${randomUUID().slice(0, 8)}`;
    await scenario.certifiedServant(TIJUANA, 'EC0105', evaluatorId, fresh);
    return fresh;
  };
  const input = (make: () => Promise<Record<string, unknown>>) => async () => ({ input: await make() });

  const operations = (): Operation[] => [
    { name: 'verifyCertificate', action: null, document: Q.verifyCertificate, field: 'verifyCertificate', expected: PUBLIC, variables: fixed(() => ({ folio })) },
    { name: 'standards', action: null, document: Q.standards, field: 'standards', expected: PUBLIC, variables: fixed(() => ({})) },
    { name: 'standard', action: null, document: Q.standard, field: 'standard', expected: PUBLIC, variables: fixed(() => ({ code: 'EC0105' })) },
    { name: 'certificationStats', action: null, document: Q.certificationStats, field: 'certificationStats', expected: PUBLIC, variables: fixed(() => ({})) },
    { name: 'ranking', action: null, document: Q.ranking, field: 'ranking', expected: PUBLIC, variables: fixed(() => ({})) },
    { name: 'goals', action: null, document: Q.goals, field: 'goals', expected: PUBLIC, variables: fixed(() => ({})) },
    { name: 'goalProgress', action: null, document: Q.goalProgress, field: 'goalProgress', expected: PUBLIC, variables: fixed(() => ({ goalId })) },

    { name: 'servant', action: 'servant:read', document: Q.servant, field: 'servant', expected: MUNICIPAL_READ, variables: fixed(() => ({ id: servant.id })) },
    { name: 'servantByCurp', action: 'servant:read-curp', document: Q.servantByCurp, field: 'servantByCurp', expected: CURP_READ, variables: fixed(() => ({ curp: servant.curp })) },
    { name: 'servants', action: 'servant:read', document: Q.servants, field: 'servants', expected: SIGNED_IN, variables: fixed(() => ({})) },
    {
      name: 'certification', action: 'certification:read',
      document: Q.certification,
      field: 'certification',
      expected: MUNICIPAL_READ,
      variables: fixed(() => ({ servantId: servant.id, standardCode: 'EC0105' })),
    },
    { name: 'certificate', action: 'certificate:read', document: Q.certificate, field: 'certificate', expected: MUNICIPAL_READ, variables: fixed(() => ({ folio })) },
    {
      name: 'Certificate.credential',
      action: 'certificate:read',
      document: `query($folio: String!) { certificate(folio: $folio) { credential } }`,
      field: 'certificate',
      // Mexicali's registrar never reaches the field: the certificate itself is null for it.
      expected: MUNICIPAL_READ,
      variables: fixed(() => ({ folio })),
    },
    { name: 'evaluators', action: 'evaluator:read', document: Q.evaluators, field: 'evaluators', expected: SIGNED_IN, variables: fixed(() => ({})) },

    { name: 'auditLog', action: 'audit:read', document: Q.auditLog, field: 'auditLog', expected: AUDITORS, variables: fixed(() => ({ first: 5 })) },
    { name: 'streamHistory', action: 'audit:read', document: Q.streamHistory, field: 'streamHistory', expected: AUDITORS, variables: fixed(() => ({ streamId: `servant-${servant.id}` })) },
    { name: 'verifyIntegrity', action: 'audit:read', document: Q.verifyIntegrity, field: 'verifyIntegrity', expected: AUDITORS, variables: fixed(() => ({})) },
    { name: 'projections', action: 'projection:read', document: Q.projections, field: 'projections', expected: AUDITORS, variables: fixed(() => ({})) },
    {
      name: 'Certification.history', action: 'audit:read',
      document: Q.certificationHistory,
      field: 'certification',
      // Mexicali's registrar never reaches the field: the certification itself is null for it.
      expected: row(U, F, 'null', F, 'ok', 'ok'),
      variables: fixed(() => ({ servantId: servant.id, standardCode: 'EC0105' })),
    },

    {
      name: 'registerServant', action: 'servant:register',
      document: M.registerServant,
      field: 'registerServant',
      expected: MUNICIPAL_WRITE,
      variables: input(async () => ({ curp: nextCurp(), fullName: 'Nuevo Servidor', ...TIJUANA, department: 'Sindicatura', regime: 'BASE', unionized: true })),
    },
    {
      name: 'changeEmployment', action: 'servant:change-employment',
      document: M.changeEmployment,
      field: 'changeEmployment',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ servantId: (await freshServant()).id, department: 'Delegaciones' })),
    },
    {
      name: 'separateServant', action: 'servant:separate',
      document: M.separateServant,
      field: 'separateServant',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ servantId: (await freshServant()).id, reason: 'Retired' })),
    },
    {
      name: 'enrollInTraining', action: 'training:enroll',
      document: M.enrollInTraining,
      field: 'enrollInTraining',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ servantId: (await freshServant()).id, standardCode: 'EC0105', provider: 'UTT', modality: 'BLENDED' })),
    },
    {
      name: 'completeTraining', action: 'training:complete',
      document: M.completeTraining,
      field: 'completeTraining',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ servantId: (await freshServant('enrolled')).id, standardCode: 'EC0105', hours: 30 })),
    },
    {
      name: 'deliverCertificates', action: 'certificate:deliver',
      document: M.deliverCertificates,
      field: 'deliverCertificates',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ folios: [await freshCertificate()], ceremony: 'Entrega de certificados' })),
    },
    {
      name: 'recordVerdict (own evaluatorId)', action: 'verdict:record',
      document: M.recordVerdict,
      field: 'recordVerdict',
      expected: row(U, F, F, 'ok', F, 'ok'),
      variables: input(async () => ({ servantId: (await freshServant('trained')).id, standardCode: 'EC0105', evaluatorId, verdict: 'NOT_YET_COMPETENT' })),
    },
    {
      name: "recordVerdict (another evaluator's id)", action: 'verdict:record',
      document: M.recordVerdict,
      field: 'recordVerdict',
      expected: row(U, F, F, F, F, 'NOT_FOUND' as Outcome),
      variables: input(async () => ({ servantId: (await freshServant('trained')).id, standardCode: 'EC0105', evaluatorId: randomUUID(), verdict: 'COMPETENT' })),
    },
    {
      name: 'publishStandard', action: 'standard:publish',
      document: M.publishStandard,
      field: 'publishStandard',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ code: nextStandardCode(), title: 'Nuevo estandar', level: 1 })),
    },
    {
      name: 'withdrawStandard', action: 'standard:withdraw',
      document: M.withdrawStandard,
      field: 'withdrawStandard',
      expected: ADMIN_ONLY,
      variables: input(async () => {
        const code = nextStandardCode();
        await scenario.publishStandard(code);
        return { code, reason: 'Obsolete' };
      }),
    },
    {
      name: 'accreditEvaluator', action: 'evaluator:accredit',
      document: M.accreditEvaluator,
      field: 'accreditEvaluator',
      expected: ADMIN_ONLY,
      variables: input(async () => ({
        fullName: 'Evaluador Nuevo',
        certificationBody: 'UTT',
        ec0076Folio: `EC0076-${randomUUID().slice(0, 6)}`,
        standardCodes: ['EC0105'],
        validUntil: '2099-01-01T00:00:00Z',
      })),
    },
    {
      name: 'issueCertificate', action: 'certificate:issue',
      document: M.issueCertificate,
      field: 'issueCertificate',
      expected: ADMIN_ONLY,
      variables: input(async () => {
        const fresh = await scenario.registerServant(TIJUANA);
        await scenario.competent(fresh.id, 'EC0105', evaluatorId);
        return { servantId: fresh.id, standardCode: 'EC0105', folio: `TIJ-${randomUUID().slice(0, 8)}` };
      }),
    },
    {
      name: 'revokeCertificate', action: 'certificate:revoke',
      document: M.revokeCertificate,
      field: 'revokeCertificate',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ folio: await freshCertificate(), reason: 'Issued by mistake' })),
    },
    {
      name: 'reissueCertificate', action: 'certificate:reissue',
      document: `mutation($input: ReissueCertificateInput!) { reissueCertificate(input: $input) { position } }`,
      field: 'reissueCertificate',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ folio: await freshCertificate(), printedFolio: `PRE-${randomUUID().slice(0, 8)}`, reason: 'Lost' })),
    },
    {
      name: 'node', action: null,
      document: `query($id: ID!) { node(id: $id) { id } }`,
      field: 'node',
      // What the caller may read anyway: a servant, for the roles and the municipality that may read it.
      expected: row('null', 'ok', 'null', 'ok', 'ok', 'ok'),
      variables: fixed(() => ({ id: servant.id })),
    },
    {
      name: 'personalDataAccess', action: 'personal-data-access:read',
      document: `query { personalDataAccess(first: 1) { edges { cursor } } }`,
      field: 'personalDataAccess',
      expected: AUDITORS,
      variables: fixed(() => ({})),
    },
    { name: 'logCheckpoint', action: null, document: `query { logCheckpoint { treeSize } }`, field: 'logCheckpoint', expected: PUBLIC, variables: fixed(() => ({})) },
    {
      name: 'consistencyProof', action: null,
      document: `query { consistencyProof(fromSize: "1") { toSize } }`,
      field: 'consistencyProof',
      expected: PUBLIC,
      variables: fixed(() => ({})),
    },
    {
      name: 'inclusionProof', action: 'audit:read',
      document: `query { inclusionProof(position: "1") { leafIndex } }`,
      field: 'inclusionProof',
      expected: AUDITORS,
      variables: fixed(() => ({})),
    },
    { name: 'webhooks', action: 'webhook:manage', document: `query { webhooks { id } }`, field: 'webhooks', expected: ADMIN_ONLY, variables: fixed(() => ({})) },
    {
      name: 'webhookDeliveries', action: 'webhook:manage',
      document: `query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { cursor } } }`,
      field: 'webhookDeliveries',
      expected: ADMIN_ADMITTED,
      variables: fixed(() => ({ id: randomUUID() })),
    },
    {
      name: 'registerWebhook', action: 'webhook:manage',
      // Loopback is refused without WEBHOOK_ALLOW_PRIVATE: ADMIN passes authorization and meets the SSRF guard.
      document: `mutation { registerWebhook(input: { url: "http://127.0.0.1:9/hook", eventTypes: [] }) { secret } }`,
      field: 'registerWebhook',
      expected: ADMIN_ADMITTED,
      variables: fixed(() => ({})),
    },
    {
      name: 'removeWebhook', action: 'webhook:manage',
      document: `mutation($id: ID!) { removeWebhook(id: $id) { id } }`,
      field: 'removeWebhook',
      expected: ADMIN_ADMITTED,
      variables: fixed(() => ({ id: randomUUID() })),
    },
    {
      name: 'redeliverWebhook', action: 'webhook:manage',
      document: `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`,
      field: 'redeliverWebhook',
      expected: ADMIN_ADMITTED,
      variables: fixed(() => ({ id: randomUUID() })),
    },
    {
      name: 'cosignCheckpoint', action: 'checkpoint:cosign',
      // Witnesses are auditors or admins; a note signed by no key in WITNESS_KEYS is then refused as input.
      document: `mutation { cosignCheckpoint(signedNote: "not a note") { signedNote } }`,
      field: 'cosignCheckpoint',
      expected: row(U, F, F, F, 'admitted', 'admitted'),
      variables: fixed(() => ({})),
    },
    {
      name: 'setGoal', action: 'goal:set',
      document: M.setGoal,
      field: 'setGoal',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ ...TIJUANA, target: 700, startsAt: '2019-01-01T00:00:00Z', deadline: '2019-12-31T00:00:00Z' })),
    },
    {
      name: 'erasePersonalData', action: 'personal-data:erase',
      document: M.erasePersonalData,
      field: 'erasePersonalData',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ servantId: (await freshServant()).id, reason: 'ARCO 42' })),
    },
  ];

  it('covers every query and mutation of the schema', async (ctx) => {
    if (!api) ctx.skip();
    const covered = new Set(operations().map((operation) => operation.name.split(/[ .]/)[0]));
    const query = must(await api!.gql('{ __schema { queryType { fields { name } } mutationType { fields { name } } } }'));
    const schemaFields = [...query.__schema.queryType.fields, ...query.__schema.mutationType.fields].map((f: { name: string }) => f.name);
    expect(schemaFields.filter((name: string) => !covered.has(name))).toEqual([]);
  });

  it.for(operations().map((operation) => operation.name))('%s', async (name, ctx) => {
    if (!api) ctx.skip();
    const operation = operations().find((candidate) => candidate.name === name)!;
    const actual = {} as Record<Viewer, string>;
    for (const viewer of VIEWERS) {
      const variables = await operation.variables();
      const head = await api!.head();
      const result = await api!.gql(operation.document, variables, tokens[viewer]);
      const seen = outcome(result, operation.field);
      actual[viewer] = operation.expected[viewer] === 'admitted' && seen !== U && seen !== F ? 'admitted' : seen;
      if (actual[viewer] !== 'ok') expect(await api!.head(), `${viewer} wrote despite ${actual[viewer]}`).toBe(head);
    }
    expect(actual).toEqual(operation.expected);
  });

  it('filters lists to the REGISTRAR municipality and shows CURPs only to whom api.md allows', async (ctx) => {
    if (!api) ctx.skip();
    const mexicalense = await scenario.registerServant(MEXICALI);
    const listed = async (viewer: Viewer, filter: Record<string, unknown> = {}) =>
      must(await api!.gql(Q.servants, { filter, first: 100 }, tokens[viewer])).servants.edges.map((e: any) => e.node);
    const tijuanaView = await listed('registrar');
    expect(tijuanaView.length).toBeGreaterThan(0);
    expect(tijuanaView.every((s: any) => s.municipality === 'Tijuana')).toBe(true);
    expect(await listed('registrar', { municipality: 'Mexicali' })).toEqual([]);
    expect((await listed('otherRegistrar')).map((s: any) => s.id)).toEqual([mexicalense.id]);
    expect((await listed('admin', { municipality: 'Mexicali' })).map((s: any) => s.id)).toEqual([mexicalense.id]);

    const curpFor = async (viewer: Viewer) => must(await api!.gql(Q.servant, { id: servant.id }, tokens[viewer])).servant?.curp;
    expect(await curpFor('registrar')).toBe(servant.curp);
    expect(await curpFor('evaluator')).toBeNull();
    expect(await curpFor('auditor')).toBe(servant.curp);
    expect(await curpFor('admin')).toBe(servant.curp);
  });

  /** Over graphql-ws: refused when subscribing, or accepted, then told only what the caller may read. */
  const subscriptions = (servantId: string): { name: string; action: Action; query: string; variables: Record<string, unknown>; expected: Expected }[] => [
    {
      name: 'certificationChanged',
      action: 'certification:read',
      query: `subscription($servantId: ID!) { certificationChanged(servantId: $servantId) { stage } }`,
      variables: { servantId },
      expected: MUNICIPAL_READ,
    },
    { name: 'certificateIssued', action: 'certificate:read', query: `subscription { certificateIssued { folio } }`, variables: {}, expected: MUNICIPAL_READ },
    // From the start of the log: an accepted subscriber hears the history at once.
    { name: 'auditEvents', action: 'audit:read', query: `subscription { auditEvents(after: "0") { cursor } }`, variables: {}, expected: AUDITORS },
  ];

  it('subscriptions: anonymous UNAUTHENTICATED, other roles FORBIDDEN when subscribing; a REGISTRAR hears nothing of Mexicali', async (ctx) => {
    if (!api) ctx.skip();
    const fresh = await scenario.registerServant(TIJUANA);
    await scenario.competent(fresh.id, 'EC0105', evaluatorId);
    const clients: Client[] = [];
    const heard: { name: string; viewer: Viewer; pushes: number; errors: string[] }[] = [];
    try {
      for (const subscription of subscriptions(fresh.id)) {
        for (const viewer of VIEWERS) {
          const token = tokens[viewer];
          const client = wsClient(api!.endpoint, token);
          clients.push(client);
          const seen = { name: subscription.name, viewer, pushes: 0, errors: [] as string[] };
          heard.push(seen);
          client.subscribe(
            { query: subscription.query, variables: subscription.variables },
            {
              next: (result) => {
                if (result.errors) seen.errors.push(...result.errors.map((error) => String(error.extensions?.code)));
                else seen.pushes += 1;
              },
              error: (error) => seen.errors.push(Array.isArray(error) ? String(error[0]?.extensions?.code) : String(error)),
              complete: () => {},
            },
          );
        }
      }
      const expectedOf = (seen: (typeof heard)[number]) => subscriptions(fresh.id).find((s) => s.name === seen.name)!.expected[seen.viewer];
      const listening = heard.filter((seen) => ['ok', 'null'].includes(expectedOf(seen))).length;
      await until(async () => (await activeSubscriptions(api!)) === listening && heard.every((seen) => !['UNAUTHENTICATED', 'FORBIDDEN'].includes(expectedOf(seen)) || seen.errors.length > 0), 'every subscription accepted or refused');
      await scenario.issue(fresh.id, 'EC0105', `TIJ-${randomUUID().slice(0, 8)}`);
      await until(() => heard.every((seen) => expectedOf(seen) !== 'ok' || seen.pushes > 0), 'a push to every accepted subscriber');
      // Pushes go out event by event to every subscriber of this process: by now the filtered ones were passed over.
      const outcomes = Object.fromEntries(
        subscriptions(fresh.id).map(({ name }) => [
          name,
          Object.fromEntries(heard.filter((seen) => seen.name === name).map((seen) => [seen.viewer, seen.errors[0] ?? (seen.pushes > 0 ? 'ok' : 'null')])),
        ]),
      );
      expect(outcomes).toEqual(Object.fromEntries(subscriptions(fresh.id).map(({ name, expected }) => [name, expected])));
    } finally {
      for (const client of clients) await client.dispose();
    }
  });

  it('guards each operation with the action it names, and exercises every action of the policy', (ctx) => {
    if (!api) ctx.skip();
    const metadata = getMetadataStorage();
    const guardOf = (name: string): unknown[] => {
      const [type, field] = name.split(' ')[0]!.split('.');
      const resolver = field
        ? metadata.fieldResolvers.find((candidate) => candidate.schemaName === field && candidate.roles !== undefined && candidate.target.name.startsWith(type!))
        : [...metadata.queries, ...metadata.mutations, ...metadata.subscriptions].find((candidate) => candidate.schemaName === type);
      expect(resolver, name).toBeDefined();
      return resolver!.roles ?? [];
    };
    const named = [...operations(), ...subscriptions('any')];
    for (const operation of named) expect(guardOf(operation.name), operation.name).toEqual(operation.action ? [operation.action] : []);
    expect(new Set(named.flatMap((operation) => (operation.action ? [operation.action] : [])))).toEqual(new Set(ACTIONS));
  });
});

async function until(condition: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Live subscriptions of the server's process. */
async function activeSubscriptions(api: TestApi): Promise<number> {
  const text = await (await fetch(`${api.origin}/metrics`)).text();
  return Number(/^acredita_graphql_subscriptions_active (\d+)$/m.exec(text)?.[1] ?? -1);
}
