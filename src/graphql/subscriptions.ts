/**
 * graphql-ws (`graphql-transport-ws`) on the /graphql path: the token comes in
 * the connection params, every operation passes the same validation and
 * limits as over HTTP, and errors are formatted by the same formatter.
 * A socket closes with 4401 when its token expires; every operation checks
 * the token again, and the authorization policy judges it as over HTTP
 * (@Authorized('<action>') when subscribing, the resource's rule per event);
 * subscriptions are capped per socket and per token subject.
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
import { recordPersonalDataShown } from './apollo-plugins.js';
import { type GraphQLContext, createContext } from './context.js';
import type { GraphQLDeps } from './deps.js';
import { formatError, isInternalError, originalError, requestError } from './errors.js';
import { checkLimits, type QueryLimits } from './limits.js';
import type { LiveUpdates } from './pubsub.js';
import { refuseHostileInput } from './input-guard.js';

/** graphql-ws's close code for an unauthenticated connection. */
export const CLOSE_UNAUTHENTICATED = 4401;

export interface SubscriptionServerDeps {
  schema: GraphQLSchema;
  deps: GraphQLDeps;
  live: LiveUpdates;
  tokens: TokenVerifier;
  limits: QueryLimits;
  /** Open subscriptions allowed per socket and per token subject (TOO_MANY_SUBSCRIPTIONS past them). */
  subscriptionCaps?: SubscriptionCaps;
  /** Told about every operation started over the socket (for metrics). */
  onOperationStarted?: (operationType: 'query' | 'mutation' | 'subscription') => void;
  /** Last check before an operation runs (the public rate limit): an error refuses it. */
  admit?: (document: DocumentNode, operationName: string | null | undefined, caller: { address: string | null; viewer: Viewer | null }) => GraphQLError | null;
}

export interface SubscriptionCaps {
  perSocket: number;
  perSubject: number;
}

export const DEFAULT_SUBSCRIPTION_CAPS: SubscriptionCaps = { perSocket: 100, perSubject: 500 };

/** Timers fire at most this far ahead (Node's limit is about 24.8 days); a later expiry re-arms. */
const MAX_TIMER_MS = 2 ** 31 - 1;

type ConnectionParams = Record<string, unknown> | undefined;

function authorizationParam(params: ConnectionParams): string | null {
  const value = params?.authorization ?? params?.Authorization;
  return typeof value === 'string' ? value : null;
}

function withCode(errors: readonly GraphQLError[], code: string): GraphQLError[] {
  return errors.map((error) => requestError(error.message, code));
}

export function subscriptionServerOptions(options: SubscriptionServerDeps): ServerOptions<ConnectionParams, Extra> {
  const { schema, deps, live, tokens, limits } = options;
  const caps = options.subscriptionCaps ?? DEFAULT_SUBSCRIPTION_CAPS;
  // Viewer per connection, decided once at connection_init.
  const viewers = new WeakMap<object, Viewer | null>();
  const requestIds = new WeakMap<object, string>();
  const expiryTimers = new WeakMap<object, NodeJS.Timeout>();
  // Open subscription ids per socket, and the sockets of each token subject.
  const open = new Map<object, Set<string>>();
  const socketsOf = new Map<string, Set<object>>();

  const openFor = (sub: string): number => {
    let count = 0;
    for (const socket of socketsOf.get(sub) ?? []) count += open.get(socket)?.size ?? 0;
    return count;
  };

  const closeExpired = (ctx: { extra: Extra }): void => {
    ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, 'Unauthenticated: the token has expired');
  };

  const armExpiry = (ctx: { extra: Extra }, expiresAt: number): void => {
    const left = expiresAt - Date.now();
    if (left <= 0) return closeExpired(ctx);
    const timer = setTimeout(() => (left > MAX_TIMER_MS ? armExpiry(ctx, expiresAt) : closeExpired(ctx)), Math.min(left, MAX_TIMER_MS));
    timer.unref();
    expiryTimers.set(ctx, timer);
  };

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
        const viewer = await tokens.authenticate(authorizationParam(ctx.connectionParams));
        viewers.set(ctx, viewer);
        open.set(ctx, new Set());
        if (viewer) {
          armExpiry(ctx, viewer.expiresAt);
          const sockets = socketsOf.get(viewer.sub) ?? new Set();
          sockets.add(ctx);
          socketsOf.set(viewer.sub, sockets);
        }
        return true;
      } catch (error) {
        const reason = error instanceof AcreditaError ? `Unauthenticated: ${error.message}` : 'Unauthenticated';
        ctx.extra.socket.close(CLOSE_UNAUTHENTICATED, reason.slice(0, 120));
        return false;
      }
    },

    onClose(ctx) {
      clearTimeout(expiryTimers.get(ctx));
      open.delete(ctx);
      const viewer = viewers.get(ctx);
      const sockets = viewer ? socketsOf.get(viewer.sub) : undefined;
      sockets?.delete(ctx);
      if (viewer && sockets?.size === 0) socketsOf.delete(viewer.sub);
    },

    onComplete(ctx, id) {
      open.get(ctx)?.delete(id);
    },

    onSubscribe(ctx, id, payload): ExecutionArgs | readonly GraphQLError[] {
      const viewer = viewers.get(ctx) ?? null;
      // The timer may not have fired yet (a busy event loop): an expired token runs nothing.
      if (viewer && viewer.expiresAt <= Date.now()) {
        closeExpired(ctx);
        return [requestError('The token has expired', 'UNAUTHENTICATED', 401)];
      }
      let document: DocumentNode;
      try {
        document = parse(payload.query, { maxTokens: limits.maxTokens });
      } catch (error) {
        return withCode([error as GraphQLError], 'GRAPHQL_PARSE_FAILED');
      }
      const invalid = validate(schema, document, specifiedRules);
      if (invalid.length > 0) return withCode(invalid, 'GRAPHQL_VALIDATION_FAILED');
      const variables = payload.variables ?? null;
      const refusal = checkLimits({ schema, document, operationName: payload.operationName, variables, anonymous: !viewers.get(ctx) }, limits) ?? refuseHostileInput(document, variables);
      if (refusal) return [refusal];
      const clientAddress = ctx.extra.request.socket.remoteAddress ?? null;
      const refused = options.admit?.(document, payload.operationName, { address: clientAddress, viewer: viewers.get(ctx) ?? null });
      if (refused) return [refused];
      const operation = getOperationAST(document, payload.operationName);
      if (operation?.operation === 'subscription') {
        const mine = open.get(ctx)!;
        if (mine.size >= caps.perSocket) {
          return [requestError(`At most ${caps.perSocket} subscriptions may be open on one socket`, 'TOO_MANY_SUBSCRIPTIONS', 429)];
        }
        if (viewer && openFor(viewer.sub) >= caps.perSubject) {
          return [requestError(`At most ${caps.perSubject} subscriptions may be open for one token subject`, 'TOO_MANY_SUBSCRIPTIONS', 429)];
        }
        mine.add(id);
      }
      if (operation) options.onOperationStarted?.(operation.operation);
      const requestId = randomUUID();
      requestIds.set(payload, requestId);
      return {
        schema,
        document,
        operationName: payload.operationName,
        variableValues: variables,
        contextValue: createContext(deps, live, viewer, requestId, clientAddress),
      };
    },

    async onNext(_ctx, _id, payload, args, result) {
      // Each result that showed a CURP is recorded before it goes out, as over HTTP.
      await recordPersonalDataShown(args.contextValue as GraphQLContext, payload.operationName ?? null);
      if (!result.errors) return;
      return { ...result, errors: format(result.errors, requestIds.get(payload)) };
    },

    onError(_ctx, _id, payload, errors) {
      return format(errors, requestIds.get(payload));
    },
  };
}
