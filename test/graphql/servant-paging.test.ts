/**
 * The servants connection as a frontend's pager uses it, on SQLite and
 * PostgreSQL: paging back with last/before sees exactly what first/after
 * sees, for every filter the servants tests use (and a REGISTRAR's scoped
 * list); any cursor the server did not hand out for that very list gets one
 * code and one message, naming the argument.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOT_OURS, ServantCursors } from '../../src/graphql/servants/servant-cursor.js';
import { BACKENDS, MEXICALI, TIJUANA, startTestApi, type TestApi } from './support/api.js';
import { Scenario, expectRefused, must } from './support/scenario.js';

const SERVANTS = `query ServantsPage($filter: ServantFilter, $first: Int, $after: String, $last: Int, $before: String) {
  servants(filter: $filter, first: $first, after: $after, last: $last, before: $before) {
    totalCount
    edges { cursor node { id } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

/** The servants tests' filters, each meant to match at least one servant here. */
const FILTERS: Record<string, unknown>[] = [
  {},
  { municipality: 'Tijuana' },
  { state: 'Baja California', department: 'Sindicatura' },
  { regime: 'BASE', unionized: true },
  { unionized: false },
  { standardCode: 'EC0105' },
  { certified: true },
  { certified: false },
  { certified: false, municipality: 'Tijuana', nameContains: 'jose' },
  { nameContains: 'ÁNGELES' },
];

interface Page {
  totalCount: number;
  edges: { cursor: string; node: { id: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

describe.each(BACKENDS)('servants paging on %s', (backend) => {
  let api: TestApi | null;
  let admin: string;
  let registrar: string;

  beforeAll(async () => {
    api = await startTestApi(backend);
    if (!api) return;
    const scenario = await Scenario.start(api);
    admin = await api.token('ADMIN');
    registrar = await api.token('REGISTRAR');
    await scenario.publishStandard('EC0105');
    const evaluator = await scenario.accreditEvaluator(['EC0105']);
    const people = [
      { place: TIJUANA, fullName: 'María de los Ángeles Ortiz', department: 'Oficialia Mayor', regime: 'BASE', unionized: true },
      { place: TIJUANA, fullName: 'José Nuñez Ruiz', department: 'Tesoreria Municipal', regime: 'CONFIANZA', unionized: false },
      { place: MEXICALI, fullName: 'Luz María Peña', department: 'Sindicatura', regime: 'BASE', unionized: true },
      { place: TIJUANA, fullName: 'Ángeles Romo', department: 'Sindicatura', regime: 'EVENTUAL', unionized: false },
      { place: TIJUANA, fullName: 'José Luis Ibarra', department: 'Delegaciones', regime: 'BASE', unionized: true },
      { place: MEXICALI, fullName: 'Ana Castro', department: 'Tesoreria Municipal', regime: 'HONORARIOS', unionized: false },
      { place: TIJUANA, fullName: 'Pedro Gil', department: 'Oficialia Mayor', regime: 'BASE', unionized: true },
    ];
    const ids: string[] = [];
    for (const { place, ...extra } of people) ids.push((await scenario.registerServant(place, extra)).id);
    for (const [i, folio] of [[0, 'PG-EC0105-0001'], [2, 'PG-EC0105-0002'], [4, 'PG-EC0105-0003']] as const) {
      await scenario.competent(ids[i], 'EC0105', evaluator.id);
      await scenario.issue(ids[i], 'EC0105', folio);
    }
    await scenario.competent(ids[1], 'EC0105', evaluator.id);
  }, 120_000);
  afterAll(() => api?.close());

  const live = (ctx: { skip: () => void }): TestApi => {
    if (!api) ctx.skip();
    return api!;
  };
  const page = async (variables: Record<string, unknown>, token = admin): Promise<Page> => must(await api!.gql(SERVANTS, variables, token)).servants;

  async function forwards(filter: Record<string, unknown>, token?: string): Promise<string[]> {
    const seen: string[] = [];
    for (let after: string | null = null; ; ) {
      const { edges, pageInfo }: Page = await page({ filter, first: 2, after }, token);
      seen.push(...edges.map((edge) => edge.node.id));
      expect(pageInfo).toMatchObject({ startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null, hasPreviousPage: after !== null });
      if (!pageInfo.hasNextPage) return seen;
      after = pageInfo.endCursor;
    }
  }

  async function backwards(filter: Record<string, unknown>, token?: string): Promise<string[]> {
    const pages: string[][] = [];
    for (let before: string | null = null; ; ) {
      const { edges, pageInfo }: Page = await page({ filter, last: 2, before }, token);
      pages.unshift(edges.map((edge) => edge.node.id));
      expect(pageInfo).toMatchObject({ startCursor: edges[0]?.cursor ?? null, endCursor: edges.at(-1)?.cursor ?? null, hasNextPage: before !== null });
      if (!pageInfo.hasPreviousPage) return pages.flat();
      before = pageInfo.startCursor;
    }
  }

  it('pages back from the newest with last/before, seeing what first/after sees, for every filter', async (ctx) => {
    live(ctx);
    for (const filter of FILTERS) {
      const all = (await page({ filter, first: 100 })).edges.map((edge) => edge.node.id);
      expect(all.length, JSON.stringify(filter)).toBeGreaterThan(0);
      expect(await forwards(filter), JSON.stringify(filter)).toEqual(all);
      expect(await backwards(filter), JSON.stringify(filter)).toEqual(all);
    }
    expect((await page({ filter: { certified: true }, first: 100 })).totalCount).toBe(3);
  });

  it("pages a REGISTRAR's own municipality both ways", async (ctx) => {
    live(ctx);
    const own = (await page({ first: 100 }, registrar)).edges.map((edge) => edge.node.id);
    expect(own).toEqual((await page({ filter: TIJUANA, first: 100 })).edges.map((edge) => edge.node.id));
    expect(await forwards({}, registrar)).toEqual(own);
    expect(await backwards({ unionized: true }, registrar)).toEqual((await page({ filter: { ...TIJUANA, unionized: true }, first: 100 })).edges.map((edge) => edge.node.id));
  });

  it('resumes from any edge, either way, and pages between two cursors', async (ctx) => {
    live(ctx);
    const all = (await page({ first: 100 })).edges;
    const after = await page({ first: 100, after: all[1].cursor });
    expect(after.edges.map((edge) => edge.node.id)).toEqual(all.slice(2).map((edge) => edge.node.id));
    const before = await page({ last: 100, before: all[4].cursor });
    expect(before.edges.map((edge) => edge.node.id)).toEqual(all.slice(0, 4).map((edge) => edge.node.id));
    expect(before.pageInfo).toMatchObject({ hasPreviousPage: false, hasNextPage: true });
    const between = await page({ first: 1, after: all[1].cursor, before: all[4].cursor });
    expect(between.edges.map((edge) => edge.node.id)).toEqual([all[2].node.id]);
    expect(between.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
  });

  it('answers any cursor it did not hand out for this list with one code and one message', async (ctx) => {
    const api = live(ctx);
    const [edge] = (await page({ filter: { municipality: 'Tijuana' }, first: 1 })).edges;
    const bytes = Buffer.from(edge.cursor, 'base64url');
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 1] ^= 1;
    const otherPosition = Buffer.from(bytes);
    otherPosition[7] ^= 1;
    const json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const refused: [string, string | Record<string, unknown>][] = [
      ['forged, the old format blaming first', json([null, 501])],
      ['forged, the old format smuggling an offset', json([null, 400])],
      ['garbage', 'bm90IGEgY3Vyc29y'],
      ['empty', ''],
      ['truncated', edge.cursor.slice(0, -1)],
      ['extended', `${edge.cursor}A`],
      ['padded', `${edge.cursor}=`],
      ['re-encoded as base64', `${bytes.toString('base64')}==`],
      ['re-encoded as hex', bytes.toString('hex')],
      ['a flipped bit in the seal', flipped.toString('base64url')],
      ['another position under the same seal', otherPosition.toString('base64url')],
      ['sealed by another key', new ServantCursors(randomBytes(32)).encode({ municipality: 'Tijuana' }, bytes.readBigUInt64BE())],
      ['from another filter', { municipality: 'Mexicali' }],
      ['from the unfiltered list', {}],
    ];
    const registrarCursor = (await page({ first: 1 }, registrar)).edges[0].cursor;
    for (const [why, cursorOrFilter] of refused) {
      const cursor = typeof cursorOrFilter === 'string' ? cursorOrFilter : edge.cursor;
      const filter = typeof cursorOrFilter === 'string' ? { municipality: 'Tijuana' } : cursorOrFilter;
      for (const [field, variables] of [
        ['after', { filter, first: 2, after: cursor }],
        ['before', { filter, last: 2, before: cursor }],
      ] as const) {
        const result = await api.gql(SERVANTS, variables, admin);
        expect(result.data, `${why} as ${field}`).toBeNull();
        expect(result.errors, `${why} as ${field}`).toEqual([expect.objectContaining({ message: NOT_OURS, extensions: expect.objectContaining({ code: 'BAD_USER_INPUT', field }) })]);
      }
    }
    // A REGISTRAR's list is its municipality, sealed as such: an ADMIN cursor of the whole list is not one of it, nor the reverse.
    expect((await api.gql(SERVANTS, { after: edge.cursor }, registrar)).errors?.[0]).toMatchObject({ message: NOT_OURS, extensions: { field: 'after' } });
    expect((await api.gql(SERVANTS, { filter: { municipality: 'Tijuana' }, after: registrarCursor }, admin)).errors?.[0]).toMatchObject({ message: NOT_OURS });
    expect(must(await api.gql(SERVANTS, { filter: TIJUANA, first: 1, after: registrarCursor }, admin)).servants.edges).toHaveLength(1);
    // Another municipality's list is always empty for a REGISTRAR: it never handed out a cursor either.
    for (const field of ['after', 'before'] as const) {
      const elsewhere = await api.gql(SERVANTS, { filter: { municipality: 'Mexicali' }, [field]: registrarCursor }, registrar);
      expect(elsewhere.errors?.[0]).toMatchObject({ message: NOT_OURS, extensions: { code: 'BAD_USER_INPUT', field } });
    }
    expect(must(await api.gql(SERVANTS, { filter: { municipality: 'Mexicali' } }, registrar)).servants).toMatchObject({ edges: [], totalCount: 0 });
  });

  it('refuses first with last, and page sizes outside 1 to 100, naming the argument', async (ctx) => {
    const api = live(ctx);
    expect((await api.gql(SERVANTS, { first: 2, last: 2 }, admin)).errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    for (const size of [0, 101]) {
      expectRefused(await api.gql(SERVANTS, { first: size }, admin), 'BAD_USER_INPUT');
      expectRefused(await api.gql(SERVANTS, { last: size }, admin), 'BAD_USER_INPUT');
    }
  });
});
