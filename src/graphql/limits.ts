/**
 * Query limits checked after validation and before execution (api.md, "Limits
 * every caller meets"): depth, aliases, root fields and cost. Cost is the
 * number of field resolutions the response may take, every field counted
 * (scalars, aliases and introspection included), lists weighed by `first` or
 * `last` as the variables coerce them (defaults too). Anonymous callers get a
 * lower ceiling than signed-in ones.
 *
 * Written here rather than taken from graphql-armor: its cost rule does not
 * weigh lists by their page size, and its alias rule throws out of validation
 * with a "Syntax Error" and no code; these checks share one walk of the
 * operation and answer with our codes. The token limit is graphql-js's own
 * `maxTokens` parse option (armor's plugin parses every document twice).
 */
import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLError,
  type GraphQLField,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  type NamedTypeNode,
  type OperationDefinitionNode,
  type SelectionSetNode,
  Kind,
  SchemaMetaFieldDef,
  TypeMetaFieldDef,
  getArgumentValues,
  getNamedType,
  getNullableType,
  getOperationAST,
  getVariableValues,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  typeFromAST,
} from 'graphql';
import { requestError } from './errors.js';

export interface QueryLimits {
  maxDepth: number;
  /** Highest cost (field resolutions) for a signed-in caller (MAX_QUERY_COST). */
  maxCost: number;
  /** Highest cost for an anonymous caller (MAX_ANONYMOUS_QUERY_COST). */
  maxAnonymousCost: number;
  /** Assumed size of a list field without `first` or `last`. */
  listFactor: number;
  /** Most aliased fields in one operation, fragments included. */
  maxAliases: number;
  /** Most fields at the operation's root, fragments included. */
  maxRootFields: number;
  /** Most lexical tokens in one document; parsing stops there. */
  maxTokens: number;
}

export const DEFAULT_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxCost: 50_000,
  // Above a full introspection of this schema (about 5,000 resolutions), so the explorer works signed out.
  maxAnonymousCost: 10_000,
  listFactor: 10,
  maxAliases: 50,
  maxRootFields: 20,
  maxTokens: 5_000,
};

export interface OperationToCheck {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
  /** As the client sent them; coerced here (defaults applied) before anything is weighed. */
  variables?: Record<string, unknown> | null;
  anonymous: boolean;
}

export interface OperationAssessment {
  /** Field resolutions the response may take (0 when no operation was found). */
  cost: number;
  /** Why the operation is refused; null when it is within the limits. */
  refusal: GraphQLError | null;
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
          memo.set(name, 0);
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

/** Fields of a selection set with fragments spread (each fragment once per path: validation refuses cycles). */
function* fieldsOf(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>, seen = new Set<string>()): Generator<FieldNode> {
  for (const selection of set.selections) {
    if (selection.kind === Kind.FIELD) yield selection;
    else if (selection.kind === Kind.INLINE_FRAGMENT) yield* fieldsOf(selection.selectionSet, fragments, seen);
    else {
      const fragment = fragments.get(selection.name.value);
      if (!fragment || seen.has(fragment.name.value)) continue;
      yield* fieldsOf(fragment.selectionSet, fragments, new Set([...seen, fragment.name.value]));
    }
  }
}

/** Aliased fields anywhere in the operation, each fragment counted once per spread. */
function aliasCount(set: SelectionSetNode, fragments: Map<string, FragmentDefinitionNode>): number {
  let total = 0;
  for (const field of fieldsOf(set, fragments)) {
    if (field.alias) total += 1;
    if (field.selectionSet) total += aliasCount(field.selectionSet, fragments);
  }
  return total;
}

/** Thrown by the introspection walk once it has counted past the ceiling: no need to count further. */
class OverBudget extends Error {}

class CostWalk {
  private introspected = 0;

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly fragments: Map<string, FragmentDefinitionNode>,
    private readonly variables: Record<string, unknown>,
    private readonly listFactor: number,
    private readonly budget: number,
  ) {}

  /** `pageSize`: the `first`/`last` of the connection this selection set belongs to, if any. */
  cost(set: SelectionSetNode, parent: GraphQLCompositeType, pageSize: number | null): number {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += this.fieldCost(selection, parent, pageSize);
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += this.cost(selection.selectionSet, this.conditionType(selection.typeCondition, parent), pageSize);
      else {
        const fragment = this.fragments.get(selection.name.value);
        if (fragment) total += this.cost(fragment.selectionSet, this.conditionType(fragment.typeCondition, parent), pageSize);
      }
    }
    return total;
  }

  private fieldCost(node: FieldNode, parent: GraphQLCompositeType, pageSize: number | null): number {
    const name = node.name.value;
    if (name === '__typename') return 1;
    if (name === '__schema' || name === '__type') {
      const meta = name === '__schema' ? SchemaMetaFieldDef : TypeMetaFieldDef;
      return this.introspect(node, meta, undefined);
    }
    if (!(isObjectType(parent) || isInterfaceType(parent))) return 1;
    const field = parent.getFields()[name];
    if (!field) return 1;
    const named = getNamedType(field.type);
    const isList = isListType(getNullableType(field.type));
    const requested = this.pageSizeOf(field, node);
    const size = isList ? (requested ?? pageSize ?? this.listFactor) : 1;
    if (!isCompositeType(named) || !node.selectionSet) return 1;
    // A connection (takes `first`, is no list) passes its page size to its edges.
    const children = this.cost(node.selectionSet, named, isList ? null : requested);
    return 1 + size * children;
  }

  private pageSizeOf(field: GraphQLField<unknown, unknown>, node: FieldNode): number | null {
    if (!field.args.some((arg) => arg.name === 'first' || arg.name === 'last')) return null;
    try {
      const { first, last } = getArgumentValues(field, node, this.variables);
      const sizes = [first, last].filter((value): value is number => typeof value === 'number');
      return sizes.length > 0 ? Math.max(0, ...sizes) : this.listFactor;
    } catch {
      // An invalid page size is reported by execution; estimate it as a plain list.
      return this.listFactor;
    }
  }

  private conditionType(condition: NamedTypeNode | undefined, parent: GraphQLCompositeType): GraphQLCompositeType {
    const type = condition ? typeFromAST(this.schema, condition) : parent;
    return isCompositeType(type) ? type : parent;
  }

  /**
   * Introspection answers from the schema alone, so its resolutions are counted
   * exactly, by calling the introspection types' own resolvers (pure, in memory),
   * and the walk stops once the ceiling is passed.
   */
  private introspect(node: FieldNode, field: GraphQLField<unknown, unknown>, source: unknown): number {
    const args = getArgumentValues(field, node, this.variables);
    const info = { schema: this.schema } as GraphQLResolveInfo;
    const value = field.resolve ? field.resolve(source, args, undefined, info) : (source as Record<string, unknown> | undefined)?.[field.name];
    let total = 1;
    this.count(1);
    if (node.selectionSet && value !== null && value !== undefined) {
      const type = getNamedType(field.type) as GraphQLObjectType;
      for (const item of Array.isArray(value) ? value : [value]) {
        if (item === null || item === undefined) continue;
        for (const child of fieldsOf(node.selectionSet, this.fragments)) {
          if (child.name.value === '__typename') {
            total += 1;
            this.count(1);
            continue;
          }
          const childField = type.getFields()[child.name.value];
          if (childField) total += this.introspect(child, childField, item);
        }
      }
    }
    return total;
  }

  private count(resolutions: number): void {
    this.introspected += resolutions;
    if (this.introspected > this.budget) throw new OverBudget();
  }
}

function operationOf(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | null {
  return getOperationAST(document, operationName ?? undefined) ?? null;
}

/** Weighs the operation and says whether it stays within the limits. */
export function assessOperation(operation: OperationToCheck, limits: QueryLimits): OperationAssessment {
  const { schema, document, operationName, anonymous } = operation;
  const definition = operationOf(document, operationName);
  if (!definition) return { cost: 0, refusal: null };
  const fragments = fragmentsOf(document);
  const depth = queryDepth(definition.selectionSet, fragments);
  if (depth > limits.maxDepth) {
    return { cost: 0, refusal: requestError(`The query is ${depth} levels deep; the limit is ${limits.maxDepth}`, 'QUERY_TOO_DEEP') };
  }
  const aliases = aliasCount(definition.selectionSet, fragments);
  if (aliases > limits.maxAliases) {
    return { cost: 0, refusal: requestError(`The query has ${aliases} aliased fields; the limit is ${limits.maxAliases}`, 'QUERY_TOO_COMPLEX') };
  }
  const rootFields = [...fieldsOf(definition.selectionSet, fragments)].length;
  if (rootFields > limits.maxRootFields) {
    return { cost: 0, refusal: requestError(`The query asks for ${rootFields} root fields; the limit is ${limits.maxRootFields}`, 'QUERY_TOO_COMPLEX') };
  }
  const rootType = schema.getRootType(definition.operation);
  if (!rootType) return { cost: 0, refusal: null };
  const ceiling = anonymous ? limits.maxAnonymousCost : limits.maxCost;
  const coerced = getVariableValues(schema, definition.variableDefinitions ?? [], operation.variables ?? {}, { maxErrors: 1 });
  // Variables that do not coerce fail execution anyway; weigh the operation on its defaults meanwhile.
  const variables = coerced.coerced ?? {};
  let cost: number;
  try {
    cost = new CostWalk(schema, fragments, variables, limits.listFactor, ceiling).cost(definition.selectionSet, rootType, null);
  } catch (error) {
    if (!(error instanceof OverBudget)) throw error;
    cost = Number.POSITIVE_INFINITY;
  }
  if (cost > ceiling) {
    const estimate = Number.isFinite(cost) ? String(cost) : `above ${ceiling}`;
    const who = anonymous ? ' for anonymous callers (sign in for more)' : '';
    return {
      cost,
      refusal: requestError(`The query's estimated cost is ${estimate}; the limit is ${ceiling}${who}. Ask for fewer items.`, 'QUERY_TOO_COMPLEX'),
    };
  }
  return { cost, refusal: null };
}

/** The error refusing this operation, or null when it is within the limits. */
export function checkLimits(operation: OperationToCheck, limits: QueryLimits): GraphQLError | null {
  return assessOperation(operation, limits).refusal;
}
