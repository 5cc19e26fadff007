/** What every resolver receives: ports, the caller, the request id and per-request loaders. */
import type { Viewer } from '../application/authorization.js';
import type { GraphQLDeps } from './deps.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { LiveUpdates } from './pubsub.js';

export interface GraphQLContext {
  deps: GraphQLDeps;
  viewer: Viewer | null;
  /** x-request-id: the correlationId of every command, and the key of every log line. */
  requestId: string;
  /** Read once per request: statuses, stages and "now" defaults agree across one response. */
  now: Date;
  loaders: Loaders;
  /** The committed log as this process hears it (subscriptions). */
  live: LiveUpdates;
  /** The caller's network address (public operations are rate-limited per address); null when unknown. */
  clientAddress: string | null;
  /** The operation's estimated cost (field resolutions), once the limits weighed it; for the request log. */
  cost: number | null;
  /** Servants whose CURP this response shows: recorded in the access record before it is sent. */
  personalDataShown: Set<string>;
}

export function createContext(
  deps: GraphQLDeps,
  live: LiveUpdates,
  viewer: Viewer | null,
  requestId: string,
  clientAddress: string | null = null,
): GraphQLContext {
  const now = deps.clock.now();
  return { deps, viewer, requestId, now, loaders: createLoaders(deps.readModel, now), live, clientAddress, cost: null, personalDataShown: new Set() };
}

/**
 * A subscription's context lives as long as the subscription: each pushed
 * event gets fresh loaders and a fresh "now", so nothing stale is served.
 */
export function refreshReads(context: GraphQLContext): void {
  context.now = context.deps.clock.now();
  context.loaders = createLoaders(context.deps.readModel, context.now);
}
