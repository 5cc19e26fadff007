/**
 * The api.md authorization matrix, operation by operation, for every kind of
 * caller: anonymous, a REGISTRAR of Tijuana (where the data lives), a
 * REGISTRAR of Mexicali, an EVALUATOR, an AUDITOR and an ADMIN. A refusal
 * writes nothing; an allowed mutation succeeds.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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
    { name: 'verifyCertificate', document: Q.verifyCertificate, field: 'verifyCertificate', expected: PUBLIC, variables: fixed(() => ({ folio })) },
    { name: 'standards', document: Q.standards, field: 'standards', expected: PUBLIC, variables: fixed(() => ({})) },
    { name: 'standard', document: Q.standard, field: 'standard', expected: PUBLIC, variables: fixed(() => ({ code: 'EC0105' })) },
    { name: 'certificationStats', document: Q.certificationStats, field: 'certificationStats', expected: PUBLIC, variables: fixed(() => ({})) },
    { name: 'ranking', document: Q.ranking, field: 'ranking', expected: PUBLIC, variables: fixed(() => ({})) },
    { name: 'goals', document: Q.goals, field: 'goals', expected: PUBLIC, variables: fixed(() => ({})) },
    { name: 'goalProgress', document: Q.goalProgress, field: 'goalProgress', expected: PUBLIC, variables: fixed(() => ({ goalId })) },

    { name: 'servant', document: Q.servant, field: 'servant', expected: MUNICIPAL_READ, variables: fixed(() => ({ id: servant.id })) },
    { name: 'servantByCurp', document: Q.servantByCurp, field: 'servantByCurp', expected: CURP_READ, variables: fixed(() => ({ curp: servant.curp })) },
    { name: 'servants', document: Q.servants, field: 'servants', expected: SIGNED_IN, variables: fixed(() => ({})) },
    {
      name: 'certification',
      document: Q.certification,
      field: 'certification',
      expected: MUNICIPAL_READ,
      variables: fixed(() => ({ servantId: servant.id, standardCode: 'EC0105' })),
    },
    { name: 'certificate', document: Q.certificate, field: 'certificate', expected: MUNICIPAL_READ, variables: fixed(() => ({ folio })) },
    { name: 'evaluators', document: Q.evaluators, field: 'evaluators', expected: SIGNED_IN, variables: fixed(() => ({})) },

    { name: 'auditLog', document: Q.auditLog, field: 'auditLog', expected: AUDITORS, variables: fixed(() => ({ first: 5 })) },
    { name: 'streamHistory', document: Q.streamHistory, field: 'streamHistory', expected: AUDITORS, variables: fixed(() => ({ streamId: `servant-${servant.id}` })) },
    { name: 'verifyIntegrity', document: Q.verifyIntegrity, field: 'verifyIntegrity', expected: AUDITORS, variables: fixed(() => ({})) },
    { name: 'projections', document: Q.projections, field: 'projections', expected: AUDITORS, variables: fixed(() => ({})) },
    {
      name: 'Certification.history',
      document: Q.certificationHistory,
      field: 'certification',
      // Mexicali's registrar never reaches the field: the certification itself is null for it.
      expected: row(U, F, 'null', F, 'ok', 'ok'),
      variables: fixed(() => ({ servantId: servant.id, standardCode: 'EC0105' })),
    },

    {
      name: 'registerServant',
      document: M.registerServant,
      field: 'registerServant',
      expected: MUNICIPAL_WRITE,
      variables: input(async () => ({ curp: nextCurp(), fullName: 'Nuevo Servidor', ...TIJUANA, department: 'Sindicatura', regime: 'BASE', unionized: true })),
    },
    {
      name: 'changeEmployment',
      document: M.changeEmployment,
      field: 'changeEmployment',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ servantId: (await freshServant()).id, department: 'Delegaciones' })),
    },
    {
      name: 'separateServant',
      document: M.separateServant,
      field: 'separateServant',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ servantId: (await freshServant()).id, reason: 'Retired' })),
    },
    {
      name: 'enrollInTraining',
      document: M.enrollInTraining,
      field: 'enrollInTraining',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ servantId: (await freshServant()).id, standardCode: 'EC0105', provider: 'UTT', modality: 'BLENDED' })),
    },
    {
      name: 'completeTraining',
      document: M.completeTraining,
      field: 'completeTraining',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ servantId: (await freshServant('enrolled')).id, standardCode: 'EC0105', hours: 30 })),
    },
    {
      name: 'deliverCertificates',
      document: M.deliverCertificates,
      field: 'deliverCertificates',
      expected: MUNICIPAL_CHANGE,
      variables: input(async () => ({ folios: [await freshCertificate()], ceremony: 'Entrega de certificados' })),
    },
    {
      name: 'recordVerdict (own evaluatorId)',
      document: M.recordVerdict,
      field: 'recordVerdict',
      expected: row(U, F, F, 'ok', F, 'ok'),
      variables: input(async () => ({ servantId: (await freshServant('trained')).id, standardCode: 'EC0105', evaluatorId, verdict: 'NOT_YET_COMPETENT' })),
    },
    {
      name: "recordVerdict (another evaluator's id)",
      document: M.recordVerdict,
      field: 'recordVerdict',
      expected: row(U, F, F, F, F, 'NOT_FOUND' as Outcome),
      variables: input(async () => ({ servantId: (await freshServant('trained')).id, standardCode: 'EC0105', evaluatorId: randomUUID(), verdict: 'COMPETENT' })),
    },
    {
      name: 'publishStandard',
      document: M.publishStandard,
      field: 'publishStandard',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ code: nextStandardCode(), title: 'Nuevo estandar', level: 1 })),
    },
    {
      name: 'withdrawStandard',
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
      name: 'accreditEvaluator',
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
      name: 'issueCertificate',
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
      name: 'revokeCertificate',
      document: M.revokeCertificate,
      field: 'revokeCertificate',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ folio: await freshCertificate(), reason: 'Issued by mistake' })),
    },
    {
      name: 'reissueCertificate',
      document: `mutation($input: ReissueCertificateInput!) { reissueCertificate(input: $input) { position } }`,
      field: 'reissueCertificate',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ folio: await freshCertificate(), printedFolio: `PRE-${randomUUID().slice(0, 8)}`, reason: 'Lost' })),
    },
    {
      name: 'node',
      document: `query($id: ID!) { node(id: $id) { id } }`,
      field: 'node',
      // What the caller may read anyway: a servant, for the roles and the municipality that may read it.
      expected: row('null', 'ok', 'null', 'ok', 'ok', 'ok'),
      variables: fixed(() => ({ id: servant.id })),
    },
    {
      name: 'personalDataAccess',
      document: `query { personalDataAccess(first: 1) { edges { cursor } } }`,
      field: 'personalDataAccess',
      expected: AUDITORS,
      variables: fixed(() => ({})),
    },
    { name: 'logCheckpoint', document: `query { logCheckpoint { treeSize } }`, field: 'logCheckpoint', expected: PUBLIC, variables: fixed(() => ({})) },
    {
      name: 'consistencyProof',
      document: `query { consistencyProof(fromSize: "1") { toSize } }`,
      field: 'consistencyProof',
      expected: PUBLIC,
      variables: fixed(() => ({})),
    },
    {
      name: 'inclusionProof',
      document: `query { inclusionProof(position: "1") { leafIndex } }`,
      field: 'inclusionProof',
      expected: AUDITORS,
      variables: fixed(() => ({})),
    },
    { name: 'webhooks', document: `query { webhooks { id } }`, field: 'webhooks', expected: ADMIN_ONLY, variables: fixed(() => ({})) },
    {
      name: 'webhookDeliveries',
      document: `query($id: ID!) { webhookDeliveries(webhookId: $id) { edges { cursor } } }`,
      field: 'webhookDeliveries',
      expected: ADMIN_ADMITTED,
      variables: fixed(() => ({ id: randomUUID() })),
    },
    {
      name: 'registerWebhook',
      // Loopback is refused without WEBHOOK_ALLOW_PRIVATE: ADMIN passes authorization and meets the SSRF guard.
      document: `mutation { registerWebhook(input: { url: "http://127.0.0.1:9/hook", eventTypes: [] }) { secret } }`,
      field: 'registerWebhook',
      expected: ADMIN_ADMITTED,
      variables: fixed(() => ({})),
    },
    {
      name: 'removeWebhook',
      document: `mutation($id: ID!) { removeWebhook(id: $id) { id } }`,
      field: 'removeWebhook',
      expected: ADMIN_ADMITTED,
      variables: fixed(() => ({ id: randomUUID() })),
    },
    {
      name: 'redeliverWebhook',
      document: `mutation($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }`,
      field: 'redeliverWebhook',
      expected: ADMIN_ADMITTED,
      variables: fixed(() => ({ id: randomUUID() })),
    },
    {
      name: 'cosignCheckpoint',
      // Witnesses are auditors or admins; a note signed by no key in WITNESS_KEYS is then refused as input.
      document: `mutation { cosignCheckpoint(signedNote: "not a note") { signedNote } }`,
      field: 'cosignCheckpoint',
      expected: row(U, F, F, F, 'admitted', 'admitted'),
      variables: fixed(() => ({})),
    },
    {
      name: 'setGoal',
      document: M.setGoal,
      field: 'setGoal',
      expected: ADMIN_ONLY,
      variables: input(async () => ({ ...TIJUANA, target: 700, startsAt: '2019-01-01T00:00:00Z', deadline: '2019-12-31T00:00:00Z' })),
    },
    {
      name: 'erasePersonalData',
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
});
