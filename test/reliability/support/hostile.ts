/**
 * Hostile GraphQL requests built from the served schema: random selections,
 * arguments of the right or wrong types, huge and negative numbers, unicode,
 * SQL-looking strings, deep nesting, alias and fragment bombs, malformed bodies.
 * Structure comes from a seeded generator; the hostile values come from
 * fast-check, so a failure is replayed from fast-check's seed.
 */
import fc from 'fast-check';
import {
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
} from 'graphql';

/** What the request is made of: a document with variables, or a raw body. */
export type HostileRequest = {
  kind: 'graphql' | 'raw';
  body: unknown;
  /** Mutation fields at the root (each one a command of its own). */
  mutations: number;
};

const SQL_ISH = [
  "' OR '1'='1",
  "'; DROP TABLE events; --",
  '" OR 1=1 --',
  "1); DELETE FROM rm_servants WHERE (1=1",
  "EC0105' UNION SELECT curp FROM rm_servants --",
  '%',
  '_',
  '\\',
  '$1',
  "'||pg_sleep(10)||'",
  'admin\u0000',
  '../../../../etc/passwd',
  '${jndi:ldap://127.0.0.1/a}',
  '<script>alert(1)</script>',
  '{{7*7}}',
  '__proto__',
  'constructor',
];

/** Values an attacker would send, anywhere a value goes. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.constantFrom(...SQL_ISH),
  fc.integer(),
  fc.constantFrom(-1, 0, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 + 1, Number.MAX_SAFE_INTEGER, -Number.MAX_VALUE, 1e308, 0.5, -0.0),
  fc.double(),
  fc.bigInt().map((n) => n.toString()),
  fc.constantFrom(null, true, false, [], {}, [[[]]], { $gt: '' }, { __proto__: { admin: true } }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom('x'.repeat(70_000), 'a'.repeat(480_000), 'Ñ'.repeat(5_000), '\u202e'.repeat(100), '😀'.repeat(1_000)),
  // Positions and counts past 64 bits, as strings (cursors) and as numbers.
  fc.constantFrom('18446744073709551616', '9'.repeat(30), '-1', '0x10', 2 ** 64, -(2 ** 63)),
);

/** The request arbitrary: a seed for the structure plus sixteen hostile values to draw from. */
export const hostileCase = fc.record({
  seed: fc.noShrink(fc.integer()),
  pool: fc.array(hostileValue, { minLength: 16, maxLength: 16 }),
});

export interface KnownData {
  servantIds: string[];
  folios: string[];
  curps: string[];
  standardCode: string;
}

/** mulberry32: a tiny deterministic generator for the document's structure. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  return {
    next,
    chance: (p: number) => next() < p,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)],
  };
}
type Random = ReturnType<typeof random>;

const NAME = /^[_A-Za-z][_0-9A-Za-z]*$/;

/** Any value as text (fast-check's objects may have no prototype, so no String()). */
const text = (value: unknown): string => (typeof value === 'string' ? value : (JSON.stringify(value) ?? 'null'));

/** A value as a GraphQL literal (enum values bare); anything unprintable becomes invalid syntax on purpose. */
function literal(value: unknown, enumValues: ReadonlySet<string> = new Set()): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string') return enumValues.has(value) ? value : JSON.stringify(value);
  if (typeof value === 'number') return String(value); // NaN and Infinity are not GraphQL: a parse error, on purpose
  if (typeof value === 'boolean') return String(value);
  if (Array.isArray(value)) return `[${value.map((item) => literal(item)).join(', ')}]`;
  return `{${Object.entries(value as object)
    .map(([key, item]) => `${NAME.test(key) ? key : JSON.stringify(key)}: ${literal(item)}`)
    .join(', ')}}`;
}

export class HostileDocuments {
  private readonly query: GraphQLObjectType;
  private readonly mutation: GraphQLObjectType;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly known: KnownData,
  ) {
    this.query = schema.getQueryType()!;
    this.mutation = schema.getMutationType()!;
  }

  build(seed: number, pool: readonly unknown[]): HostileRequest {
    const r = random(seed);
    const hostile = () => r.pick(pool);
    const shape = r.next();
    if (shape < 0.6) return this.operation(r, hostile);
    if (shape < 0.68) return this.aliasBomb(r);
    if (shape < 0.74) return this.fragments(r);
    if (shape < 0.8) return this.deep(r);
    if (shape < 0.9) return this.malformedBody(r, hostile);
    return { kind: 'graphql', mutations: 0, body: { query: text(hostile()), variables: r.chance(0.5) ? hostile() : undefined } };
  }

  /** A schema-driven operation: root fields with arguments inline or as variables, random selections. */
  private operation(r: Random, hostile: () => unknown): HostileRequest {
    const mutation = r.chance(0.35);
    const root = mutation ? this.mutation : this.query;
    const fields = Object.values(root.getFields());
    const variables: Record<string, unknown> = {};
    const definitions: string[] = [];
    const selections: string[] = [];
    const count = r.int(1, 3);
    for (let i = count; i > 0; i--) {
      const field = r.pick(fields);
      const args = field.args
        .filter((arg) => isNonNullType(arg.type) || r.chance(0.5))
        .map((arg) => {
          const value = r.chance(0.1) ? hostile() : this.value(r, arg.type, hostile, 0);
          if (r.chance(0.5)) {
            const name = `v${definitions.length}`;
            // Usually declared with the argument's type; sometimes with a wrong one.
            definitions.push(`$${name}: ${r.chance(0.95) ? String(arg.type) : r.pick(['Int', 'String!', '[ID]', 'Boolean', 'NoSuchType'])}`);
            if (value !== undefined) variables[name] = value;
            return `${arg.name}: $${name}`;
          }
          return `${arg.name}: ${literal(value, this.enumValues(arg))}`;
        });
      if (r.chance(0.01)) args.push(`${r.pick(['first', 'id', 'where', 'limit'])}: ${literal(hostile())}`);
      // Two unaliased root fields of one name with other arguments would only ever fail validation.
      const alias = count > 1 || r.chance(0.3) ? `a${i}: ` : '';
      selections.push(`${alias}${field.name}${args.length ? `(${args.join(', ')})` : ''}${this.selection(r, field, r.int(1, 5))}`);
    }
    const header = definitions.length ? `(${definitions.join(', ')})` : '';
    const query = `${mutation ? 'mutation' : r.chance(0.5) ? 'query' : 'query Q'}${header} { ${selections.join(' ')} }`;
    return { kind: 'graphql', mutations: mutation ? count : 0, body: { query, variables } };
  }

  private enumValues(arg: GraphQLArgument): Set<string> {
    const named = getNamedType(arg.type);
    return new Set(isEnumType(named) ? named.getValues().map((v) => v.name) : []);
  }

  /** A value for an input type: plausible, wrong in type, out of range, or hostile. */
  private value(r: Random, type: GraphQLInputType, hostile: () => unknown, depth: number): unknown {
    if (isNonNullType(type)) return r.chance(0.04) ? null : this.value(r, type.ofType, hostile, depth);
    if (r.chance(0.08)) return hostile();
    if (isListType(type)) {
      if (r.chance(0.1)) return this.value(r, type.ofType, hostile, depth + 1); // a single item where a list goes
      return Array.from({ length: r.chance(0.05) ? 1_001 : r.int(0, 3) }, () => this.value(r, type.ofType, hostile, depth + 1));
    }
    if (isEnumType(type)) return r.chance(0.92) ? r.pick(type.getValues()).name : r.pick(['NOPE', 'base', '', 'ADMIN']);
    if (isInputObjectType(type)) {
      if (depth > 3) return {};
      const object: Record<string, unknown> = {};
      for (const field of Object.values(type.getFields())) {
        if (isNonNullType(field.type) ? r.chance(0.95) : r.chance(0.6)) object[field.name] = this.value(r, field.type, hostile, depth + 1);
      }
      if (r.chance(0.05)) object[r.pick(['role', 'actor', 'position', 'extra'])] = hostile();
      return object;
    }
    return this.scalar(r, type as GraphQLNamedType, hostile);
  }

  private scalar(r: Random, type: GraphQLNamedType, hostile: () => unknown): unknown {
    const { servantIds, folios, curps, standardCode } = this.known;
    switch (isScalarType(type) ? type.name : '') {
      case 'Int':
        return r.pick([0, 1, -1, 5, 20, 100, 101, 500, 501, 3_000, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 1e20, 1.5]);
      case 'Float':
        return r.pick([0, -1, 1.5, 1e308, -1e308]);
      case 'Boolean':
        return r.chance(0.9) ? r.chance(0.5) : r.pick(['true', 1, 0]);
      case 'ID':
        return r.pick([...servantIds, '00000000-0000-0000-0000-000000000000', 'not-a-uuid', '', String(r.int(0, 1e9))]);
      case 'DateTime':
        return r.pick(['2018-09-18T17:00:00.000Z', '2099-01-01T00:00:00Z', '1900-01-01T00:00:00Z', '2018-02-30T00:00:00Z', 'yesterday', '', 1537290000000]);
      case 'JSON':
        return hostile();
      default:
        return r.pick([
          standardCode,
          'EC9999',
          'EC0105.01',
          'ec0105',
          ...folios,
          ...curps,
          'Tijuana',
          'Baja California',
          'Oficialía Mayor',
          'servant-00000000-0000-0000-0000-000000000000',
          '',
          ' ',
          text(hostile()),
        ]);
    }
  }

  /** A selection set for the field's type: a few fields, nested up to `depth`, sometimes wrong. */
  private selection(r: Random, field: GraphQLField<unknown, unknown>, depth: number): string {
    const type = getNamedType(field.type);
    if (!isObjectType(type)) return r.chance(0.005) ? ' { nope }' : '';
    if (depth <= 0) return ' { __typename }';
    const fields = Object.values(type.getFields());
    const chosen = new Set<string>();
    for (let i = r.int(1, 4); i > 0; i--) {
      const sub = r.pick(fields);
      if (sub.args.some((arg) => isNonNullType(arg.type))) continue;
      chosen.add(`${sub.name}${this.selection(r, sub, depth - 1)}`);
    }
    if (r.chance(0.005)) chosen.add('notAField');
    if (chosen.size === 0) chosen.add('__typename');
    return ` { ${[...chosen].join(' ')} }`;
  }

  /** Hundreds of aliases of the same costly field, or of a cheap one. */
  private aliasBomb(r: Random): HostileRequest {
    const count = r.pick([100, 500, 2_000, 10_000]);
    const field = r.pick([
      'standards { code certifiedCount }',
      'servants(first: 100) { edges { node { id fullName certifications { stage standard { code } } } } }',
      `verifyCertificate(folio: "${this.known.folios[0] ?? 'X-1'}") { found holderInitials }`,
      '__typename',
      'certificationStats { byMonth { key count } }',
    ]);
    const query = `{ ${Array.from({ length: count }, (_, i) => `a${i}: ${field}`).join(' ')} }`;
    return { kind: 'graphql', mutations: 0, body: { query } };
  }

  /** Fragment cycles, fragments that double at each level ("billion laughs"), unused and unknown fragments. */
  private fragments(r: Random): HostileRequest {
    const levels = r.int(3, 30);
    const kind = r.int(0, 2);
    let query: string;
    if (kind === 0) {
      query = `{ servants { ...F0 } } ${Array.from({ length: levels }, (_, i) => `fragment F${i} on ServantConnection { totalCount ...F${(i + 1) % levels} }`).join(' ')}`;
    } else if (kind === 1) {
      const body = (i: number) => (i === levels - 1 ? 'code' : `...S${i + 1} ...S${i + 1}`);
      query = `{ standards { ...S0 } } ${Array.from({ length: levels }, (_, i) => `fragment S${i} on CompetencyStandard { ${body(i)} }`).join(' ')}`;
    } else {
      query = `{ standards { ...Missing } } fragment Unused on Query { standards { code } }`;
    }
    return { kind: 'graphql', mutations: 0, body: { query } };
  }

  /** Nesting far past the depth limit: selections, list literals, or plain braces. */
  private deep(r: Random): HostileRequest {
    const n = r.pick([13, 30, 200, 5_000]);
    const kind = r.int(0, 2);
    let query: string;
    if (kind === 0) {
      let selection = 'id';
      for (let i = 0; i < n && i < 200; i++) selection = `certifications { servant { ${selection} } }`;
      query = `{ servants { edges { node { ${selection} } } } }`;
    } else if (kind === 1) {
      query = `{ standard(code: ${'['.repeat(n)}"EC0105"${']'.repeat(n)}) { code } }`;
    } else {
      query = `${'{ a '.repeat(n)}${'}'.repeat(n)}`;
    }
    return { kind: 'graphql', mutations: 0, body: { query } };
  }

  /** Bodies that are not one GraphQL request: batches, wrong types, broken JSON. */
  private malformedBody(r: Random, hostile: () => unknown): HostileRequest {
    const options: (() => HostileRequest)[] = [
      () => ({ kind: 'graphql', mutations: 0, body: [{ query: '{ standards { code } }' }, { query: '{ __typename }' }] }),
      () => ({ kind: 'graphql', mutations: 0, body: hostile() }),
      () => ({ kind: 'graphql', mutations: 0, body: { query: hostile(), variables: hostile(), operationName: hostile() } }),
      () => ({ kind: 'graphql', mutations: 0, body: { query: '{ standards { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } } }),
      () => ({ kind: 'graphql', mutations: 0, body: { query: 'query A { __typename } query B { __typename }' } }),
      () => ({ kind: 'graphql', mutations: 0, body: { query: 'subscription { certificateIssued { folio } }' } }),
      () => ({ kind: 'raw', mutations: 0, body: `{"query": "{ standards { code } }"${r.pick(['', ',', '}}', ', "variables": {'])}` }),
      () => ({ kind: 'raw', mutations: 0, body: '\u0000\u0001\u0002' }),
      // Variables nested far deeper than any input type, used or not: sent raw, since JSON.stringify would overflow first.
      () => {
        const depth = r.pick([100, 10_000, 400_000]);
        const nested = r.chance(0.5) ? `${'['.repeat(depth)}${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
        const query = r.chance(0.5) ? '{ standards { code } }' : 'query($filter: ServantFilter) { servants(filter: $filter) { totalCount } }';
        return { kind: 'raw', mutations: 0, body: `{"query": ${JSON.stringify(query)}, "variables": {"x": ${nested}, "filter": ${nested}}}` };
      },
    ];
    return r.pick(options)();
  }
}
