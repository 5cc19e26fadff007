/** Every GraphQL document in docs/notifications.md is valid against the schema the server runs. */
import { readFileSync } from 'node:fs';
import { parse, validate } from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildAcreditaSchema } from '../../src/graphql/schema.js';

const DOC = readFileSync(new URL('../../docs/notifications.md', import.meta.url), 'utf8');
const DOCUMENTS = [...DOC.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1]!);

describe('docs/notifications.md GraphQL documents', () => {
  it('has the nine documents it describes, each valid', async () => {
    expect(DOCUMENTS).toHaveLength(9);
    const schema = await buildAcreditaSchema();
    for (const document of DOCUMENTS) expect(validate(schema, parse(document)).map((error) => error.message), document).toEqual([]);
  });
});
