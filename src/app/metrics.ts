/**
 * Prometheus metrics (prom-client) on a registry of our own: GraphQL request
 * counts and latency by operation type, and, read at scrape time, open
 * subscriptions, the event log's head position and each projection's position and lag.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { EventStore } from '../eventstore/types.js';
import type { ResponseCacheOutcome } from '../graphql/response-cache/response-cache.plugin.js';
import type { ReadModel } from '../projections/read-model.js';

/** query | mutation | subscription, or 'unknown' when refused before an operation was known. */
export type OperationType = 'query' | 'mutation' | 'subscription' | 'unknown';
export type Outcome = 'ok' | 'error';

export interface Metrics {
  readonly registry: Registry;
  observeRequest(operationType: OperationType, outcome: Outcome, seconds: number): void;
  /** A read-model query answered from a kept response (hit) or executed (miss). */
  observeResponseCache(outcome: ResponseCacheOutcome): void;
}

export interface MetricSources {
  store: EventStore;
  readModel: ReadModel;
  /** Open `certificateIssued` subscriptions of this process. */
  activeSubscriptions: () => number;
}

export function createMetrics(sources: MetricSources): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'acredita_' });

  const requests = new Counter({
    name: 'acredita_graphql_requests_total',
    help: 'GraphQL requests (HTTP operations and subscriptions started) by operation type and outcome',
    labelNames: ['operation_type', 'outcome'] as const,
    registers: [registry],
  });
  const latency = new Histogram({
    name: 'acredita_graphql_request_duration_seconds',
    help: 'GraphQL HTTP request latency by operation type',
    labelNames: ['operation_type'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const responseCache = new Counter({
    name: 'acredita_graphql_response_cache_total',
    help: 'Read-model queries answered from a kept response (hit) or executed (miss)',
    labelNames: ['outcome'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'acredita_graphql_subscriptions_active',
    help: 'Open certificateIssued subscriptions in this process',
    registers: [registry],
    collect() {
      this.set(sources.activeSubscriptions());
    },
  });
  new Gauge({
    name: 'acredita_event_store_head_position',
    help: 'Global position of the newest event: how many events were appended to the log (PostgreSQL may skip numbers)',
    registers: [registry],
    async collect() {
      this.set(Number(await sources.store.headPosition()));
    },
  });
  new Gauge({
    name: 'acredita_projection_position',
    help: 'Global position the projection has processed up to',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      for (const status of await sources.readModel.projections()) this.set({ projection: status.name }, Number(status.position));
    },
  });
  new Gauge({
    name: 'acredita_projection_lag_events',
    help: 'Events in the log not yet processed by the projection',
    labelNames: ['projection'] as const,
    registers: [registry],
    async collect() {
      for (const status of await sources.readModel.projections()) this.set({ projection: status.name }, status.lag);
    },
  });

  return {
    registry,
    observeRequest(operationType, outcome, seconds) {
      requests.inc({ operation_type: operationType, outcome });
      if (operationType !== 'subscription') latency.observe({ operation_type: operationType }, seconds);
    },
    observeResponseCache(outcome) {
      responseCache.inc({ outcome });
    },
  };
}

/** Counts each operation Apollo handles, typed once the operation is known. */
export function metricsPlugin(metrics: Metrics): ApolloServerPlugin {
  return {
    async requestDidStart() {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ operation, response }) {
          const seconds = Number(process.hrtime.bigint() - started) / 1e9;
          const failed = response.body.kind === 'single' && (response.body.singleResult.errors?.length ?? 0) > 0;
          metrics.observeRequest(operation?.operation ?? 'unknown', failed ? 'error' : 'ok', seconds);
        },
      };
    },
  };
}
