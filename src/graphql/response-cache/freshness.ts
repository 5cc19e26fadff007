/** A kept response's dependencies, from the GraphQL layer's ports: the log head and the read models. */
import type { GraphQLDeps } from '../deps.js';
import type { Freshness } from './response-cache.js';

export function freshnessOf({ store, readModel }: Pick<GraphQLDeps, 'store' | 'readModel'>): Freshness {
  return {
    // The head covers what Certification reads from its stream; the checkpoints cover every read model.
    version: async () => {
      const [head, readModels] = await Promise.all([store.headPosition(), readModel.version()]);
      return `${head} ${readModels}`;
    },
    nextChangeInTime: (at) => readModel.nextChangeInTime(at),
  };
}
