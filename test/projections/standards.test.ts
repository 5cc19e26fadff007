import { expect, it } from 'vitest';
import { createAllProjections } from '../../src/projections/all.js';
import { EventLog, holderOf, make, servantRegistered, type ServantFacts } from '../support/event-factory.js';
import { createTestVault } from '../support/test-vault.js';
import { forEachDialect, project, readModelOf } from './dialects.js';

const vault = createTestVault();
const ana: ServantFacts = {
  servantId: 'a1',
  curp: 'AAAA000101MBCRNN01',
  fullName: 'Ana',
  state: 'Baja California',
  municipality: 'Tijuana',
  department: 'Tesoreria Municipal',
};
const beto: ServantFacts = { ...ana, servantId: 'b2', curp: 'BBBB000101HBCRNN02', fullName: 'Beto' };

forEachDialect(
  () => createAllProjections({ dialect: 'sqlite', vault }),
  ({ fixture, projections }) => {
    it('lists the catalogue in code order and answers codes in the order asked', async () => {
      const log = new EventLog();
      log.record(make.standardPublished('EC0217', null, 'Imparticion de cursos'), '2016-01-01T00:00:00.000Z');
      log.record(make.standardPublished('EC0105', 5, 'Atencion al ciudadano'), '2016-01-01T00:00:00.000Z');
      log.record({ type: 'StandardWithdrawn', data: { code: 'EC0217', reason: 'Replaced' } }, '2017-01-01T00:00:00.000Z');
      await project(fixture().db, projections, log.events, 1);
      const readModel = readModelOf(fixture());

      expect(await readModel.standards()).toEqual([
        { code: 'EC0105', title: 'Atencion al ciudadano', level: 2, sector: null, validityYears: 5, status: 'ACTIVE' },
        { code: 'EC0217', title: 'Imparticion de cursos', level: 2, sector: null, validityYears: null, status: 'WITHDRAWN' },
      ]);
      const [unknown, ec0105] = await readModel.standardsByCodes(['EC9999', 'EC0105']);
      expect(unknown).toBeNull();
      expect(ec0105?.code).toBe('EC0105');
    });

    it('counts distinct servants holding a VALID certificate per standard at the asked time', async () => {
      const log = new EventLog();
      log.record(make.standardPublished('EC0105', 5), '2016-01-01T00:00:00.000Z');
      for (const servant of [ana, beto]) log.record(await servantRegistered(vault, servant), '2017-01-01T00:00:00.000Z');
      const anaEc = { servantId: ana.servantId, standardCode: 'EC0105' };
      const betoEc = { servantId: beto.servantId, standardCode: 'EC0105' };
      log.record(make.verdict(anaEc, '2018-09-01T17:00:00.000Z'));
      log.record(make.issued(anaEc, 'F-1', '2018-09-18T17:00:00.000Z', '2023-09-18T17:00:00.000Z', holderOf(ana)));
      log.record(make.verdict(betoEc, '2018-09-01T17:00:00.000Z'));
      log.record(make.issued(betoEc, 'F-2', '2018-09-18T17:00:00.000Z', '2023-09-18T17:00:00.000Z', holderOf(beto)));
      log.record(make.revoked(betoEc, 'F-2', '2019-06-01T00:00:00.000Z'));
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());

      const counts = (at: string) => readModel.certifiedCountsByStandard(['EC0105', 'EC0076'], new Date(at));
      expect(await counts('2018-09-17T12:00:00.000Z')).toEqual([0, 0]);
      expect(await counts('2019-01-01T00:00:00.000Z')).toEqual([2, 0]);
      expect(await counts('2020-01-01T00:00:00.000Z')).toEqual([1, 0]);
      expect(await counts('2026-01-01T00:00:00.000Z')).toEqual([0, 0]);
    });
  },
);
