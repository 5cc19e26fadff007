/**
 * Answers a read-model query from a kept response when one is still fresh
 * (see response-cache.ts), after the limits and the public rate limit had
 * their say; keeps each successful answer it had to compute.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from '../context.js';
import { isCacheableOperation } from './cacheable-operation.js';
import type { ResponseCache } from './response-cache.js';

export type ResponseCacheOutcome = 'hit' | 'miss';

export function responseCachePlugin(
  cache: ResponseCache,
  observe: (outcome: ResponseCacheOutcome) => void = () => {},
): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      let toKeep: { key: string; version: string } | null = null;
      return {
        async responseForOperation({ operation, operationName, queryHash, source, request, contextValue, response }) {
          // No operation chosen (several in the document, no operationName): execution reports it.
          if (!operation || !isCacheableOperation(operation)) return null;
          const { viewer, now } = contextValue;
          // Everything the read path uses of the caller, then the request itself.
          const key = JSON.stringify([viewer?.sub, viewer?.role, viewer?.state, viewer?.municipality, queryHash ?? source, operationName, request.variables ?? {}]);
          // Unable to tell whether a kept response is fresh: execute, and let the read report its own error.
          const version = await cache.version().catch(() => null);
          if (version === null) return null;
          const data = cache.lookup(key, version, now);
          observe(data === undefined ? 'miss' : 'hit');
          if (data === undefined) {
            toKeep = { key, version };
            return null;
          }
          return { http: response.http, body: { kind: 'single', singleResult: { data } } };
        },
        async willSendResponse({ response, contextValue }) {
          if (toKeep === null || response.body.kind !== 'single') return;
          const { data, errors } = response.body.singleResult;
          if (errors !== undefined || !data) return;
          await cache.keep(toKeep.key, toKeep.version, contextValue.now, data).catch((error: unknown) => {
            contextValue.deps.logger.warn({ err: error, requestId: contextValue.requestId }, 'could not keep a response for reuse');
          });
        },
      };
    },
  };
}
