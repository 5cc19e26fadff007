/**
 * graphql-ws (`graphql-transport-ws`) on the /graphql path: the token comes in
 * the connection params, every operation passes the same validation and
 * limits as over HTTP, and errors are formatted by the same formatter.
 */
import { randomUUID } from 'node:crypto';
import {
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLError,
  type GraphQLFormattedError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  specifiedRules,
  validate,
} from 'graphql';
import type { ServerOptions } from 'graphql-ws';
import type { Extra } from 'graphql-ws/use/ws';
import { AcreditaError } from '../domain/shared/errors.js';
import type { TokenVerifier, Viewer } from './auth.js';
import { createContext } from './context.js';
import type { GraphQLDeps } from './deps.js';
import { formatError, isInternalError, originalError, requestError } from './errors.js';
import { checkLimits, type QueryLimits } from './limits.js';
import type { InProcessPubSub } from './pubsub.js';
import { refuseNulCharacters } from './text-input.js';

/** graphql-ws's close code for an unauthenticated connection. */
export const CLOSE_UNAUTHENTICATED = 4401;

export interface SubscriptionServerDeps {
  schema: GraphQLSchema;
  deps: GraphQLDeps;
  pubSub: InProcessPubSub;
  tokens: TokenVerifier;
  limits: QueryLimits;
  /** Told about every operation started over the socket (for metrics). */
  onOperationStarted?: (operationType: 'query' | 'mutation' | 'subscription') => void;
  /** Last check before an operation runs (the public rate limit): an error refuses it. */
  admit?: (document: DocumentNode, operationName: string | null | undefined, clientAddress: string | null) => GraphQLError | null;
}

type ConnectionParams = Record<string, unknown> | undefined;

function authorizationParam(params: ConnectionParams): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}

function withCode(errors: readonly GraphQLError[], code: string): GraphQLError[] {
  return errors.map((error) => requestError(error.message, code));
}

export function subscriptionServerOptions(options: SubscriptionServerDeps): ServerOptions<ConnectionParams, Extra> {
  const { schema, deps, pubSub, tokens, limits } = options;
  // Viewer per connection, decided once at connection_init.
  const viewers = new WeakMap<object, Viewer | null>();
  const requestIds = new WeakMap<object, string>();

  const format = (errors: readonly GraphQLError[], requestId: string | undefined): GraphQLFormattedError[] =>
    errors.map((error) => {
      if (isInternalError(error)) {
        deps.logger.error({ requestId, err: originalError(error) }, 'internal error in a graphql-ws operation');
      }
      return formatError(error.toJSON(), error);
    });

  return {
    async onConnect(ctx) {
      try {
        viewers.set(ctx, await tokens.authenticate(authorizationParam(ctx.connectionParams)));
        return true;
      } catch (error) {
        const reason = error instanceof AcreditaError ? `Unauthenticated: ${error.message}` : 'Unauthenticated';
        ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, reason.slice(0, 120));
        return false;
      }
    },

    onSubscribe(ctx, _id, payload): ExecutionArgs | readonly GraphQLError[] {
      let document: DocumentNode;
      try {
        document = parse(payload.query);
      } catch (error) {
        return withCode([error as GraphQLError], 'GRAPHQL_PARSE_FAILED');
      }
      const invalid = validate(schema, document, specifiedRules);
      if (invalid.length > 0) return withCode(invalid, 'GRAPHQL_VALIDATION_FAILED');
      const variables = payload.variables ?? null;
      const refusal = checkLimits({ schema, document, operationName: payload.operationName, variables }, limits) ?? refuseNulCharacters(document, variables);
      if (refusal) return [refusal];
      const clientAddress = ctx.extra.request.socket.remoteAddress ?? null;
      const refused = options.admit?.(document, payload.operationName, clientAddress);
      if (refused) return [refused];
      const operation = getOperationAST(document, payload.operationName);
      if (operation) options.onOperationStarted?.(operation.operation);
      const requestId = randomUUID();
      requestIds.set(payload, requestId);
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: variables,
        contextValue: createContext(deps, pubSub, viewers.get(ctx) ?? null, requestId, clientAddress),
      };
    },

    onNext(_ctx, _id, payload, _args, result) {
      if (!result.errors) return;
      return { ...result, errors: format(result.errors, requestIds.get(payload)) };
    },

    onError(_ctx, _id, payload, errors) {
      return format(errors, requestIds.get(payload));
    },
  };
}
