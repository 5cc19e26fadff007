/**
 * Relay global object identification: every object a client caches carries an
 * `id` unique across types and stable, and `node(id:)` refetches it. Ids of
 * things named by a UUID are the UUID itself (servants, evaluators, goals:
 * `Servant.id` stays the id mutations take); a certification's is its stream
 * id; the others carry their type: `CompetencyStandard:EC0105`,
 * `Certificate:<folio>`, `CertificationStats:<state>:<municipality>:<asOf>`.
 */
import { Field, ID, InterfaceType } from 'type-graphql';

/** The type a value returned by `node` is, for the interface's resolveType. */
export const NODE_TYPE = Symbol('node type');

export type NodeTypeName = 'Servant' | 'Evaluator' | 'Goal' | 'Certification' | 'Certificate' | 'CompetencyStandard' | 'CertificationStats';

export function asNode<T extends object>(value: T, type: NodeTypeName): T & { [NODE_TYPE]: NodeTypeName } {
  return Object.assign(Object.create(Object.getPrototypeOf(value) as object | null) as T, value, { [NODE_TYPE]: type });
}

@InterfaceType({
  description: 'An object with a globally unique, stable id: `node(id:)` refetches it (Relay global object identification).',
  resolveType: (value: { [NODE_TYPE]?: NodeTypeName }) => value[NODE_TYPE],
})
export abstract class Node {
  @Field(() => ID, { description: 'Globally unique and stable: the same object always has the same id, no two objects share one.' })
  id!: string;
}

export const standardNodeId = (code: string): string => `CompetencyStandard:${code}`;
export const certificateNodeId = (folio: string): string => `Certificate:${folio}`;

export interface StatsScope {
  state: string | null;
  municipality: string | null;
  asOf: Date | null;
}

/** Each part URI-encoded, so a ':' inside a name cannot shift the others. */
export const statsNodeId = ({ state, municipality, asOf }: StatsScope): string =>
  `CertificationStats:${encodeURIComponent(state ?? '')}:${encodeURIComponent(municipality ?? '')}:${asOf?.toISOString() ?? ''}`;

export function parseStatsNodeId(id: string): StatsScope | null {
  const match = /^CertificationStats:([^:]*):([^:]*):([^:]*|\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)$/.exec(id);
  if (!match) return null;
  const asOf = match[3] ? new Date(match[3]) : null;
  if (asOf && Number.isNaN(asOf.getTime())) return null;
  try {
    return { state: decodeURIComponent(match[1]!) || null, municipality: decodeURIComponent(match[2]!) || null, asOf };
  } catch {
    return null;
  }
}
