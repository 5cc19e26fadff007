/**
 * Rate limiting of look-ups (docs/reliability.md, "Abuse"): certificate folios
 * per client address, CURPs per caller. A token bucket per key holding at most `burst` tokens and
 * refilled at `perMinute` tokens a minute. The buckets are an LRU (lru-cache):
 * past `maxClients` addresses the least recently seen one is forgotten (it
 * comes back with a full bucket, which is what a long-idle bucket holds anyway).
 *
 * The bucket's arithmetic stays hand-written: rate-limiter-flexible has no
 * token bucket in memory, and its fixed window breaks the promise of at most
 * burst + rate x time. Measured (bench/experiments/rate-limiter.ts, 60 a
 * minute, bursts of 20): one client got 21 look-ups through in one second
 * here, 39 or 119 with RateLimiterMemory (20 per 20 s, 60 per 60 s) across a
 * window's edge; it also kept all 100,000 addresses of a sweep (a timer each)
 * where this keeps maxClients, and a decision cost 3.7 to 9.2 us (a promise
 * each) against 0.75 to 1.2 us here, over three runs.
 */
import { type ApolloServerPlugin, HeaderMap } from '@apollo/server';
import { type DocumentNode, type FragmentDefinitionNode, GraphQLError, Kind, type SelectionSetNode, getOperationAST } from 'graphql';
import { LRUCache } from 'lru-cache';
import type { Viewer } from '../application/authorization.js';
import type { GraphQLContext } from '../graphql/context.js';

export interface RateLimitOptions {
  /** Tokens added per minute (sustained requests per minute per address). */
  perMinute: number;
  /** Most tokens a bucket holds: requests an idle address may send at once. */
  burst: number;
  /** Most addresses remembered (default 10,000). */
  maxClients?: number;
  /** Milliseconds clock, for tests. */
  now?: () => number;
}

export type RateDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  at: number;
}

export class RateLimiter {
  readonly options: RateLimitOptions;
  private readonly buckets: LRUCache<string, Bucket>;
  private readonly perMs: number;
  private readonly burst: number;
  private readonly now: () => number;

  constructor(options: RateLimitOptions) {
    if (!(options.perMinute > 0) || !(options.burst >= 1)) throw new RangeError('perMinute must be positive and burst at least 1');
    this.options = options;
    this.perMs = options.perMinute / 60_000;
    this.burst = options.burst;
    this.buckets = new LRUCache({ max: options.maxClients ?? 10_000 });
    this.now = options.now ?? Date.now;
  }

  /** Takes `cost` tokens from `client`'s bucket, or none at all when it holds fewer. */
  take(client: string, cost = 1): RateDecision {
    const now = this.now();
    const bucket = this.buckets.get(client);
    const tokens = bucket ? Math.min(this.burst, bucket.tokens + (now - bucket.at) * this.perMs) : this.burst;
    if (tokens >= cost) {
      this.buckets.set(client, { tokens: tokens - cost, at: now });
      return { allowed: true };
    }
    this.buckets.set(client, { tokens, at: now });
    // A cost above the burst never fits: a minute is as good an answer as any.
    const retryAfterSeconds = cost > this.burst ? 60 : Math.max(1, Math.ceil((cost - tokens) / this.perMs / 1_000));
    return { allowed: false, retryAfterSeconds };
  }

  /** Addresses remembered now. */
  get size(): number {
    return this.buckets.size;
  }
}

/**
 * The lookups limited per client address: each answers one guess of a folio,
 * publicly (verifyCertificate) or signed in (certificate), so aliasing one
 * cannot sidestep the limit of the other.
 */
export const RATE_LIMITED_FIELDS: ReadonlySet<string> = new Set(['verifyCertificate', 'certificate']);
/** The lookups limited per caller (token subject): each tests one CURP. */
export const CURP_LOOKUP_FIELDS: ReadonlySet<string> = new Set(['servantByCurp']);

/**
 * How many times the operation asks for one of `fields` at its root, aliases and
 * fragments included: `a: verifyCertificate(…) b: verifyCertificate(…)` costs 2.
 */
export function countRootFields(document: DocumentNode, operationName: string | null | undefined, fields: ReadonlySet<string>): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const count = (set: SelectionSetNode, visiting: Set<string>): number => {
    let total = 0;
    for (const selection of set.selections) {
      if (selection.kind === Kind.FIELD) total += fields.has(selection.name.value) ? 1 : 0;
      else if (selection.kind === Kind.INLINE_FRAGMENT) total += count(selection.selectionSet, visiting);
      else {
        const name = selection.name.value;
        const fragment = fragments.get(name);
        if (!fragment || visiting.has(name)) continue;
        total += count(fragment.selectionSet, new Set([...visiting, name]));
      }
    }
    return total;
  };
  return count(operation.selectionSet, new Set());
}

/** Who sends an operation, as the limits key it. */
export interface Caller {
  address: string | null;
  viewer: Viewer | null;
}

/** Checks an operation against the limits: a RATE_LIMITED error (HTTP 429), or null to go on. */
export type OperationGate = (document: DocumentNode, operationName: string | null | undefined, caller: Caller) => GraphQLError | null;

export interface LookupLimits {
  /** verifyCertificate and certificate per client address (PUBLIC_RATE_LIMIT); none when null. */
  perAddress: RateLimitOptions | null;
  /** servantByCurp per token subject (CURP_LOOKUP_RATE_LIMIT); none when null. */
  curpPerCaller: RateLimitOptions | null;
}

/**
 * One server's buckets: the folio buckets are shared by GraphQL and the
 * credential routes (src/credentials/http.ts), so that every guess at a folio
 * draws from the same bucket whichever way it comes.
 */
export interface LookupLimiters {
  folios: RateLimiter | null;
  curps: RateLimiter | null;
}

export function lookupLimiters(limits: LookupLimits): LookupLimiters {
  return {
    folios: limits.perAddress ? new RateLimiter(limits.perAddress) : null,
    curps: limits.curpPerCaller ? new RateLimiter(limits.curpPerCaller) : null,
  };
}

interface Limit {
  fields: ReadonlySet<string>;
  limiter: RateLimiter;
  keyOf: (caller: Caller) => string;
  what: string;
}

function rateLimited(limit: Limit, retryAfterSeconds: number): GraphQLError {
  const { perMinute, burst } = limit.limiter.options;
  return new GraphQLError(`Too many ${limit.what}: at most ${perMinute} a minute (bursts of ${burst}). Try again in ${retryAfterSeconds} s.`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      http: { status: 429, headers: new HeaderMap([['retry-after', String(retryAfterSeconds)]]) },
    },
  });
}

export function lookupGate(limiters: LookupLimiters): OperationGate {
  const all: Limit[] = [];
  if (limiters.folios) {
    all.push({ fields: RATE_LIMITED_FIELDS, limiter: limiters.folios, keyOf: (c) => c.address ?? 'unknown', what: 'certificate look-ups from this address' });
  }
  if (limiters.curps) {
    all.push({ fields: CURP_LOOKUP_FIELDS, limiter: limiters.curps, keyOf: (c) => c.viewer?.sub ?? c.address ?? 'unknown', what: 'CURP look-ups by this caller' });
  }
  return (document, operationName, caller) => {
    for (const limit of all) {
      const cost = countRootFields(document, operationName, limit.fields);
      if (cost === 0) continue;
      const decision = limit.limiter.take(limit.keyOf(caller), cost);
      if (!decision.allowed) return rateLimited(limit, decision.retryAfterSeconds);
    }
    return null;
  };
}

/** The gate for GraphQL over HTTP, after validation and before anything executes. */
export function rateLimitPlugin(gate: OperationGate): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, contextValue }) {
          const refusal = gate(document, operationName, { address: contextValue.clientAddress, viewer: contextValue.viewer });
          if (refusal) throw refusal;
        },
      };
    },
  };
}
