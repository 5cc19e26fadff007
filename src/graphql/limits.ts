/**
 * Query limits checked after validation and before execution (api.md): depth
 * (nesting of fields) and cost (objects the response may hold, see queryCost).
 * Introspection fields are free, so the explorer's schema query always passes.
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
function queryDepth(selectionSet: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): number {
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

/**
 * Estimated cost: every object the response may hold costs 1. A list holds
 * `first` objects where the field takes `first`, the connection's `first` for
 * its edges, and `listFactor` otherwise.
 */
function queryCost(
  schema: GraphQLSchema,
  selectionSet: SelectionSetNode,
  rootType: GraphQLCompositeType,
  fragments: Map<string, FragmentDefinitionNode>,
  variables: Record<string, unknown>,
  listFactor: number,
): number {
  const firstOf = (field: GraphQLField<unknown, unknown>, node: FieldNode): number | null => {
    if (!field.args.some((arg) => arg.name === 'first')) return null;
    try {
      const first = getArgumentValues(field, node, variables).first;
      return typeof first === 'number' ? Math.max(first, 0) : listFactor;
    } catch {
      // An invalid `first` is reported by execution; estimate it as a plain list.
      return listFactor;
    }
  };
  const conditionType = (condition: NamedTypeNode | undefined, parent: GraphQLCompositeType): GraphQLCompositeType => {
    const type = condition ? typeFromAST(schema, condition) : parent;
    return isCompositeType(type) ? type : parent;
  };
  // A fragment's cost depends only on its type condition and the page size it sits under.
  const fragmentCosts = new Map<string, number>();
  /** `pageSize`: the `first` of the connection this selection set belongs to, if any. */
  const cost = (set: SelectionSetNode, parent: GraphQLCompositeType, pageSize: number | null): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (isIntrospection(name) || !(isObjectType(parent) || isInterfaceType(parent))) continue;
        const field = parent.getFields()[name];
        const named = field && getNamedType(field.type);
        if (!named || !isCompositeType(named) || !selection.selectionSet) continue;
        const first = firstOf(field, selection);
        const isList = isListType(getNullableType(field.type));
        // A connection (takes `first`, is no list) passes its page size to its edges.
        const children = cost(selection.selectionSet, named, isList ? null : first);
        const size = isList ? (first ?? pageSize ?? listFactor) : 1;
        total += size * (1 + children);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        total += cost(selection.selectionSet, conditionType(selection.typeCondition, parent), pageSize);
      } else {
        const fragment = fragments.get(selection.name.value);
        if (!fragment) continue;
        const key = `${fragment.name.value}:${pageSize}`;
        if (!fragmentCosts.has(key)) fragmentCosts.set(key, cost(fragment.selectionSet, conditionType(fragment.typeCondition, parent), pageSize));
        total += fragmentCosts.get(key)!;
      }
    }
    return total;
  };
  return cost(selectionSet, rootType, null);
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
