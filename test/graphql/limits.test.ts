import { getIntrospectionQuery, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { checkLimits, DEFAULT_LIMITS } from '../../src/graphql/limits.js';
import { buildAcreditaSchema } from '../../src/graphql/schema.js';

let schema: Awaited<ReturnType<typeof buildAcreditaSchema>>;
beforeAll(async () => {
  schema = await buildAcreditaSchema();
});

const check = (query: string, variables: Record<string, unknown> = {}, limits = DEFAULT_LIMITS) =>
  checkLimits({ schema, document: parse(query), variables }, limits);

/** A field path `levels` deep: servant { certifications { servant { certifications ... { id } } } }. */
function rootSelection(levels: number): string {
  let selection = levels % 2 === 0 ? 'id' : 'stage';
  for (let level = levels - 1; level >= 2; level--) {
    selection = level % 2 === 0 ? `certifications { ${selection} }` : `servant { ${selection} }`;
  }
  return `servant(id: "x") { ${selection} }`;
}
const nested = (levels: number) => `{ ${rootSelection(levels)} }`;
/** Nested lists multiply the cost; depth tests look at depth alone. */
const DEPTH_ONLY = { ...DEFAULT_LIMITS, maxCost: Number.MAX_SAFE_INTEGER };

describe('query limits', () => {
  it('lets the explorer introspect the schema', () => {
    expect(check(getIntrospectionQuery())).toBeNull();
  });

  it('allows 12 levels and refuses 13 and 20, before execution, with QUERY_TOO_DEEP', () => {
    expect(check(nested(12), {}, DEPTH_ONLY)).toBeNull();
    for (const levels of [13, 20]) {
      const refusal = check(nested(levels), {}, DEPTH_ONLY);
      expect(refusal?.extensions).toMatchObject({ code: 'QUERY_TOO_DEEP', http: { status: 400 } });
    }
  });

  it('counts depth through fragments', () => {
    const deep = check(`query { ...Deep } fragment Deep on Query { ${rootSelection(13)} }`, {}, DEPTH_ONLY);
    expect(deep?.extensions.code).toBe('QUERY_TOO_DEEP');
    expect(check(`query { ...Shallow } fragment Shallow on Query { ${rootSelection(12)} }`, {}, DEPTH_ONLY)).toBeNull();
  });

  it('weighs lists by `first`, from literals and variables alike', () => {
    const page = 'query($n: Int) { servants(first: $n) { edges { node { certifications { standard { code } certificate { folio } } } } } }';
    expect(check(page, { n: 20 })).toBeNull();
    expect(check(page, { n: 100 })).toBeNull();
    expect(check(page, { n: 1000 })?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(check(page.replace('($n: Int)', '').replace('$n', '1000'))?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('is configurable', () => {
    const query = '{ standards { code } evaluators { id } }';
    expect(check(query)).toBeNull();
    // Two lists of an assumed 10 objects each.
    expect(check(query, {}, { ...DEFAULT_LIMITS, maxCost: 20 })).toBeNull();
    expect(check(query, {}, { ...DEFAULT_LIMITS, maxCost: 19 })?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });
});
