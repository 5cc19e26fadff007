/**
 * The HTTP scenarios: the real server (createApplication with projections
 * running, startHttpServer) in this process on a loopback port, the load client
 * in a child process. Queries and the recordVerdict mutation, each next to a
 * same-run baseline.
 */
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Application } from '../../src/app/application.js';
import { startHttpServer, type RunningHttpServer } from '../../src/app/http-server.js';
import { signToken } from '../../src/graphql/auth.js';
import { systemClock } from '../../src/graphql/deps.js';
import { ServantCursors } from '../../src/graphql/servants/servant-cursor.js';
import type { LoadConfig } from '../child/load-client.js';
import { quietLogger } from '../support/backend.js';
import { runChild } from '../support/child.js';
import { summarize, type Latencies } from '../support/measure.js';
import { figure, type Figure } from '../support/report.js';
import type { Scenario, ScenarioContext } from './context.js';

const JWT_SECRET = 'acredita-bench-secret-0123456789abcdef';

export interface Server {
  app: Application;
  http: RunningHttpServer;
  adminToken: string;
  /** What both servers seal servants cursors with: a scenario may hand out cursors of its own. */
  cursors: ServantCursors;
  /** `keptResponses: false` sends the load to a second server on the same app whose response cache is off. */
  load(
    bodies: string[],
    options: { concurrency: number; maxRequests: number; durationMs: number; warmupRequests?: number; token?: string | null; keptResponses?: boolean },
  ): Promise<Latencies & { errors: number; firstError: string | null }>;
}

export async function withServer<T>(ctx: ScenarioContext, work: (server: Server) => Promise<T>): Promise<T> {
  const logger = quietLogger();
  const app = await ctx.bench.open({ project: true });
  const cursors = new ServantCursors(randomBytes(32));
  const start = (responseCacheBytes?: number) =>
    startHttpServer({
      deps: { office: app.office, readModel: app.readModel, store: app.store, vault: app.vault, clock: systemClock, logger, accessRecord: app.accessRecord, servantCursors: cursors },
      host: '127.0.0.1',
      port: 0,
      jwtSecret: JWT_SECRET,
      logger,
      health: () => app.healthy(),
      responseCacheBytes,
    });
  const http = await start();
  const uncached = await start(0);
  const folder = await mkdtemp(join(tmpdir(), 'acredita-load-'));
  try {
    const adminToken = await signToken({ sub: 'bench-admin', role: 'ADMIN', ttl: '2h' }, JWT_SECRET);
    let n = 0;
    const load: Server['load'] = async (bodies, options) => {
      const file = join(folder, `load-${n++}.json`);
      const token = options.token === undefined ? adminToken : options.token;
      const config: LoadConfig = {
        url: `${options.keptResponses === false ? uncached.url : http.url}/graphql`,
        headers: token ? { authorization: `Bearer ${token}` } : {},
        bodies,
        concurrency: options.concurrency,
        maxRequests: options.maxRequests,
        durationMs: options.durationMs,
        warmupRequests: options.warmupRequests ?? 50,
      };
      await writeFile(file, JSON.stringify(config));
      const result = await runChild<Latencies & { errors: number; firstError: string | null }>('load-client.ts', {}, { timeoutMs: options.durationMs + 120_000, args: [file] });
      if (result.errors > 0) ctx.say(`  ${result.errors} of ${result.count} requests failed, e.g. ${result.firstError}`);
      return result;
    };
    return await work({ app, http, adminToken, cursors, load });
  } finally {
    await http.close();
    await uncached.close();
    await app.close();
    await rm(folder, { recursive: true, force: true });
  }
}

export const body = (query: string, variables: Record<string, unknown> = {}) => JSON.stringify({ query, variables });

const SERVANTS_PAGE = `query { servants(first: 20, filter: { state: "Baja California", municipality: "Tijuana" }) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id fullName department regime version certifications { stage attempts standard { code title } certificate { folio status validUntil } } } } } }`;
const STATS = `query { certificationStats(state: "Baja California", municipality: "Tijuana", asOf: "2018-09-18T18:00:00Z") {
  certifiedServants validCertificates inProgress byStandard { key count } byDepartment { key count } byRegime { key count } byMonth { key count } } }`;
const VERIFY = `query ($folio: String!) { verifyCertificate(folio: $folio) { folio found status standardCode standardTitle holderInitials municipality issuedAt validUntil } }`;
export const TYPENAME = `{ __typename }`;

export const QUERY_LOAD = { concurrency: 32, maxRequests: 40_000, durationMs: 6_000 };

/**
 * Each query is measured twice on the same app: through the server as it runs in
 * production, where a repeated read-model query is answered from a kept response
 * (the figures with targets), and through a second server whose response cache is
 * off, so every request executes (reported without a target).
 */
export const queries: Scenario = {
  name: 'queries',
  async run(ctx) {
    return withServer(ctx, async (server) => {
      const cases: [string, string[], string | null][] = [
        ['servants page with certifications', [body(SERVANTS_PAGE)], server.adminToken],
        ['certificationStats asOf', [body(STATS)], null],
        ['verifyCertificate', ctx.log.folios.slice(0, 2_000).map((folio) => body(VERIFY, { folio })), null],
      ];
      // Measure reads, not the runner catching up (when the rebuild scenario did not run first).
      await server.app.readModel.waitFor(await server.app.store.headPosition(), 1_800_000);
      const runs = [
        { keptResponses: true, suffix: '', target: true },
        { keptResponses: false, suffix: ' (response cache off)', target: false },
      ];
      // Warm each server up (JIT, statement caches, kept responses) on every query before measuring
      // anything: 3,000 requests, or every request body once when there are more (the 2,000 folios).
      for (const { keptResponses } of runs) {
        for (const [, bodies, token] of [...cases, ['', [body(TYPENAME)], null] as const]) {
          await server.load([...bodies], { ...QUERY_LOAD, maxRequests: Math.max(bodies.length, 3_000), durationMs: 60_000, token, keptResponses });
        }
      }
      const baseline = await server.load([body(TYPENAME)], QUERY_LOAD);
      ctx.say(`  { __typename }: ${baseline.perSecond.toFixed(0)} req/s, p99 ${baseline.p99.toFixed(1)} ms`);
      const figures: Figure[] = [];
      for (const { keptResponses, suffix, target } of runs) {
        for (const [query, bodies, token] of cases) {
          const name = `${query}${suffix}`;
          const r = await server.load(bodies, { ...QUERY_LOAD, token, keptResponses });
          ctx.say(`  ${name}: ${r.perSecond.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
          figures.push(
            figure({ scenario: 'queries', figure: `${name} req/s`, kind: 'rate', value: r.perSecond, unit: '/s', baselineName: '{ __typename } req/s', baseline: baseline.perSecond, ...(target ? { target: { op: '>=', bound: 0.33 } } : {}) }),
            figure({ scenario: 'queries', figure: `${name} p50`, kind: 'latency', value: r.p50, unit: 'ms', baselineName: '{ __typename } p50', baseline: baseline.p50 }),
            figure({ scenario: 'queries', figure: `${name} p99`, kind: 'latency', value: r.p99, unit: 'ms', baselineName: '{ __typename } p99', baseline: baseline.p99, ...(target ? { target: { op: '<=', bound: 3 } } : {}) }),
          );
        }
      }
      return figures;
    });
  },
};

const RECORD_VERDICT = `mutation ($input: RecordVerdictInput!) { recordVerdict(input: $input) { position certification { stage attempts version } } }`;

/**
 * The figure with the target is measured in the server process: the Office command,
 * then `readModel.waitFor` its position, with the projection runner working beside it
 * (what a mutation adds to the command: read-your-writes). Its baseline at
 * concurrency 1 is the command's own part of the same calls: one call at a time,
 * the runner has finished the previous batch before the next command starts, so
 * that part is the command path alone, measured in the same minutes on the same
 * database (measured apart, minutes earlier, it moved by up to 2x between runs on
 * this shared machine). At 16 commands overlap the runner's batches, so the
 * baseline is the same commands in an application without a runner. Both
 * separate-application figures are reported, and so is the same mutation over
 * HTTP, without a target: HTTP and GraphQL alone (`{ __typename }`) already cost
 * more than twice the command on this machine.
 */
export const mutation: Scenario = {
  name: 'mutation',
  async run(ctx) {
    const { candidates, candidateStandard: standardCode, evaluatorIds } = ctx.log;
    if (candidates.length < 64) throw new Error(`only ${candidates.length} candidates for recordVerdict`);
    const input = (servantId: string, i: number) => ({ servantId, standardCode, evaluatorId: evaluatorIds[i % evaluatorIds.length], verdict: 'NOT_YET_COMPETENT' as const });
    const requests = (concurrency: number) => (concurrency === 1 ? 300 : 1_200);
    const context = () => ({ occurredAt: new Date(), now: new Date(), actor: 'bench-admin', commandId: null, correlationId: null });
    const verdict = (app: Application, i: number) => app.office.recordVerdict(input(candidates[i % candidates.length], i), context());
    // The command path alone in an application without a runner: the same command on the
    // same streams, no HTTP, nothing competing for the write lock (the baseline at 16).
    const direct = new Map<number, Latencies>();
    const app = await ctx.bench.open({ project: false });
    try {
      for (const concurrency of [1, 16]) direct.set(concurrency, await officeAtConcurrency(concurrency, requests(concurrency), (i) => verdict(app, i)));
    } finally {
      await app.close();
    }
    return withServer(ctx, async (server) => {
      // Let the runner project the baseline's events first.
      await server.app.readModel.waitFor(await server.app.store.headPosition(), 300_000);
      const figures: Figure[] = [];
      const bodies = candidates.map((servantId, i) => body(RECORD_VERDICT, { input: input(servantId, i) }));
      for (const concurrency of [1, 16]) {
        const apart = direct.get(concurrency)!;
        const commandPart: number[] = [];
        const untilRead = await officeAtConcurrency(concurrency, requests(concurrency), async (i) => {
          const started = performance.now();
          const { position } = await verdict(server.app, i);
          commandPart.push(performance.now() - started);
          await server.app.readModel.waitFor(position);
        });
        const alone = concurrency === 1 ? summarize(commandPart, untilRead.seconds) : apart;
        const http = await server.load(bodies, { concurrency, maxRequests: requests(concurrency), durationMs: 20_000, warmupRequests: 10 });
        const typename = await server.load([body(TYPENAME)], { concurrency, maxRequests: requests(concurrency), durationMs: 20_000, warmupRequests: 10 });
        ctx.say(
          `  recordVerdict c=${concurrency}: until read-your-writes p50 ${untilRead.p50.toFixed(2)} ms, p99 ${untilRead.p99.toFixed(1)} ms; ` +
            `command path alone p50 ${alone.p50.toFixed(2)} ms, p99 ${alone.p99.toFixed(1)} ms; ` +
            `over HTTP p50 ${http.p50.toFixed(1)} ms, p99 ${http.p99.toFixed(1)} ms; { __typename } over HTTP p50 ${typename.p50.toFixed(1)} ms`,
        );
        const against = { baselineName: `command path c=${concurrency} p50`, baseline: alone.p50 };
        figures.push(
          figure({ scenario: 'mutation', figure: `recordVerdict until read-your-writes c=${concurrency} p50`, kind: 'latency', value: untilRead.p50, unit: 'ms', ...against, target: { op: '<=', bound: 2 } }),
          figure({ scenario: 'mutation', figure: `recordVerdict until read-your-writes c=${concurrency} p99`, kind: 'latency', value: untilRead.p99, unit: 'ms', baselineName: `command path c=${concurrency} p99`, baseline: alone.p99 }),
          figure({ scenario: 'mutation', figure: `recordVerdict over HTTP c=${concurrency} p50`, kind: 'latency', value: http.p50, unit: 'ms', ...against }),
          figure({ scenario: 'mutation', figure: `recordVerdict over HTTP c=${concurrency} p99`, kind: 'latency', value: http.p99, unit: 'ms', baselineName: `command path c=${concurrency} p99`, baseline: alone.p99 }),
          figure({ scenario: 'mutation', figure: `{ __typename } over HTTP c=${concurrency} p50`, kind: 'latency', value: typename.p50, unit: 'ms', ...against }),
        );
        if (alone !== apart) {
          figures.push(figure({ scenario: 'mutation', figure: `command path c=${concurrency} p50, separate application without runner`, kind: 'latency', value: apart.p50, unit: 'ms', ...against }));
        }
      }
      return figures;
    });
  },
};

/** `count` calls, `concurrency` in flight at once; latency of each call. */
async function officeAtConcurrency(concurrency: number, count: number, call: (i: number) => Promise<unknown>): Promise<Latencies> {
  const samples: number[] = [];
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const i = next++;
        const t = performance.now();
        await call(i);
        samples.push(performance.now() - t);
      }
    }),
  );
  return summarize(samples, (performance.now() - started) / 1000);
}
