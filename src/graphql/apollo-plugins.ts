/** Apollo Server plugins of the GraphQL layer: query limits and logging of unexpected errors. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from './context.js';
import { isInternalError, originalError } from './errors.js';
import { checkLimits, type QueryLimits } from './limits.js';

/** Refuses too deep or too costly operations after validation, before anything executes. */
export function limitsPlugin(limits: QueryLimits): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const refusal = checkLimits({ schema, document, operationName, variables: request.variables }, limits);
          if (refusal) throw refusal;
        },
      };
    },
  };
}

/**
 * Errors the client only sees as a masked INTERNAL_SERVER_ERROR are logged
 * here, with the request id the client got in x-request-id.
 */
export function errorLogPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (!isInternalError(error)) continue;
            contextValue.deps.logger.error(
              { requestId: contextValue.requestId, err: originalError(error), path: error.path },
              'internal error while handling a GraphQL request',
            );
          }
        },
      };
    },
  };
}
