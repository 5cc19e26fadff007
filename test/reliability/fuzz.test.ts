/**
 * Hostile input: a fast-check fuzzer sends requests built from the served
 * schema (support/hostile.ts) with random tokens to a real server. Never a 5xx,
 * never a crash, every error with a documented code, and a request that was
 * refused writes nothing (the log's head does not move).
 */
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { buildSchema } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/graphql/auth.js';
import { type Answer, post } from './support/client.js';
import { FIGURES, timeoutFor } from './support/figures.js';
import { HostileDocuments, type HostileRequest, hostileCase } from './support/hostile.js';
import { openStage, reachableBackends, recordFigures, type Stage } from './support/setup.js';
import { fictitiousCurp } from './support/people.js';
import { STANDARD, TIJUANA, Workload } from './support/workload.js';

/** Every code a refusal may carry (api.md, docs/api.md); INTERNAL_SERVER_ERROR is not among them. */
const DOCUMENTED = new Set([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
  'BAD_REQUEST',
  'OPERATION_RESOLUTION_FAILURE',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PAYLOAD_TOO_LARGE',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'CONFLICT',
  'BUSINESS_RULE',
  'QUERY_TOO_DEEP',
  'QUERY_TOO_COMPLEX',
  'RATE_LIMITED',
]);

const schema = buildSchema(readFileSync(new URL('../../schema.graphql', import.meta.url), 'utf8'));
const { cases } = FIGURES.fuzz;

const backends = await reachableBackends();

// Both backends at once: each has its own server and data.
describe.concurrent('Hostile input', () => {
  describe.each(backends)('fuzzing GraphQL on %s', (backend, available) => {
    let stage: Stage;
    let documents: HostileDocuments;
    const tokens: (string | null)[] = [null, 'not.a.token'];

    beforeAll(async () => {
      if (!available) return;
      stage = await openStage(backend);
      const options = { endpoint: stage.server.endpoint, adminToken: stage.adminToken, clients: 1, durationMs: 1_000, run: 'fuzz', seed: 60_000 };
      const { base } = await Workload.seed(options);
      const report = await new Workload(options, base).run();
      expect(report.unexpected).toEqual([]);
      documents = new HostileDocuments(schema, {
        servantIds: [...base.shared, ...report.servants],
        folios: report.folios,
        curps: [fictitiousCurp(60_000), fictitiousCurp(69_990)],
        standardCode: STANDARD,
      });
      for (const role of ['ADMIN', 'AUDITOR', 'EVALUATOR'] as const) tokens.push(await signToken({ role, sub: `fuzz-${role}` }, stage.secret));
      tokens.push(await signToken({ role: 'REGISTRAR', sub: 'fuzz-registrar', ...TIJUANA }, stage.secret));
      tokens.push(await signToken({ role: 'EVALUATOR', sub: base.evaluatorId }, stage.secret));
    }, 120_000);
    afterAll(() => stage?.close());

    // Alone, before the fuzzer: it holds the log's head still.
    it.sequential('refuses what the fuzzer once turned into internal errors with HTTP 400 and a documented code', async (context) => {
      if (!available) context.skip();
      const found: [unknown, string][] = [
        [{ query: 'subscription { certificateIssued { folio } }' }, 'BAD_REQUEST'], // over HTTP
        [{ query: '{ standards { code } }', extensions: { persistedQuery: { version: 1, sha256Hash: 'abc' } } }, 'BAD_REQUEST'],
        // More than 50 bad list items: graphql-js gives up on the variables without a code.
        [
          {
            query: 'mutation($folios: [String!]!) { deliverCertificates(input: { folios: $folios, ceremony: "x" }) { position } }',
            variables: { folios: Array.from({ length: 60 }, () => 7) },
          },
          'BAD_REQUEST',
        ],
        // NUL, which PostgreSQL refuses in text and jsonb: in a variable, and in a literal of a mutation.
        [{ query: 'query($m: String) { goals(municipality: $m) { id } }', variables: { m: 'admin\u0000' } }, 'BAD_USER_INPUT'],
        [{ query: 'mutation { publishStandard(input: { code: "EC4321", title: "Nul \\u0000 here", level: 1 }) { position } }' }, 'BAD_USER_INPUT'],
      ];
      const before = await stage.local.app.store.headPosition();
      for (const [body, code] of found) {
        const answer = await post(stage.server.endpoint, body, { token: tokens[2] });
        const codes = new Set(answer.errors?.map((error) => error.extensions?.code));
        expect({ status: answer.status, internal: codes.has('INTERNAL_SERVER_ERROR'), code: codes.has(code) }).toEqual({
          status: 400,
          internal: false,
          code: true,
        });
      }
      expect(await stage.local.app.store.headPosition()).toBe(before);
      expect(stage.server.output()).not.toMatch(/internal error/);
    });

    it.skipIf(!available)(
      `${cases} hostile requests: no 5xx, no crash, documented codes only, no write from a refused request`,
      async () => {
        const tally = { requests: 0, refused: 0, answered: 0, writes: 0, partialWrites: 0, byCode: {} as Record<string, number> };
        const started = performance.now();
        await fc.assert(
          fc.asyncProperty(hostileCase, fc.nat({ max: tokens.length - 1 }), async ({ seed, pool }, tokenIndex) => {
            const request: HostileRequest = documents.build(seed, pool);
            const before = await stage.local.app.store.headPosition();
            const requestId = `fuzz-${randomUUID()}`;
            let answer: Answer;
            try {
              answer = await post(stage.server.endpoint, request.kind === 'raw' ? String(request.body) : JSON.stringify(request.body), {
                token: tokens[tokenIndex],
                headers: { 'x-request-id': requestId },
              });
            } catch (error) {
              throw new Error(`no answer (${(error as Error).message}); the server said:\n${stage.server.output().slice(-2000)}`);
            }
            tally.requests += 1;
            const explain = () =>
              `${(request.kind === 'raw' ? String(request.body) : JSON.stringify(request.body)).slice(0, 1_500)}\nThe server logged:\n${stage.server.output().slice(-1_500)}`;
            if (answer.status >= 500) throw new Error(`HTTP ${answer.status} for ${explain()}`);
            let body: { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] } | unknown[];
            try {
              body = JSON.parse(answer.text);
            } catch {
              throw new Error(`not JSON (${answer.status}): ${answer.text.slice(0, 300)}`);
            }
            const results = Array.isArray(body) ? body : [body];
            let acknowledged = false;
            for (const result of results as { data?: Record<string, unknown> | null; errors?: { extensions?: { code?: string } }[] }[]) {
              for (const error of result.errors ?? []) {
                const code = error.extensions?.code ?? 'NO CODE';
                tally.byCode[code] = (tally.byCode[code] ?? 0) + 1;
                if (!DOCUMENTED.has(code)) throw new Error(`${code} for ${explain()}`);
              }
              if (request.mutations > 0 && result.data && Object.values(result.data).some((value) => value !== null)) acknowledged = true;
            }
            if (results.some((result: any) => result.errors?.length)) tally.refused += 1;
            else tally.answered += 1;
            const after = await stage.local.app.store.headPosition();
            if (after > before) tally.writes += 1;
            if (acknowledged || after === before) return;
            // Several mutations in one document run one after the other, each a command of its own: an
            // earlier one may have been recorded when a later one fails, and a failed non-null payload
            // nulls the whole `data` (GraphQL null propagation). Its events must still be this request's.
            if (request.mutations < 2) throw new Error(`a refused request wrote events: ${explain()}`);
            const written = await stage.local.app.store.readAll({ after: before, limit: 100 });
            expect(written.every((event) => event.metadata.correlationId === requestId)).toBe(true);
            tally.partialWrites += 1;
          }),
          { numRuns: cases, endOnFailure: true },
        );
        const health = await fetch(`${stage.server.origin}/health`);
        expect(health.status).toBe(200);
        expect(stage.server.starts).toBe(1);
        expect(stage.server.output()).not.toMatch(/internal error|unhandled|uncaught/i);
        recordFigures('fuzz', backend, { cases, seconds: Number(((performance.now() - started) / 1_000).toFixed(1)), ...tally });
      },
      timeoutFor(cases / 10),
    );
  });
});
