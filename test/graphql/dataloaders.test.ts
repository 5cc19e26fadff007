/**
 * Per-request DataLoaders: a page of servants with their certifications,
 * standards and certificates costs the same number of SQL queries whatever the
 * page size. Queries are counted with a Kysely plugin on the real read model.
 */
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqlReadModel } from '../../src/projections/sql-read-model.js';
import { BACKENDS, TIJUANA, startTestApi, type TestApi } from './support/api.js';
import { M } from './support/documents.js';
import { Scenario, must } from './support/scenario.js';

const PAGE = `query($first: Int) { servants(first: $first) { edges { node {
  id curp fullName
  certifications { stage standard { code title certifiedCount }
    certificate { folio status standard { code } servant { id fullName } } } } } } }`;

describe.each(BACKENDS)('SQL queries per page on %s', (backend) => {
  let api: TestApi | null;
  let sqlQueries = 0;
  // Counted as they run: queries whose SQL is kept compiled skip transformQuery.
  const counter: KyselyPlugin = {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      sqlQueries += 1;
      return args.result;
    },
  };

  beforeAll(async () => {
    api = await startTestApi(backend, {
      // The page's own queries, not the response cache's freshness check.
      responseCacheBytes: 0,
      readModel: (app) => new SqlReadModel({ db: app.readStore.db.withPlugin(counter), dialect: app.readStore.dialect, runner: app.runner }),
    });
    if (!api) return;
    const scenario = await Scenario.start(api);
    const admin = await api.token('ADMIN');
    await scenario.publishStandard('EC0105', 5);
    await scenario.publishStandard('EC0217', null);
    const evaluatorId = (await scenario.accreditEvaluator(['EC0105'])).id;
    for (let i = 0; i < 20; i++) {
      const servant = await scenario.registerServant(TIJUANA);
      must(await api.gql(M.enrollInTraining, { input: { servantId: servant.id, standardCode: 'EC0217', provider: 'UTT', modality: 'VIRTUAL' } }, admin));
      if (i % 4 === 0) {
        await scenario.competent(servant.id, 'EC0105', evaluatorId);
        await scenario.issue(servant.id, 'EC0105', `TIJ-${i}`);
      }
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  it('is bounded by the same small number for 5 and for 20 servants', async (ctx) => {
    if (!api) ctx.skip();
    const admin = await api!.token('ADMIN');
    const count = async (first: number) => {
      sqlQueries = 0;
      const data = must(await api!.gql(PAGE, { first }, admin));
      const servants = data.servants.edges.map((edge: any) => edge.node);
      expect(servants).toHaveLength(first);
      expect(servants.flatMap((s: any) => s.certifications).filter((c: any) => c.certificate).length).toBeGreaterThan(0);
      return sqlQueries;
    };
    const five = await count(5);
    const twenty = await count(20);
    // servants page (+ its count), certifications, standards, certificates, certified counts, and servants by id.
    // On PostgreSQL the certified counts may go out in two batches (one per standard) when the
    // standards and certificates batches answer in different ticks: 7, whatever the page size.
    expect(five).toBeLessThanOrEqual(7);
    expect(twenty).toBeLessThanOrEqual(7);
    console.info(`[${backend}] SQL queries for a page of 20 servants with certifications, standards and certificates: ${twenty}`);
  });
});
