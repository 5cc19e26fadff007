/**
 * Every GraphQL document in README.md and docs/*.md is named and runs against
 * the demo scenario, so the docs cannot drift from the API. A document runs as
 * ADMIN with the variables of the ```json block right after it, if any; one
 * whose first line is `# validated only: <why>` (a subscription, a mutation
 * that needs what the demo lacks) is only validated against the schema.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { type GraphQLSchema, Kind, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/app/demo/seed.js';
import { buildAcreditaSchema } from '../../src/graphql/schema.js';
import { startTestApi, type TestApi } from '../graphql/support/api.js';

const ROOT = new URL('../../', import.meta.url);
const FILES = ['README.md', ...readdirSync(new URL('docs/', ROOT)).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

interface Documented {
  file: string;
  index: number;
  source: string;
  variables: Record<string, unknown>;
  runs: boolean;
}

const DOCUMENTS: Documented[] = FILES.flatMap((file) =>
  [...readFileSync(new URL(file, ROOT), 'utf8').matchAll(/```graphql\n([\s\S]*?)```(?:\s*```json\n([\s\S]*?)```)?/g)].map((match, index) => ({
    file,
    index,
    source: match[1]!,
    variables: match[2] ? (JSON.parse(match[2]) as Record<string, unknown>) : {},
    runs: !/^# validated only:/.test(match[1]!),
  })),
);

const label = (doc: Documented) => `${doc.file} #${doc.index + 1}`;

let api: TestApi;
let schema: GraphQLSchema;
let admin: string;

beforeAll(async () => {
  api = (await startTestApi('sqlite'))!;
  schema = await buildAcreditaSchema();
  admin = await api.token('ADMIN');
  const summary = await seedDemo(api.app.office);
  await api.app.readModel.waitFor(summary.lastPosition, 120_000);
}, 180_000);
afterAll(() => api?.close());

describe('GraphQL documents in the docs', () => {
  it('finds them (README.md and docs/*.md)', () => {
    expect(DOCUMENTS.filter((doc) => doc.file === 'README.md').length).toBeGreaterThanOrEqual(4);
    expect(DOCUMENTS.length).toBeGreaterThanOrEqual(10);
  });

  it.each(DOCUMENTS.map((doc) => [label(doc), doc] as const))('%s is named and valid against the schema', (_name, doc) => {
    const document = parse(doc.source);
    for (const definition of document.definitions) {
      if (definition.kind === Kind.OPERATION_DEFINITION) expect(definition.name?.value, `an operation in ${label(doc)} has no name`).toBeTruthy();
    }
    expect(validate(schema, document).map((error) => error.message)).toEqual([]);
  });

  it.each(DOCUMENTS.filter((doc) => doc.runs).map((doc) => [label(doc), doc] as const))('%s runs against the demo without errors', async (_name, doc) => {
    const result = await api.gql(doc.source, doc.variables, admin);
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    expect(result.data).toBeTruthy();
  });
});
