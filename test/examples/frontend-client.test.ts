/**
 * The reference frontend client (examples/frontend-client) as CI must see it:
 * its generated types match schema.graphql and its documents, it type-checks,
 * and it runs the README tour against a demo server: queries, paging with
 * relayStylePagination, and a live goalProgressChanged subscription.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { generate } from '@graphql-codegen/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedDemo } from '../../src/app/demo/seed.js';
import config from '../../examples/frontend-client/codegen.js';
import { createAcreditaClient } from '../../examples/frontend-client/src/client.js';
import { allServants, tour, watchGoal } from '../../examples/frontend-client/src/tour.js';
import { startTestApi, type TestApi } from '../graphql/support/api.js';
import { must, validCurp } from '../graphql/support/scenario.js';

const run = promisify(execFile);

let api: TestApi;
let admin: string;

beforeAll(async () => {
  api = (await startTestApi('sqlite'))!;
  admin = await api.token('ADMIN');
  const summary = await seedDemo(api.app.office);
  await api.app.readModel.waitFor(summary.lastPosition, 120_000);
}, 180_000);
afterAll(() => api?.close());

describe('examples/frontend-client', () => {
  it('has generated types up to date with schema.graphql and its documents', async () => {
    const files = (await generate(config, false)) as { filename: string; content: string }[];
    expect(files.length).toBeGreaterThanOrEqual(3);
    for (const file of files) expect(readFileSync(file.filename, 'utf8'), `${file.filename}: run npx graphql-codegen --config examples/frontend-client/codegen.ts`).toBe(file.content);
  });

  it('type-checks on its own', async () => {
    const result = await run('npx', ['tsc', '-p', 'examples/frontend-client/tsconfig.json'], { timeout: 120_000 }).catch((error: { stdout: string }) => error);
    expect((result as { stdout: string }).stdout).toBe('');
  }, 150_000);

  it('runs the README tour against the demo', async () => {
    const client = createAcreditaClient({ origin: api.origin });
    try {
      const result = await tour(client);
      expect(result).toMatchObject({ target: 600, certifiedAtCeremony: 410, progress: { achieved: 410, remaining: 190 }, certificate: { found: true } });
      expect(result.progress.percent).toBeCloseTo(68.3, 1);
      expect(result.ranking[0]?.municipality).toBe('Tijuana');
    } finally {
      await client.close();
    }
  });

  it('pages through servants with fetchMore, the cache merging the pages', async () => {
    const client = createAcreditaClient({ origin: api.origin, token: admin });
    try {
      const { ids, totalCount } = await allServants(client, { municipality: 'Tijuana' }, 40);
      expect(totalCount).toBeGreaterThan(100);
      expect(ids).toHaveLength(totalCount);
      expect(new Set(ids).size).toBe(totalCount);
    } finally {
      await client.close();
    }
  });

  it('hears goalProgressChanged live when a certificate moves the goal', async () => {
    const client = createAcreditaClient({ origin: api.origin, token: admin });
    const heard: number[] = [];
    try {
      const { goalId } = await tour(client);
      const stop = watchGoal(client, goalId, (achieved) => heard.push(achieved));
      // Subscribed once the server counts it (graphql-ws acknowledges the socket, not each subscription).
      await new Promise((resolve) => setTimeout(resolve, 500));
      const { evaluators } = must(await api.gql('query { evaluators { id standardCodes validUntil } }', {}, admin));
      const evaluator = evaluators.find((e: { standardCodes: string[]; validUntil: string }) => e.standardCodes.includes('EC0105') && e.validUntil > '2018-10-02');
      const servant = must(
        await api.gql(
          'mutation($input: RegisterServantInput!) { registerServant(input: $input) { servant { id } } }',
          { input: { curp: validCurp(424_242), fullName: 'Luis Gómez Live', state: 'Baja California', municipality: 'Tijuana', department: 'Tesorería Municipal', regime: 'BASE', unionized: true, occurredAt: '2018-09-20T00:00:00Z' } },
          admin,
        ),
      ).registerServant.servant;
      const step = (name: string, type: string, input: Record<string, unknown>) =>
        api.gql(`mutation($input: ${type}!) { ${name}(input: $input) { position } }`, { input: { servantId: servant.id, standardCode: 'EC0105', ...input } }, admin).then(must);
      await step('enrollInTraining', 'EnrollInTrainingInput', { provider: 'UTT', modality: 'VIRTUAL', occurredAt: '2018-09-25T00:00:00Z' });
      await step('recordVerdict', 'RecordVerdictInput', { evaluatorId: evaluator.id, verdict: 'COMPETENT', occurredAt: '2018-10-01T00:00:00Z' });
      await step('issueCertificate', 'IssueCertificateInput', { folio: 'UTT-EC0105-2018-LIVE', occurredAt: '2018-10-02T00:00:00Z' });
      for (let i = 0; i < 50 && !heard.includes(411); i++) await new Promise((resolve) => setTimeout(resolve, 100));
      stop();
      expect(heard).toContain(411);
    } finally {
      await client.close();
    }
  });
});
