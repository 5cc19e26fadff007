import { type FieldNode, type FragmentDefinitionNode, type GraphQLResolveInfo, Kind, type OperationDefinitionNode, parse } from 'graphql';
import { describe, expect, it } from 'vitest';
import { selectedFieldNames } from '../../src/graphql/selection.js';

/** The info of the first field of the operation (only what selectedFieldNames reads). */
function infoOf(document: string): GraphQLResolveInfo {
  const { definitions } = parse(document);
  const operation = definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION)!;
  const fragments = Object.fromEntries(
    definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((d) => [d.name.value, d]),
  );
  return { fieldNodes: [operation.selectionSet.selections[0] as FieldNode], fragments } as unknown as GraphQLResolveInfo;
}

describe('selectedFieldNames', () => {
  it('names the fields selected on the result, through inline fragments and (recursive) spreads, not deeper', () => {
    const info = infoOf(`
      { certifications { stage ... on Certification { certificate { folio } } ...More } }
      fragment More on Certification { attempts standard { code } ...More }`);
    expect([...selectedFieldNames(info)].sort()).toEqual(['attempts', 'certificate', 'stage', 'standard']);
  });

  it('is empty for a field without a selection', () => {
    expect(selectedFieldNames(infoOf('{ totalCount }')).size).toBe(0);
  });
});
