/** Apollo Server plugins of the GraphQL layer: query limits and logging of unexpected errors. */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLContext } from './context.js';
import { isInternalError, originalError, requestError } from './errors.js';
import { assessOperation, type QueryLimits } from './limits.js';
import { refuseHostileInput } from './input-guard.js';

/** Refuses too deep or too costly operations, and text holding NUL, after validation, before anything executes. */
export function limitsPlugin(limits: QueryLimits): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request, contextValue }) {
          const { cost, refusal } = assessOperation(
            { schema, document, operationName, variables: request.variables, anonymous: contextValue.viewer === null },
            limits,
          );
          contextValue.cost = cost;
          const refused = refusal ?? refuseHostileInput(document, request.variables);
          if (refused) throw refused;
        },
      };
    },
  };
}

/**
 * Subscriptions are served over graphql-ws only. Sent over HTTP, graphql-js would
 * run one as a query and fail on its null root (an internal error): refuse it.
 */
export function noSubscriptionsOverHttpPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation }) {
          if (operation?.operation === 'subscription') {
            throw requestError('Subscriptions are served over WebSocket (graphql-ws, subprotocol graphql-transport-ws) on this path', 'BAD_REQUEST');
          }
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

/**
 * Before a response that showed a CURP leaves, who saw whose is recorded
 * (src/privacy/access-record.ts); a response the record cannot take is not
 * sent with the CURP in it, it fails instead.
 */
export function personalDataAccessPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse({ contextValue, operationName }) {
          await recordPersonalDataShown(contextValue, operationName ?? null);
        },
      };
    },
  };
}

/** Records and forgets what `context` showed; for HTTP responses and each graphql-ws result. */
export async function recordPersonalDataShown(context: GraphQLContext, operation: string | null): Promise<void> {
  const { viewer, personalDataShown, requestId } = context;
  if (personalDataShown.size === 0 || !viewer) return;
  const at = context.deps.clock.now();
  const entries = [...personalDataShown].map((servantId) => ({ at, actor: viewer.sub, role: viewer.role, servantId, operation, requestId }));
  personalDataShown.clear();
  await context.deps.accessRecord.record(entries);
}

/** One line per request (docs/operations.md): who asked what, how it ended, what it cost; never the variables. */
export function requestLogPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ contextValue, operationName, response, errors }) {
          const { viewer, requestId, cost, deps } = contextValue;
          deps.logger.info(
            {
              requestId,
              operation: operationName ?? null,
              role: viewer?.role ?? 'ANONYMOUS',
              sub: viewer?.sub ?? null,
              status: response.http.status ?? 200,
              durationMs: Number(process.hrtime.bigint() - started) / 1e6,
              cost,
              errors: errors?.length ?? 0,
            },
            'graphql request',
          );
        },
      };
    },
  };
}
