import {
  type GraphQLArgument,
  type GraphQLSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import { buildAcreditaSchema } from '../../src/graphql/schema.js';

/** Every type, field, argument and enum value of the public schema that a reader of GraphiQL's docs would find bare. */
export function undocumented(schema: GraphQLSchema): { total: number; missing: string[] } {
  const missing: string[] = [];
  let total = 0;
  const check = (path: string, description: string | null | undefined): void => {
    total += 1;
    if (!description?.trim()) missing.push(path);
  };
  const checkArgs = (path: string, args: readonly GraphQLArgument[]): void => {
    for (const arg of args) check(`${path}(${arg.name})`, arg.description);
  };
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        check(`${type.name}.${field.name}`, field.description);
        checkArgs(`${type.name}.${field.name}`, field.args);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return { total, missing };
}

describe('schema descriptions', () => {
  it('describe every type, field, argument and enum value', async () => {
    const { total, missing } = undocumented(await buildAcreditaSchema());
    const coverage = (((total - missing.length) / total) * 100).toFixed(1);
    expect(missing, `${coverage} % of ${total} described; these lack a description`).toEqual([]);
  });

  it('notice a bare field, argument and enum value', async () => {
    const schema = await buildAcreditaSchema();
    const servant = schema.getType('Servant');
    const query = schema.getQueryType();
    const verdict = schema.getType('Verdict');
    if (!isObjectType(servant) || !query || !isEnumType(verdict)) throw new Error('missing types');
    servant.getFields().fullName.description = undefined;
    query.getFields().servant.args[0].description = '  ';
    verdict.getValue('COMPETENT')!.description = null;
    expect(undocumented(schema).missing).toEqual(
      expect.arrayContaining(['Servant.fullName', 'Query.servant(id)', 'Verdict.COMPETENT']),
    );
  });
});
