/**
 * One code per situation: every mutation naming a servant, standard,
 * certification, evaluator or folio that does not exist answers NOT_FOUND, for
 * every role that may run it, and records nothing.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MEXICALI, TIJUANA, startTestApi, type TestApi } from './support/api.js';
import { Scenario } from './support/scenario.js';

const mutation = (name: string, input: string) => `mutation($input: ${input}!) { ${name}(input: $input) { position } }`;
const D = {
  changeEmployment: mutation('changeEmployment', 'ChangeEmploymentInput'),
  separateServant: mutation('separateServant', 'SeparateServantInput'),
  erasePersonalData: mutation('erasePersonalData', 'ErasePersonalDataInput'),
  enrollInTraining: mutation('enrollInTraining', 'EnrollInTrainingInput'),
  completeTraining: mutation('completeTraining', 'CompleteTrainingInput'),
  recordVerdict: mutation('recordVerdict', 'RecordVerdictInput'),
  issueCertificate: mutation('issueCertificate', 'IssueCertificateInput'),
  deliverCertificates: mutation('deliverCertificates', 'DeliverCertificatesInput'),
  revokeCertificate: mutation('revokeCertificate', 'RevokeCertificateInput'),
  reissueCertificate: mutation('reissueCertificate', 'ReissueCertificateInput'),
  withdrawStandard: mutation('withdrawStandard', 'WithdrawStandardInput'),
  accreditEvaluator: mutation('accreditEvaluator', 'AccreditEvaluatorInput'),
} as const;

type Role = 'ADMIN' | 'REGISTRAR' | 'EVALUATOR';
interface Case {
  what: string;
  mutation: keyof typeof D;
  input: () => Record<string, unknown>;
  roles: Role[];
}

let api: TestApi;
let servantId: string;
let evaluatorId: string;
let elsewhere: { servantId: string; folio: string };
const nobody = randomUUID();
const step = { provider: 'UTT', modality: 'VIRTUAL', hours: 40, verdict: 'COMPETENT', folio: 'NF-EC0105-0001' };

beforeAll(async () => {
  api = (await startTestApi('sqlite'))!;
  const scenario = await Scenario.start(api);
  await scenario.publishStandard('EC0105');
  evaluatorId = (await scenario.accreditEvaluator(['EC0105'])).id;
  servantId = (await scenario.registerServant(TIJUANA)).id;
  const mexicali = await scenario.certifiedServant(MEXICALI, 'EC0105', evaluatorId, 'NF-EC0105-MXL1');
  elsewhere = { servantId: mexicali.id, folio: 'NF-EC0105-MXL1' };
}, 60_000);
afterAll(() => api?.close());

/** The inputs a certification step takes, for this servant and standard. */
const stepInput = (mutationName: keyof typeof D, servant: string, standardCode: string, evaluator = evaluatorId) => {
  const base = { servantId: servant, standardCode };
  if (mutationName === 'enrollInTraining') return { ...base, provider: step.provider, modality: step.modality };
  if (mutationName === 'completeTraining') return { ...base, hours: step.hours };
  if (mutationName === 'recordVerdict') return { ...base, evaluatorId: evaluator, verdict: step.verdict };
  return { ...base, folio: step.folio };
};

const CASES: Case[] = [
  { what: 'an unknown servant', mutation: 'changeEmployment', input: () => ({ servantId: nobody, department: 'Sindicatura' }), roles: ['ADMIN', 'REGISTRAR'] },
  { what: 'an unknown servant', mutation: 'separateServant', input: () => ({ servantId: nobody, reason: 'Resigned' }), roles: ['ADMIN', 'REGISTRAR'] },
  { what: 'an unknown servant', mutation: 'erasePersonalData', input: () => ({ servantId: nobody, reason: 'ARCO 1/2026' }), roles: ['ADMIN'] },
  ...(['enrollInTraining', 'completeTraining', 'recordVerdict', 'issueCertificate'] as const).flatMap((m): Case[] => {
    const registrar: Role[] = m === 'enrollInTraining' || m === 'completeTraining' ? ['REGISTRAR'] : m === 'recordVerdict' ? ['EVALUATOR'] : [];
    return [
      { what: 'an unknown servant', mutation: m, input: () => stepInput(m, nobody, 'EC0105'), roles: ['ADMIN', ...registrar] },
      { what: 'an unknown standard', mutation: m, input: () => stepInput(m, servantId, 'EC9999'), roles: ['ADMIN', ...registrar] },
    ];
  }),
  ...(['completeTraining', 'issueCertificate'] as const).map((m): Case => ({
    what: 'a certification never started',
    mutation: m,
    input: () => stepInput(m, servantId, 'EC0105'),
    roles: m === 'completeTraining' ? ['ADMIN', 'REGISTRAR'] : ['ADMIN'],
  })),
  { what: 'an unknown evaluator', mutation: 'recordVerdict', input: () => stepInput('recordVerdict', servantId, 'EC0105', nobody), roles: ['ADMIN'] },
  { what: 'an unknown folio', mutation: 'deliverCertificates', input: () => ({ folios: ['NF-NOBODY-0001'], ceremony: 'Entrega' }), roles: ['ADMIN', 'REGISTRAR'] },
  { what: 'an unknown folio', mutation: 'revokeCertificate', input: () => ({ folio: 'NF-NOBODY-0001', reason: 'Error' }), roles: ['ADMIN'] },
  {
    what: 'an unknown folio',
    mutation: 'reissueCertificate',
    input: () => ({ folio: 'NF-NOBODY-0001', printedFolio: 'PRE-NF-0001', reason: 'Lost' }),
    roles: ['ADMIN'],
  },
  { what: 'an unknown standard', mutation: 'withdrawStandard', input: () => ({ code: 'EC9999', reason: 'Replaced' }), roles: ['ADMIN'] },
  {
    what: 'an unknown standard',
    mutation: 'accreditEvaluator',
    input: () => ({ fullName: 'Evaluador Dos', certificationBody: 'UTT', ec0076Folio: 'EC0076-NF', standardCodes: ['EC9999'], validUntil: '2099-12-31T00:00:00.000Z' }),
    roles: ['ADMIN'],
  },
];

describe('a missing servant, standard, certification, evaluator or folio', () => {
  it.each([
    ['removeWebhook', 'mutation RemoveUnknown($id: ID!) { removeWebhook(id: $id) { id } }'],
    ['redeliverWebhook', 'mutation RedeliverUnknown($id: ID!) { redeliverWebhook(deliveryId: $id) { id } }'],
  ])('%s with an unknown id as ADMIN: NOT_FOUND (webhooks too)', async (_m, document) => {
    const result = await api.gql(document, { id: randomUUID() }, await api.token('ADMIN'));
    expect(result.errors?.[0]?.extensions.code, JSON.stringify(result.errors)).toBe('NOT_FOUND');
  });

  it.each(CASES.flatMap((c) => c.roles.map((role) => [c.mutation, c.what, role, c] as const)))('%s with %s as %s: NOT_FOUND', async (_m, _w, role, c) => {
    const token = await api.token(role, role === 'EVALUATOR' ? { sub: evaluatorId } : {});
    const head = await api.head();
    const result = await api.gql(D[c.mutation], { input: c.input() }, token);
    expect(result.errors, JSON.stringify(result.errors)).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'NOT_FOUND' }) })]);
    expect(await api.head()).toBe(head);
  });
});

describe("another municipality's servant or folio, for a REGISTRAR", () => {
  const unknownAndElsewhere = (m: keyof typeof D, input: (servant: string, folio: string) => Record<string, unknown>) =>
    [m, () => input(nobody, 'NF-NOBODY-0001'), () => input(elsewhere.servantId, elsewhere.folio)] as const;
  it.each([
    unknownAndElsewhere('changeEmployment', (id) => ({ servantId: id, department: 'Sindicatura' })),
    unknownAndElsewhere('separateServant', (id) => ({ servantId: id, reason: 'Resigned' })),
    unknownAndElsewhere('enrollInTraining', (id) => stepInput('enrollInTraining', id, 'EC0105')),
    unknownAndElsewhere('completeTraining', (id) => stepInput('completeTraining', id, 'EC0105')),
    unknownAndElsewhere('deliverCertificates', (_id, folio) => ({ folios: [folio], ceremony: 'Entrega' })),
  ])('%s reads exactly as one that does not exist', async (m, unknown, theirs) => {
    const registrar = await api.token('REGISTRAR');
    const head = await api.head();
    const asUnknown = await api.gql(D[m], { input: unknown() }, registrar);
    const asTheirs = await api.gql(D[m], { input: theirs() }, registrar);
    expect(asTheirs.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    // The same words, the id or folio aside.
    const words = (result: typeof asUnknown) => result.errors?.[0]?.message.replace(nobody, '<id>').replace(elsewhere.servantId, '<id>').replace(/NF-\S+/, '<folio>');
    expect(words(asTheirs)).toBe(words(asUnknown));
    expect(await api.head()).toBe(head);
  });
});
