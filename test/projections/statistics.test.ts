import { expect, it } from 'vitest';
import { createAllProjections } from '../../src/projections/all.js';
import { EventLog, holderOf, make, servantRegistered, type ServantFacts } from '../support/event-factory.js';
import { createTestVault } from '../support/test-vault.js';
import { forEachDialect, project, readModelOf } from './dialects.js';

const vault = createTestVault();
const bc = 'Baja California';
const servant = (
  servantId: string,
  municipality: string,
  department: string,
  regime: ServantFacts['regime'],
  state = bc,
): ServantFacts => ({ servantId, curp: 'AAAA000101MBCRNN01', fullName: servantId, state, municipality, department, regime });

const s1 = servant('s1', 'Tijuana', 'Oficialia Mayor', 'BASE');
const s2 = servant('s2', 'Tijuana', 'Tesoreria Municipal', 'CONFIANZA');
const s3 = servant('s3', 'Tijuana', 'Tesoreria Municipal', 'BASE');
const s4 = servant('s4', 'Tijuana', 'Delegaciones', 'CONFIANZA');
const m1 = servant('m1', 'Mexicali', 'Sindicatura', 'BASE');
const e1 = servant('e1', 'Ensenada', 'Oficialia Mayor', 'EVENTUAL');
const h1 = servant('h1', 'Hermosillo', 'Tesoreria Municipal', 'HONORARIOS', 'Sonora');

/** A verdict, then the certificate; validUntil `years` after issuance (null: permanent). */
function certify(log: EventLog, who: ServantFacts, code: string, folio: string, evaluatedAt: string, issuedAt: string, years: number | null) {
  const c = { servantId: who.servantId, standardCode: code };
  log.record(make.verdict(c, evaluatedAt));
  const until = years === null ? null : `${Number(issuedAt.slice(0, 4)) + years}${issuedAt.slice(4)}`;
  log.record(make.issued(c, folio, issuedAt, until, holderOf(who)));
}

async function history(): Promise<{ log: EventLog; revocation: EventLog['events'][number] }> {
  const log = new EventLog();
  for (const who of [s1, s2, s3, s4, m1, e1, h1]) log.record(await servantRegistered(vault, who), '2016-12-01T00:00:00.000Z');
  certify(log, s1, 'EC0105', 'F-1', '2018-09-01T17:00:00.000Z', '2018-09-18T17:00:00.000Z', 5);
  certify(log, s1, 'EC0217', 'F-2', '2018-10-01T17:00:00.000Z', '2018-10-05T17:00:00.000Z', null);
  certify(log, s2, 'EC0105', 'F-3', '2018-09-01T17:00:00.000Z', '2018-09-18T17:00:00.000Z', 5);
  log.record(make.enrolled({ servantId: 's3', standardCode: 'EC0105' }, '2018-08-01T17:00:00.000Z'));
  log.record(make.verdict({ servantId: 's3', standardCode: 'EC0105' }, '2018-09-01T17:00:00.000Z', 'NOT_YET_COMPETENT'));
  certify(log, s4, 'EC0105', 'F-4', '2019-02-20T17:00:00.000Z', '2019-03-01T17:00:00.000Z', 5);
  certify(log, m1, 'EC0105', 'F-5', '2017-05-01T17:00:00.000Z', '2017-05-10T17:00:00.000Z', 5);
  certify(log, e1, 'EC0105', 'F-6', '2018-11-01T17:00:00.000Z', '2018-11-05T17:00:00.000Z', 5);
  certify(log, h1, 'EC0217', 'F-7', '2018-01-20T17:00:00.000Z', '2018-02-01T17:00:00.000Z', null);
  // Recorded last, but it took effect in January 2019.
  const revocation = log.record(make.revoked({ servantId: 's2', standardCode: 'EC0105' }, 'F-3', '2019-01-15T17:00:00.000Z'));
  return { log, revocation };
}

const at = (iso: string) => new Date(iso);

forEachDialect(
  () => createAllProjections({ dialect: 'sqlite', vault }),
  ({ fixture, projections }) => {
    it('answers every figure and breakdown at a business date, after a back-dated revocation', async () => {
      const { log, revocation } = await history();
      await project(fixture().db, projections, log.events.filter((e) => e !== revocation), 4);
      const readModel = readModelOf(fixture());
      expect((await readModel.certificationStats({}, at('2019-06-01T00:00:00.000Z'))).certifiedServants).toBe(6);

      await project(fixture().db, projections, [revocation]);
      expect(await readModel.certificationStats({}, at('2019-06-01T00:00:00.000Z'))).toEqual({
        certifiedServants: 5,
        validCertificates: 6,
        inProgress: 2,
        byStandard: [
          { key: 'EC0105', count: 4 },
          { key: 'EC0217', count: 2 },
        ],
        byDepartment: [
          { key: 'Oficialia Mayor', count: 2 },
          { key: 'Delegaciones', count: 1 },
          { key: 'Sindicatura', count: 1 },
          { key: 'Tesoreria Municipal', count: 1 },
        ],
        byRegime: [
          { key: 'BASE', count: 2 },
          { key: 'CONFIANZA', count: 1 },
          { key: 'EVENTUAL', count: 1 },
          { key: 'HONORARIOS', count: 1 },
        ],
        byMonth: [
          { key: '2017-05', count: 1 },
          { key: '2018-02', count: 1 },
          { key: '2018-09', count: 2 },
          { key: '2018-10', count: 1 },
          { key: '2018-11', count: 1 },
          { key: '2019-03', count: 1 },
        ],
      });
      // Before the revocation took effect, s2 still counts.
      expect(await readModel.certificationStats({}, at('2018-12-01T00:00:00.000Z'))).toMatchObject({
        certifiedServants: 5,
        validCertificates: 6,
        inProgress: 1,
        byStandard: [
          { key: 'EC0105', count: 4 },
          { key: 'EC0217', count: 2 },
        ],
      });
    });

    it('scopes figures to a state or a municipality (with or without its state)', async () => {
      const { log } = await history();
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());
      const when = at('2019-06-01T00:00:00.000Z');

      expect(await readModel.certificationStats({ state: bc }, when)).toMatchObject({
        certifiedServants: 4,
        validCertificates: 5,
        inProgress: 2,
        byStandard: [
          { key: 'EC0105', count: 4 },
          { key: 'EC0217', count: 1 },
        ],
      });
      const tijuana = {
        certifiedServants: 2,
        validCertificates: 3,
        inProgress: 2,
        byStandard: [
          { key: 'EC0105', count: 2 },
          { key: 'EC0217', count: 1 },
        ],
        byDepartment: [
          { key: 'Delegaciones', count: 1 },
          { key: 'Oficialia Mayor', count: 1 },
        ],
        byRegime: [
          { key: 'BASE', count: 1 },
          { key: 'CONFIANZA', count: 1 },
        ],
        byMonth: [
          { key: '2018-09', count: 2 },
          { key: '2018-10', count: 1 },
          { key: '2019-03', count: 1 },
        ],
      };
      expect(await readModel.certificationStats({ state: bc, municipality: 'Tijuana' }, when)).toEqual(tijuana);
      expect(await readModel.certificationStats({ municipality: 'Tijuana' }, when)).toEqual(tijuana);
      expect(await readModel.certificationStats({ state: 'Sonora', municipality: 'Tijuana' }, when)).toEqual({
        certifiedServants: 0,
        validCertificates: 0,
        inProgress: 0,
        byStandard: [],
        byDepartment: [],
        byRegime: [],
        byMonth: [],
      });
    });

    it('lets certificates expire: the 2018 five-year certificate counts in 2020, not in 2026', async () => {
      const { log } = await history();
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());

      const in2020 = await readModel.certificationStats({ state: bc, municipality: 'Tijuana' }, at('2020-06-01T00:00:00.000Z'));
      expect(in2020.byStandard).toContainEqual({ key: 'EC0105', count: 2 });
      const in2024 = await readModel.certificationStats({}, at('2024-01-01T00:00:00.000Z'));
      // s1 keeps the permanent EC0217 after EC0105 expired; expired certifications are in progress again.
      expect(in2024).toMatchObject({ certifiedServants: 3, validCertificates: 3, inProgress: 5 });
      const in2026 = await readModel.certificationStats({ state: bc, municipality: 'Tijuana' }, at('2026-06-01T00:00:00.000Z'));
      expect(in2026.byStandard).toEqual([{ key: 'EC0217', count: 1 }]);
      expect(await readModel.certifiedCountsByStandard(['EC0105', 'EC0217'], at('2026-06-01T00:00:00.000Z'))).toEqual([0, 2]);
    });

    it('reads a business date at day grain: the end of that UTC day', async () => {
      const { log } = await history();
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());
      // F-1 and F-3 were issued at 17:00 on 2018-09-18.
      expect((await readModel.certificationStats({}, at('2018-09-17T23:59:59.999Z'))).certifiedServants).toBe(2);
      expect((await readModel.certificationStats({}, at('2018-09-18T00:00:00.000Z'))).certifiedServants).toBe(4);
    });

    it('ranks municipalities by certified servants; equal counts share a rank, ties ordered by name', async () => {
      const { log } = await history();
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());
      const when = at('2019-06-01T00:00:00.000Z');

      expect(await readModel.ranking(bc, 10, when)).toEqual([
        { rank: 1, state: bc, municipality: 'Tijuana', certifiedServants: 2 },
        { rank: 2, state: bc, municipality: 'Ensenada', certifiedServants: 1 },
        { rank: 2, state: bc, municipality: 'Mexicali', certifiedServants: 1 },
      ]);
      expect((await readModel.ranking(null, 10, when)).map((r) => [r.rank, r.municipality])).toEqual([
        [1, 'Tijuana'],
        [2, 'Ensenada'],
        [2, 'Hermosillo'],
        [2, 'Mexicali'],
      ]);
      expect((await readModel.ranking(null, 2, when)).map((r) => r.municipality)).toEqual(['Tijuana', 'Ensenada']);
      // By 2026 only the permanent certificates remain: Tijuana (s1) and Hermosillo (h1).
      expect((await readModel.ranking(null, 10, at('2026-01-01T00:00:00.000Z'))).map((r) => [r.rank, r.municipality])).toEqual([
        [1, 'Hermosillo'],
        [1, 'Tijuana'],
      ]);
      await expect(readModel.ranking(null, -1, when)).rejects.toMatchObject({ code: 'BAD_USER_INPUT' });
    });
  },
);
