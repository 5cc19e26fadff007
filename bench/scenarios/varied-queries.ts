/**
 * Varied queries: the servants page with its certifications, a different
 * request every time (municipality, name fragment, page), through the server
 * whose response cache is off, so each one runs its read-model queries. The
 * baseline is `{ __typename }` through the same server in the same run.
 * Bodies are drawn from the read model itself (fragments of registered names,
 * positions of registered servants as the page's cursor), warm-up and measured
 * requests from two disjoint sets, and no body is sent twice while measuring.
 */
import { pick, seededRandom, type Random } from '../../src/app/demo/people.js';
import { searchable } from '../../src/projections/servants/search.js';
import type { ServantFilter } from '../../src/projections/read-model.js';
import { figure, type Figure } from '../support/report.js';
import type { Scenario } from './context.js';
import { body, QUERY_LOAD, TYPENAME, withServer, type Server } from './http.js';

const PAGE = `query ($filter: ServantFilter, $after: String) { servants(first: 20, filter: $filter, after: $after) {
  totalCount pageInfo { hasNextPage endCursor }
  edges { cursor node { id fullName department regime version certifications { stage attempts standard { code title } certificate { folio status validUntil } } } } } }`;

/** Measured requests: more than the run can send, so none repeats. */
const MEASURED = 12_000;
const WARMUP = 3_000;

interface Registered {
  state: string;
  municipality: string;
  fullName: string;
  position: bigint;
}

export const variedQueries: Scenario = {
  name: 'varied-queries',
  async run(ctx) {
    return withServer(ctx, async (server) => {
      await server.app.readModel.waitFor(await server.app.store.headPosition(), 1_800_000);
      const registered = await everyServant(server);
      ctx.say(`  ${registered.length.toLocaleString('en')} servants to draw requests from`);
      const random = seededRandom(23);
      const draw = (n: number) => Array.from({ length: n }, () => variedBody(server, registered, random));
      const warmup = draw(WARMUP);
      const measured = [...new Set(draw(MEASURED))];
      const uncached = { ...QUERY_LOAD, keptResponses: false } as const;
      await server.load(warmup, { ...uncached, maxRequests: warmup.length, durationMs: 60_000 });
      await server.load([body(TYPENAME)], { ...uncached, maxRequests: 3_000, durationMs: 60_000 });
      const baseline = await server.load([body(TYPENAME)], uncached);
      ctx.say(`  { __typename }: ${baseline.perSecond.toFixed(0)} req/s, p99 ${baseline.p99.toFixed(1)} ms`);
      const r = await server.load(measured, { ...uncached, maxRequests: measured.length, warmupRequests: 0 });
      if (r.count >= measured.length) ctx.say(`  all ${measured.length} distinct requests were sent before the time was up: raise MEASURED`);
      const name = 'servants page with certifications, every request different (response cache off)';
      ctx.say(`  ${name}: ${r.perSecond.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p99 ${r.p99.toFixed(1)} ms`);
      const figures: Figure[] = [
        figure({ scenario: 'varied queries', figure: `${name} req/s`, kind: 'rate', value: r.perSecond, unit: '/s', baselineName: '{ __typename } req/s', baseline: baseline.perSecond, target: { op: '>=', bound: 0.2 } }),
        figure({ scenario: 'varied queries', figure: `${name} p50`, kind: 'latency', value: r.p50, unit: 'ms', baselineName: '{ __typename } p50', baseline: baseline.p50 }),
        figure({ scenario: 'varied queries', figure: `${name} p99`, kind: 'latency', value: r.p99, unit: 'ms', baselineName: '{ __typename } p99', baseline: baseline.p99, target: { op: '<=', bound: 5 } }),
      ];
      return figures;
    });
  },
};

async function everyServant(server: Server): Promise<Registered[]> {
  const all: Registered[] = [];
  for (let after: bigint | null = null; ; ) {
    const page = await server.app.readModel.servants({}, { size: 500, after });
    for (const { servant, position } of page.items) all.push({ state: servant.state, municipality: servant.municipality, fullName: servant.fullName, position });
    if (!page.hasNextPage) return all;
    after = page.items.at(-1)!.position;
  }
}

/**
 * A municipality (that of a registered servant, so Tijuana most often, as in
 * the log), and in three requests of four a fragment of 3 to 6 letters of
 * one of that servant's names; the first page, or in two of three the page
 * after a registered servant's position.
 */
function variedBody(server: Server, registered: readonly Registered[], random: Random): string {
  const someone = pick(random, registered);
  const filter: ServantFilter = { state: someone.state, municipality: someone.municipality };
  if (random() < 0.75) {
    const word = pick(random, searchable(someone.fullName).split(' ').filter((w) => w.length >= 3));
    const length = Math.min(word.length, 3 + Math.floor(random() * 4));
    const start = Math.floor(random() * (word.length - length + 1));
    filter.nameContains = word.slice(start, start + length);
  }
  const after = random() < 2 / 3 ? server.cursors.encode(filter, pick(random, registered).position) : null;
  return body(PAGE, { filter, after });
}
