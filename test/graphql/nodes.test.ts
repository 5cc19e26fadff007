/**
 * Global object identification (Relay): every object a client caches has a
 * stable id unique across types, `node(id:)` refetches it for whoever may read
 * it anyway, and Apollo Client's normalized cache keeps every field of two
 * queries over the same objects without a single warning.
 */
import { InMemoryCache, gql as apolloGql } from '@apollo/client/core/index.js';
import { print } from 'graphql';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { MEXICALI, TIJUANA, startTestApi, type TestApi } from './support/api.js';
import { M } from './support/documents.js';
import { Scenario, must } from './support/scenario.js';

let api: TestApi;
let admin: string;
let ids: Record<string, string>;

beforeAll(async () => {
  api = (await startTestApi('sqlite'))!;
  const scenario = await Scenario.start(api);
  admin = await api.token('ADMIN');
  await scenario.publishStandard('EC0105');
  const evaluator = await scenario.accreditEvaluator(['EC0105']);
  const servant = await scenario.certifiedServant(TIJUANA, 'EC0105', evaluator.id, 'NODES-TJ-0001');
  const goal = must(
    await api.gql(M.setGoal, { input: { ...TIJUANA, target: 600, startsAt: '2016-12-01T00:00:00Z', deadline: '2018-12-31T23:59:59Z' } }, admin),
  ).setGoal.goal;
  const read = must(
    await api.gql(
      `query Ids($servantId: ID!) {
        servant(id: $servantId) { id certifications { id certificate { id folio } standard { id code } } }
        evaluators { id }
        goals { id }
        stats: certificationStats(municipality: "Tijuana", asOf: "2018-09-18T23:59:59Z") { id }
      }`,
      { servantId: servant.id },
      admin,
    ),
  );
  const certification = read.servant.certifications[0];
  ids = {
    Servant: read.servant.id,
    Certification: certification.id,
    Certificate: certification.certificate.id,
    CompetencyStandard: certification.standard.id,
    Evaluator: read.evaluators[0].id,
    Goal: goal.id,
    CertificationStats: read.stats.id,
  };
}, 60_000);
afterAll(() => api?.close());

const NODE = `query Node($id: ID!) { node(id: $id) { __typename id } }`;

describe('global object identification', () => {
  it('gives every cached type an id, unique across types; a servant keeps the id mutations take', () => {
    expect(new Set(Object.values(ids)).size).toBe(7);
    expect(ids.Servant).toMatch(/^[0-9a-f-]{36}$/);
    expect(ids.Certificate).toBe('Certificate:NODES-TJ-0001');
    expect(ids.CompetencyStandard).toBe('CompetencyStandard:EC0105');
  });

  it('refetches every type by its id with node(id:)', async () => {
    for (const [type, id] of Object.entries(ids)) {
      expect(must(await api.gql(NODE, { id }, admin)).node, type).toEqual({ __typename: type, id });
    }
  });

  it('keeps CertificationStats.id stable for the same arguments, and different for others', async () => {
    const statsId = async (args: string) => must(await api.gql(`query S { certificationStats(${args}) { id } }`)).certificationStats.id;
    expect(await statsId('municipality: "Tijuana", asOf: "2018-09-18T23:59:59Z"')).toBe(ids.CertificationStats);
    expect(await statsId('municipality: "Tijuana", asOf: "2018-09-19T23:59:59Z"')).not.toBe(ids.CertificationStats);
    expect(await statsId('municipality: "Mexicali", asOf: "2018-09-18T23:59:59Z"')).not.toBe(ids.CertificationStats);
  });

  it('answers only what the caller may read anyway: null otherwise, never an error', async () => {
    const anonymous = async (id: string) => must(await api.gql(NODE, { id })).node;
    expect(await anonymous(ids.Goal)).toEqual({ __typename: 'Goal', id: ids.Goal });
    expect(await anonymous(ids.CompetencyStandard)).not.toBeNull();
    expect(await anonymous(ids.CertificationStats)).not.toBeNull();
    for (const type of ['Servant', 'Certification', 'Certificate', 'Evaluator']) expect(await anonymous(ids[type]!), type).toBeNull();
    const mexicali = await api.token('REGISTRAR', MEXICALI);
    for (const type of ['Servant', 'Certification', 'Certificate']) expect(must(await api.gql(NODE, { id: ids[type] }, mexicali)).node, type).toBeNull();
    for (const id of ['nonsense', 'Certificate:', 'CompetencyStandard:EC', 'CertificationStats:x', '00000000-0000-4000-8000-000000000000']) {
      expect(must(await api.gql(NODE, { id }, admin)).node, id).toBeNull();
    }
  });

  it('lets an Apollo InMemoryCache without typePolicies keep every field of two queries on one certificate, with no warning', async () => {
    const warn = vi.spyOn(console, 'warn');
    const error = vi.spyOn(console, 'error');
    try {
      const cache = new InMemoryCache();
      const first = apolloGql`query First($folio: String!) { certificate(folio: $folio) { id folio status standard { id code title } } }`;
      const second = apolloGql`query Second($folio: String!) { certificate(folio: $folio) { id folio issuedAt standard { id code level } } }`;
      const variables = { folio: 'NODES-TJ-0001' };
      for (const query of [first, second]) {
        // What Apollo Client sends: the query with __typename added.
        const result = must(await api.gql(print(cache.transformDocument(query)), variables, admin));
        cache.writeQuery({ query, variables, data: result });
      }
      const kept = cache.readQuery<{ certificate: Record<string, unknown> }>({ query: first, variables });
      expect(kept?.certificate).toMatchObject({ folio: 'NODES-TJ-0001', status: 'VALID', standard: { code: 'EC0105', title: 'Standard EC0105' } });
      expect(cache.readQuery<{ certificate: Record<string, unknown> }>({ query: second, variables })?.certificate.issuedAt).toBeTruthy();
      expect(warn).not.toHaveBeenCalled();
      expect(error).not.toHaveBeenCalled();
    } finally {
      warn.mockRestore();
      error.mockRestore();
    }
  });
});
