/**
 * Privacy after a run with names and CURPs we know: none of them in the
 * server's logs (LOG_LEVEL=debug), error messages or /metrics; erased servants
 * stay erased after a restart and after `acredita rebuild`; on SQLite the erased
 * name and CURP are gone from the database file's bytes.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { type Answer, gql, must, post } from './support/client.js';
import { FIGURES } from './support/figures.js';
import { runCli } from './support/server.js';
import { openStage, reachableBackends, type Stage } from './support/setup.js';
import { fictitiousCurp, fictitiousName } from './support/people.js';
import { TIJUANA, Workload } from './support/workload.js';

interface Person {
  id: string;
  curp: string;
  fullName: string;
}

/** The forms a name or CURP could be stored or printed in (search columns fold case and accents). */
function forms(text: string): string[] {
  const folded = text.normalize('NFD').replace(/\p{M}/gu, '');
  return [...new Set([text, text.toLowerCase(), text.toUpperCase(), folded, folded.toLowerCase(), folded.toUpperCase()])];
}

function leaks(haystack: string | Buffer, people: readonly Person[]): string[] {
  const found: string[] = [];
  for (const person of people) {
    for (const form of [...forms(person.curp), ...forms(person.fullName)]) {
      if (typeof haystack === 'string' ? haystack.includes(form) : haystack.includes(Buffer.from(form, 'utf8'))) found.push(form);
    }
  }
  return found;
}

const SERVANT = 'query($id: ID!) { servant(id: $id) { id curp fullName personalDataErased } }';

const backends = await reachableBackends();

// Both backends at once: each has its own server and data.
describe.concurrent('Privacy', () => {
  describe.each(backends)('personal data on %s', (backend, available) => {
    let stage: Stage | undefined;
    afterEach(async () => {
      await stage?.close();
      stage = undefined;
    });

    it.skipIf(!available)('never in logs, errors or metrics; erased stays erased after restart and rebuild (and off the SQLite file)', async () => {
      stage = await openStage(backend, { logLevel: 'debug' });
      const { server } = stage;
      const endpoint = server.endpoint;
      const admin = stage.adminToken;
      const { clients, seconds } = FIGURES.privacy;
      const options = { endpoint, adminToken: admin, clients, durationMs: seconds * 1_000, run: 'privacy', seed: 40_000 };
      const { base } = await Workload.seed(options);
      const workload = new Workload(options, base);
      const report = await workload.run();
      expect(report.unexpected).toEqual([]);

      const listed = must(await gql(endpoint, 'query { servants(first: 100) { edges { node { id curp fullName } } } }', {}, admin)) as {
        servants: { edges: { node: Person }[] };
      };
      const people = listed.servants.edges.map((edge) => edge.node);
      expect(people.length).toBeGreaterThanOrEqual(6);
      expect(people.every((person) => person.curp.length === 18 && person.fullName.includes(' '))).toBe(true);

      // Requests that fail while carrying personal data: their answers must not echo it.
      const [known, other] = people;
      const errors: Answer[] = [];
      const register = `mutation($input: RegisterServantInput!) { registerServant(input: $input) { position } }`;
      const input = { curp: known.curp, fullName: known.fullName, ...TIJUANA, department: 'Sindicatura', regime: 'BASE', unionized: true };
      errors.push(await gql(endpoint, register, { input }, admin)); // CURP taken: CONFLICT
      errors.push(await gql(endpoint, register, { input: { ...input, curp: fictitiousCurp(41_999), nickname: known.fullName } }, admin)); // unknown field
      errors.push(await gql(endpoint, register, { input: { ...input, curp: fictitiousCurp(41_998), regime: 'NOT_A_REGIME' } }, admin)); // bad enum
      errors.push(await gql(endpoint, register, { input: { ...input, curp: `${known.curp.slice(0, 17)}${(Number(known.curp[17]) + 1) % 10}` } }, admin)); // check digit
      errors.push(await gql(endpoint, register, { input: { ...input, curp: fictitiousCurp(41_997), fullName: `${known.fullName} 123` } }, admin)); // bad name
      errors.push(await gql(endpoint, register, { input: { ...input, curp: known.curp, unionized: known.fullName } }, admin)); // wrong type
      errors.push(await gql(endpoint, register, { input: { ...input, curp: other.curp } })); // anonymous
      errors.push(await gql(endpoint, `query($curp: String!) { servantByCurp(curp: $curp) { id } }`, { curp: `${known.curp}X` }, admin));
      errors.push(await gql(endpoint, `query { servantByCurp(curp: ${JSON.stringify(known.curp)}) { id nope } }`, {}, admin));
      errors.push(await post(endpoint, `{"query": "mutation { registerServant(input: {curp: \\"${known.curp}\\", fullName: \\"${known.fullName}\\"`, { token: admin }));
      for (const answer of errors) {
        expect(answer.errors?.length ?? 0, answer.text).toBeGreaterThan(0);
        expect(leaks(JSON.stringify(answer.errors), people), answer.text).toEqual([]);
      }

      // Erase two servants (ARCO cancellation).
      const erased = people.slice(0, 2);
      for (const person of erased) {
        const done = must(
          await gql(endpoint, 'mutation($input: ErasePersonalDataInput!) { erasePersonalData(input: $input) { servant { fullName curp personalDataErased } } }', {
            input: { commandId: `erase-${person.id}`, servantId: person.id, reason: `ARCO-${randomUUID().slice(0, 8)}` },
          }, admin),
        ) as { erasePersonalData: { servant: { fullName: string; curp: string | null; personalDataErased: boolean } } };
        expect(done.erasePersonalData.servant).toEqual({ fullName: '[erased]', curp: null, personalDataErased: true });
      }
      const kept = people.slice(2);
      const expectErasedOnly = async () => {
        for (const person of erased) {
          const { servant } = must(await gql(endpoint, SERVANT, { id: person.id }, admin)) as { servant: Person & { personalDataErased: boolean } };
          expect(servant).toMatchObject({ fullName: '[erased]', curp: null, personalDataErased: true });
          const byCurp = must(await gql(endpoint, 'query($curp: String!) { servantByCurp(curp: $curp) { id } }', { curp: person.curp }, admin)) as { servantByCurp: unknown };
          expect(byCurp.servantByCurp).toBeNull();
        }
        const { servant } = must(await gql(endpoint, SERVANT, { id: kept[0].id }, admin)) as { servant: Person };
        expect(servant).toMatchObject({ curp: kept[0].curp, fullName: kept[0].fullName });
        const search = must(await gql(endpoint, 'query($name: String!) { servants(filter: { nameContains: $name }) { totalCount } }', { name: erased[0].fullName }, admin)) as {
          servants: { totalCount: number };
        };
        expect(search.servants.totalCount).toBe(0);
      };
      await expectErasedOnly();

      const metrics = await (await fetch(`${server.origin}/metrics`)).text();
      expect(metrics).toMatch(/acredita_graphql_requests_total/);
      expect(leaks(metrics, people)).toEqual([]);

      const sqliteFile = backend === 'sqlite' ? stage.local.env.EVENT_STORE_URL.slice('sqlite:'.length) : null;
      const fileBytes = () => Buffer.concat([sqliteFile!, `${sqliteFile}-wal`].filter((path) => existsSync(path)).map((path) => readFileSync(path)));
      if (sqliteFile) {
        expect(leaks(fileBytes(), erased)).toEqual([]);
        expect(leaks(fileBytes(), kept).length).toBeGreaterThan(0); // the search would find them if they were there
      }

      // A crash and a restart, then a rebuild from the log: still erased, the others still readable.
      await server.kill();
      await server.restart();
      await expectErasedOnly();
      await server.stop();
      const rebuild = await runCli(['rebuild'], stage.serverOptions);
      expect(rebuild.code, rebuild.output).toBe(0);
      await server.restart();
      await expectErasedOnly();
      await server.stop();
      if (sqliteFile) expect(leaks(fileBytes(), erased)).toEqual([]);

      const logs = server.output() + rebuild.output;
      expect(logs).toMatch(/"level":30/); // log lines were written (at LOG_LEVEL=debug), and searched
      expect(leaks(logs, people)).toEqual([]);
    });
  });
});
