/**
 * Query limits checked after validation and before execution (api.md): depth
 * (nesting of fields) and cost (composite fields, multiplied by list sizes:
 * `first` where a field takes it, `listFactor` for other lists). Introspection
 * fields are free, so the explorer's schema query always passes.
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLSchema,
  type NamedTypeNode,
  type SelectionSetNode,
  Kind,
  getArgumentValues,
  getNamedType,
  getNullableType,
  isCompositeType,
  isListType,
  isObjectType,
  isInterfaceType,
  typeFromAST,
} from 'graphql';
import { requestError } from './errors.js';

export interface QueryLimits {
  maxDepth: number;
  maxCost: number;
  /** Assumed size of a list field without `first`. */
  listFactor: number;
}

export const DEFAULT_LIMITS: QueryLimits = { maxDepth: 12, maxCost: 5000, listFactor: 10 };

export interface OperationToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

const isIntrospection = (name: string): boolean => name.startsWith('__');

function fragmentsOf(document: DocumentNode): Map<string, FragmentDefinitionNode> {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  return fragments;
}

/** Deepest field nesting; fragments are memoised, so repeated spreads cost nothing extra. */
export function queryDepth(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): number {
  const memo = new Map<string, number>();
  const depth = (set: SelectionSetNode): number => {
    let deepest = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        if (isIntrospection(selection.name.value)) continue;
        deepest = Math.max(deepest, 1 + (selection.selectionSet ? depth(selection.selectionSet) : 0));
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        deepest = Math.max(deepest, depth(selection.selectionSet));
      } else {
        const name = selection.name.value;
        if (!memo.has(name)) {
          const fragment = fragments.get(name);
          memo.set(name, fragment ? depth(fragment.selectionSet) : 0);
        }
        deepest = Math.max(deepest, memo.get(name)!);
      }
    }
    return deepest;
  };
  return depth(selectionSet);
}

/** Estimated cost: 1 per composite field, times the size of the lists it sits in. */
export function queryCost(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode,
  rootType: GraphQLCompositeType,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  listFactor: number,
): number {
  // A fragment's type condition fixes its parent type, so its cost is the same wherever it is spread.
  const fragmentCosts = new Map<string, number>();
  const cost = (set: SelectionSetNode, parent: GraphQLCompositeType): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (isIntrospection(name) || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[name];
        if (!field) continue;
        const named = getNamedType(field.type);
        if (!isCompositeType(named) || !selection.selectionSet) continue;
        total += 1 + multiplier(field, selection, parent) * cost(selection.selectionSet, named);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, conditionType(selection.typeCondition, parent));
      } else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment) continue;
        if (!fragmentCosts.has(name)) fragmentCosts.set(name, cost(fragment.selectionSet, conditionType(fragment.typeCondition, parent)));
        total += fragmentCosts.get(name)!;
      }
    }
    return total;
  };
  const multiplier = (field: GraphQLField<unknown, unknown>, node: FieldNode, parent: GraphQLCompositeType): number => {
    if (field.args.some((arg) => arg.name === 'first')) {
      try {
        const first = getArgumentValues(field, node, variables).first;
        if (typeof first === 'number') return Math.max(first, 0);
      } catch {
        // An invalid `first` is reported by execution; estimate it as a plain list.
      }
      return listFactor;
    }
    // A connection's `first` already counted its edges.
    if (isListType(getNullableType(field.type))) return parent.name.endsWith('Connection') ? 1 : listFactor;
    return 1;
  };
  const conditionType = (condition: NamedTypeNode | undefined, parent: GraphQLCompositeType): GraphQLCompositeType => {
    const type = condition ? typeFromAST(schema, condition) : parent;
    return isCompositeType(type) ? type : parent;
  };
  return cost(selectionSet, rootType);
}

/** The error refusing this operation, or null when it is within the limits. */
export function checkLimits(operation: OperationToCheck, limits: QueryLimits): GraphQLError | null {
  const { schema, document, operationName } = operation;
  const definition = document.definitions.find(
    (candidate) =>
      candidate.kind === Kind.OPERATION_DEFINITION && (!operationName || candidate.name?.value === operationName),
  );
  if (!definition || definition.kind !== Kind.OPERATION_DEFINITION) return null;
  const fragments = fragmentsOf(document);
  const depth = queryDepth(definition.selectionSet, fragments);
  if (depth > limits.maxDepth) {
    return requestError(`The query is ${depth} levels deep; the limit is ${limits.maxDepth}`, 'QUERY_TOO_DEEP');
  }
  const rootType = schema.getRootType(definition.operation);
  if (!rootType) return null;
  const cost = queryCost(schema, definition.selectionSet, rootType, fragments, operation.variables ?? {}, limits.listFactor);
  if (cost > limits.maxCost) {
    return requestError(`The query's estimated cost is ${cost}; the limit is ${limits.maxCost}. Ask for fewer items.`, 'QUERY_TOO_COMPLEX');
  }
  return null;
}
