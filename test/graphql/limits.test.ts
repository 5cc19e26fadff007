import { getIntrospectionQuery, graphqlSync, parse } from 'graphql';
import { beforeAll, describe, expect, it } from 'vitest';
import { assessOperation, checkLimits, DEFAULT_LIMITS } from '../../src/graphql/limits.js';
import { buildAcreditaSchema } from '../../src/graphql/schema.js';

let schema: Awaited<ReturnType<typeof buildAcreditaSchema>>;
beforeAll(async () => {
  schema = await buildAcreditaSchema();
});

const check = (query: string, variables: Record<string, unknown> = {}, limits = DEFAULT_LIMITS, anonymous = false) =>
  checkLimits({ schema, document: parse(query), variables, anonymous }, limits);
const costOf = (query: string, variables: Record<string, unknown> = {}) =>
  assessOperation({ schema, document: parse(query), variables, anonymous: false }, { ...DEFAULT_LIMITS, maxCost: Number.MAX_SAFE_INTEGER }).cost;

/** Every field resolution in an executed result: each key of each object (a list of scalars is one). */
const resolutions = (value: unknown): number =>
  Array.isArray(value)
    ? value.reduce((total: number, item) => total + resolutions(item), 0)
    : value !== null && typeof value === 'object'
      ? Object.values(value).reduce((total: number, item) => total + 1 + (Array.isArray(item) && item.every((x) => typeof x !== 'object') ? 0 : resolutions(item)), 0)
      : 0;

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
  it('lets the explorer introspect the schema, signed out too', () => {
    expect(check(getIntrospectionQuery())).toBeNull();
    expect(check(getIntrospectionQuery(), {}, DEFAULT_LIMITS, true)).toBeNull();
  });

  it('counts introspection exactly: as many resolutions as executing it takes', () => {
    for (const query of [getIntrospectionQuery(), '{ __schema { types { name fields { name args { name } } } } }', '{ __type(name: "Servant") { fields { name } } }']) {
      const executed = graphqlSync({ schema, source: query });
      expect(executed.errors).toBeUndefined();
      expect(costOf(query)).toBe(resolutions(executed.data));
    }
  });

  it('counts every field resolution, scalars and aliases included', () => {
    expect(costOf('{ standards { code } }')).toBe(1 + 10);
    expect(costOf('{ standards { code title level } }')).toBe(1 + 10 * 3);
    expect(costOf('{ a: standards { code } b: standards { code } __typename }')).toBe(2 * 11 + 1);
    expect(costOf('{ evaluators { standardCodes } }')).toBe(1 + 10 * 1);
  });

  it('weighs variables as they coerce, defaults included', () => {
    const page = (first: string) => `query($f: Int = 100) { servants(first: ${first}) { edges { node { id fullName } } } }`;
    expect(costOf(page('$f'))).toBe(costOf(page('100')));
    expect(costOf(page('$f'), { f: 5 })).toBe(costOf(page('5')));
    const audit = 'query($n: Int = 500) { auditLog(first: $n) { edges { node { type data } } } }';
    expect(costOf(audit)).toBe(costOf(audit.replace('$n)', '500)')));
    expect(costOf(audit)).toBeGreaterThan(costOf(audit, { n: 5 }) * 50);
  });

  it('gives anonymous callers a lower ceiling', () => {
    const query = `{ ${Array.from({ length: 12 }, (_, i) => `g${i}: goals { id state municipality target startsAt deadline description }`).join(' ')} }`;
    const cost = costOf(query);
    expect(cost).toBeGreaterThan(DEFAULT_LIMITS.maxAnonymousCost / 20);
    const limits = { ...DEFAULT_LIMITS, maxAnonymousCost: cost - 1, maxCost: cost };
    expect(check(query, {}, limits, false)).toBeNull();
    expect(check(query, {}, limits, true)?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    expect(check(query, {}, limits, true)?.message).toMatch(/anonymous/);
  });

  it('caps aliases and root fields, fragments included', () => {
    const aliased = (n: number) => `{ ${Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ')} }`;
    expect(check(aliased(DEFAULT_LIMITS.maxRootFields))).toBeNull();
    expect(check(aliased(DEFAULT_LIMITS.maxRootFields + 1))?.message).toMatch(/root fields/);
    const nestedAliases = (n: number) => `{ standards { ${Array.from({ length: n }, (_, i) => `c${i}: code`).join(' ')} } }`;
    expect(check(nestedAliases(DEFAULT_LIMITS.maxAliases))).toBeNull();
    expect(check(nestedAliases(DEFAULT_LIMITS.maxAliases + 1))?.extensions).toMatchObject({ code: 'QUERY_TOO_COMPLEX' });
    const viaFragment = `{ ...F } fragment F on Query { ${Array.from({ length: 25 }, (_, i) => `v${i}: verifyCertificate(folio: "x") { found }`).join(' ')} }`;
    expect(check(viaFragment)?.message).toMatch(/root fields/);
  });

  it('stops counting introspection past the ceiling', () => {
    const fragments = getIntrospectionQuery().slice(getIntrospectionQuery().indexOf('fragment FullType'));
    const many = `{ ${Array.from({ length: 15 }, (_, i) => `s${i}: __schema { types { ...FullType } }`).join(' ')} } ${fragments}`;
    const refusal = check(many, {}, DEFAULT_LIMITS, true);
    expect(refusal?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(refusal?.message).toMatch(/above 10000/);
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
    expect(check(page, { n: 5000 })?.extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(check(page.replace('($n: Int)', '').replace('$n', '5000'))?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });

  it('is configurable', () => {
    const query = '{ standards { code } evaluators { id } }';
    expect(check(query)).toBeNull();
    // Two lists of an assumed 10 objects of one field each, and the lists themselves.
    expect(check(query, {}, { ...DEFAULT_LIMITS, maxCost: 22 })).toBeNull();
    expect(check(query, {}, { ...DEFAULT_LIMITS, maxCost: 21 })?.extensions.code).toBe('QUERY_TOO_COMPLEX');
  });
});
