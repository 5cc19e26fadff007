import { expect, it } from 'vitest';
import { createAllProjections } from '../../src/projections/all.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import type { ServantPage } from '../../src/projections/read-model.js';
import { SERVANTS_TABLE } from '../../src/projections/servants/tables.js';
import { EventLog, holderOf, make, servantRegistered, type ServantFacts } from '../support/event-factory.js';
import { createTestVault } from '../support/test-vault.js';
import { emptyTables, forEachDialect, project, readModelOf } from './dialects.js';

const vault = createTestVault();
const place = { state: 'Baja California', municipality: 'Tijuana' };
const angeles: ServantFacts = {
  servantId: 's1',
  curp: 'OIAA800101MBCRNN01',
  fullName: 'María de los Ángeles Ortiz',
  ...place,
  department: 'Oficialia Mayor',
  regime: 'BASE',
  unionized: true,
};
const jose: ServantFacts = {
  servantId: 's2',
  curp: 'NUJJ800101HBCRNN02',
  fullName: 'José NUÑEZ Ruiz',
  ...place,
  department: 'Tesoreria Municipal',
  regime: 'CONFIANZA',
  unionized: false,
};
const luz: ServantFacts = {
  servantId: 's3',
  curp: 'LUZM800101MBCRNN03',
  fullName: 'Luz_Maria Peña',
  state: 'Baja California',
  municipality: 'Mexicali',
  department: 'Sindicatura',
  regime: 'BASE',
};
const REGISTERED = '2017-03-01T16:00:00.000Z';

async function registerAll(log: EventLog, servants: ServantFacts[]): Promise<void> {
  for (const servant of servants) log.record(await servantRegistered(vault, servant), REGISTERED);
}

forEachDialect(
  () => createAllProjections({ dialect: 'sqlite', vault }),
  ({ fixture, projections }) => {
    it('opens the personal data through the vault and follows employment changes', async () => {
      const log = new EventLog();
      await registerAll(log, [angeles]);
      log.record(
        { type: 'EmploymentChanged', data: { servantId: 's1', department: 'Sindicatura', position: 'Jefa de area' } },
        '2018-01-01T00:00:00.000Z',
      );
      log.record({ type: 'EmploymentChanged', data: { servantId: 's1', regime: 'CONFIANZA', unionized: false } }, '2018-02-01T00:00:00.000Z');
      log.record({ type: 'ServantSeparated', data: { servantId: 's1', reason: 'Resigned' } }, '2018-03-01T00:00:00.000Z');
      await project(fixture().db, projections, log.events, 2);
      const readModel = readModelOf(fixture());

      const expected = {
        id: 's1',
        curp: angeles.curp,
        fullName: angeles.fullName,
        ...place,
        department: 'Sindicatura',
        position: 'Jefa de area',
        regime: 'CONFIANZA',
        unionized: false,
        active: false,
        personalDataErased: false,
        registeredAt: REGISTERED,
        version: 4,
      };
      expect(await readModel.servantsByIds(['nobody', 's1'])).toEqual([null, expected]);
      expect(await readModel.servantByCurpDigest(vault.curpDigest(angeles.curp))).toEqual(expected);
    });

    it('erasure blanks name and CURP in place, and a rebuild after it never sees them again', async () => {
      const log = new EventLog();
      await registerAll(log, [angeles, jose]);
      await project(fixture().db, projections, log.events);
      await vault.erase('s1');
      const erasedAt = log.record({ type: 'PersonalDataErased', data: { servantId: 's1', reason: 'ARCO 12/2024' } }, '2024-01-01T00:00:00.000Z');
      await project(fixture().db, projections, [erasedAt]);

      const check = async () => {
        const readModel = readModelOf(fixture());
        const [erased] = await readModel.servantsByIds(['s1']);
        expect(erased).toMatchObject({ fullName: '[erased]', curp: null, personalDataErased: true, version: 2 });
        expect(await readModel.servantByCurpDigest(vault.curpDigest(angeles.curp))).toBeNull();
        expect((await readModel.servants({ nameContains: 'angeles' }, { size: 10 })).totalCount).toBe(0);
        const raw = JSON.stringify(await fixture().db.selectFrom(SERVANTS_TABLE).selectAll().execute());
        expect(raw).not.toContain('Ortiz');
        expect(raw).not.toContain(angeles.curp);
        expect(raw).not.toContain(vault.curpDigest(angeles.curp));
        expect(raw).toContain('NUÑEZ');
      };
      await check();
      await emptyTables(fixture().db, projections);
      await project(fixture().db, projections, log.events);
      await check();
    });

    it('finds names ignoring accents and case, and treats % and _ literally', async () => {
      const log = new EventLog();
      await registerAll(log, [angeles, jose, luz]);
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());
      const names = async (nameContains: string) =>
        (await readModel.servants({ nameContains }, { size: 10 })).items.map(({ servant }) => servant.id);

      expect(await names('angeles')).toEqual(['s1']);
      expect(await names('ÁNGELES')).toEqual(['s1']);
      expect(await names('nunez')).toEqual(['s2']);
      expect(await names('pena')).toEqual(['s3']);
      expect(await names('z_m')).toEqual(['s3']);
      // Unescaped, '_' and '%' would match any character(s): 'a l' in 'maria de los' / 'ana...z'.
      expect(await names('a_l')).toEqual([]);
      expect(await names('m%z')).toEqual([]);
      expect(await names('   ')).toEqual(['s1', 's2', 's3']);
    });

    it('filters by place, employment, standard and holding a VALID certificate now', async () => {
      const log = new EventLog();
      await registerAll(log, [angeles, jose, luz]);
      const ec = (servantId: string) => ({ servantId, standardCode: 'EC0105' });
      log.record(make.enrolled(ec('s1'), '2018-05-01T00:00:00.000Z'));
      log.record(make.verdict(ec('s1'), '2018-08-01T00:00:00.000Z'));
      log.record(make.issued(ec('s1'), 'F-1', '2018-09-18T17:00:00.000Z', '2099-09-18T17:00:00.000Z', holderOf(angeles)));
      log.record(make.enrolled(ec('s2'), '2018-05-01T00:00:00.000Z'));
      log.record(make.verdict(ec('s3'), '2018-08-01T00:00:00.000Z'));
      log.record(make.issued(ec('s3'), 'F-3', '2018-09-18T17:00:00.000Z', '2023-09-18T17:00:00.000Z', holderOf(luz)));
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture(), () => new Date('2025-01-01T00:00:00.000Z'));
      const ids = async (filter: Parameters<typeof readModel.servants>[0]) =>
        (await readModel.servants(filter, { size: 10 })).items.map(({ servant }) => servant.id);

      expect(await ids({ municipality: 'Tijuana' })).toEqual(['s1', 's2']);
      expect(await ids({ state: 'Baja California', department: 'Sindicatura' })).toEqual(['s3']);
      expect(await ids({ regime: 'BASE', unionized: true })).toEqual(['s1']);
      expect(await ids({ unionized: false })).toEqual(['s2', 's3']);
      expect(await ids({ standardCode: 'EC0105' })).toEqual(['s1', 's2', 's3']);
      expect(await ids({ standardCode: 'EC0217' })).toEqual([]);
      // s3's certificate expired in 2023.
      expect(await ids({ certified: true })).toEqual(['s1']);
      expect(await ids({ certified: false })).toEqual(['s2', 's3']);
      expect(await ids({ certified: false, municipality: 'Tijuana', nameContains: 'jose' })).toEqual(['s2']);
    });

    it('pages in registration order by position, forwards and from the newest end, with the total count', async () => {
      const log = new EventLog();
      const five = Array.from({ length: 5 }, (_, i) => ({ ...jose, servantId: `p${i}`, curp: `NUJJ80010${i}HBCRNN02` }));
      await registerAll(log, five);
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());
      const ids = (page: ServantPage) => page.items.map(({ servant }) => servant.id);

      const forwards: string[] = [];
      let after: bigint | null = null;
      let pages = 0;
      for (;;) {
        const page: ServantPage = await readModel.servants({}, { size: 2, after });
        expect(page.totalCount).toBe(5);
        expect(page.hasPreviousPage).toBe(after !== null);
        forwards.push(...ids(page));
        pages++;
        if (!page.hasNextPage) break;
        after = page.items.at(-1)!.position;
      }
      expect(forwards).toEqual(['p0', 'p1', 'p2', 'p3', 'p4']);
      expect(pages).toBe(3);

      const newest = await readModel.servants({}, { size: 2, fromEnd: true });
      expect(ids(newest)).toEqual(['p3', 'p4']);
      expect(newest).toMatchObject({ hasPreviousPage: true, hasNextPage: false, totalCount: 5 });
      const back = await readModel.servants({}, { size: 2, before: newest.items[0].position, fromEnd: true });
      expect(ids(back)).toEqual(['p1', 'p2']);
      expect(back).toMatchObject({ hasPreviousPage: true, hasNextPage: true });
      const between = await readModel.servants({}, { size: 5, after: newest.items[0].position, before: newest.items[1].position });
      expect(ids(between)).toEqual([]);

      const empty = await readModel.servants({ municipality: 'Ensenada' }, { size: 2 });
      expect(empty).toEqual({ items: [], hasNextPage: false, hasPreviousPage: false, totalCount: 0 });
    });

    it('says nothing lies beyond a cursor whose servant no longer matches and has no matching neighbour', async () => {
      const log = new EventLog();
      await registerAll(log, [angeles, jose]);
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());
      const [first] = (await readModel.servants({ department: 'Oficialia Mayor' }, { size: 1 })).items;
      const moved = log.record({ type: 'EmploymentChanged', data: { servantId: 's1', department: 'Sindicatura' } }, '2018-01-01T00:00:00.000Z');
      await project(fixture().db, projections, [moved]);
      const page = await readModel.servants({ department: 'Oficialia Mayor' }, { size: 1, after: first.position });
      expect(page).toMatchObject({ items: [], hasPreviousPage: false, hasNextPage: false });
    });

    it('refuses a page size out of range as a programming error', async () => {
      const readModel = readModelOf(fixture());
      await expect(readModel.servants({}, { size: -1 })).rejects.toBeInstanceOf(RangeError);
      await expect(readModel.servants({}, { size: 501 })).rejects.toBeInstanceOf(RangeError);
    });

    it('replaying a batch it already applied changes nothing', async () => {
      const log = new EventLog();
      await registerAll(log, [angeles]);
      log.record({ type: 'EmploymentChanged', data: { servantId: 's1', department: 'Sindicatura' } }, '2018-01-01T00:00:00.000Z');
      const batch: RecordedEvent[] = log.events;
      await project(fixture().db, projections, batch);
      const once = await fixture().db.selectFrom(SERVANTS_TABLE).selectAll().execute();
      await project(fixture().db, projections, batch.slice(0, 1));
      await project(fixture().db, projections, batch);
      expect(await fixture().db.selectFrom(SERVANTS_TABLE).selectAll().execute()).toEqual(once);
    });
  },
);
