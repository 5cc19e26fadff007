/**
 * Relay connections as a frontend's pager uses them: auditLog pages forwards
 * with first/after and backwards from the newest with last/before, and both
 * walks see the same events; PageInfo carries both cursors and both flags.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApi, type TestApi } from './support/api.js';
import { Scenario, must } from './support/scenario.js';

let api: TestApi;
let auditor: string;

beforeAll(async () => {
  api = (await startTestApi('sqlite'))!;
  const scenario = await Scenario.start(api);
  auditor = await api.token('AUDITOR');
  for (const code of ['EC0105', 'EC0217', 'EC0076']) await scenario.publishStandard(code);
  for (let i = 0; i < 7; i++) await scenario.registerServant();
}, 60_000);
afterAll(() => api?.close());

const AUDIT = `query Audit($first: Int, $after: String, $last: Int, $before: String) {
  auditLog(first: $first, after: $after, last: $last, before: $before) {
    edges { cursor node { position type } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}`;

const page = async (variables: Record<string, unknown>) => must(await api.gql(AUDIT, variables, auditor)).auditLog;

describe('auditLog paging', () => {
  it('pages back from the newest with last/before, seeing what first/after sees, in the same order', async () => {
    const forwards: string[] = [];
    for (let after: string | null = null; ; ) {
      const { edges, pageInfo } = await page({ first: 3, after });
      forwards.push(...edges.map((edge: any) => edge.cursor));
      expect(pageInfo.startCursor).toBe(edges[0]?.cursor ?? null);
      expect(pageInfo.hasPreviousPage).toBe(after !== null);
      if (!pageInfo.hasNextPage) break;
      after = pageInfo.endCursor;
    }
    expect(forwards.length).toBeGreaterThanOrEqual(10);
    const backwards: string[][] = [];
    for (let before: string | null = null; ; ) {
      const { edges, pageInfo } = await page({ last: 4, before });
      const cursors = edges.map((edge: any) => edge.cursor);
      // Edges stay oldest first within a page.
      expect(cursors).toEqual([...cursors].sort((a, b) => Number(a) - Number(b)));
      expect(pageInfo.hasNextPage).toBe(before !== null);
      backwards.unshift(cursors);
      if (!pageInfo.hasPreviousPage) break;
      before = pageInfo.startCursor;
    }
    expect(backwards.flat()).toEqual(forwards);
  });

  it('refuses first with last, and a cursor it did not hand out, naming the argument', async () => {
    const both = await api.gql(AUDIT, { first: 2, last: 2 }, auditor);
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'last' });
    const forged = await api.gql(AUDIT, { last: 2, before: 'abc' }, auditor);
    expect(forged.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'before' });
  });
});
