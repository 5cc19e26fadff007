import { CompiledQuery, sql } from 'kysely';
import { expect, it } from 'vitest';
import { createAllProjections } from '../../src/projections/all.js';
import { certificationsOfServants } from '../../src/projections/certifications/queries.js';
import { CERTIFICATIONS_TABLE } from '../../src/projections/certifications/tables.js';
import { CERTIFICATES_TABLE } from '../../src/projections/certificates/tables.js';
import { EventLog, holderOf, make, type ServantFacts } from '../support/event-factory.js';
import { createTestVault } from '../support/test-vault.js';
import { forEachDialect, project, readModelOf } from './dialects.js';

const vault = createTestVault();
const ana: ServantFacts = {
  servantId: 'a1',
  curp: 'AAAA000101MBCRNN01',
  fullName: 'Ana',
  state: 'Baja California',
  municipality: 'Tijuana',
  department: 'Delegaciones',
  regime: 'BASE',
  unionized: true,
};
const ec0105 = { servantId: 'a1', standardCode: 'EC0105' };
const ec0217 = { servantId: 'a1', standardCode: 'EC0217' };
const ISSUED = '2018-09-18T17:00:00.000Z';
const VALID_UNTIL = '2023-09-18T17:00:00.000Z';
const at = (iso: string) => new Date(iso);

forEachDialect(
  () => createAllProjections({ dialect: 'sqlite', vault }),
  ({ fixture, projections }) => {
    it("reads a page's certifications from the servant index alone, never the rows and their state (SQLite)", async (context) => {
      if (fixture().dialect !== 'sqlite') return context.skip();
      const { sql: text, parameters } = certificationsOfServants(fixture().db, ['a1', 'a2', 'a3']).compile();
      const plan = await fixture().db.executeQuery<{ detail: string }>(CompiledQuery.raw(`explain query plan ${text}`, [...parameters]));
      expect(plan.rows.map((row) => row.detail)).toEqual(['SEARCH rm_certifications USING COVERING INDEX rm_certifications_servant (servant_id=?)']);
    });

    it('follows the stages of one stream: training, a retake, the certificate', async () => {
      const log = new EventLog();
      const readModel = readModelOf(fixture());
      const stage = async () => (await readModel.certification('a1', 'EC0105', at('2019-01-01T00:00:00.000Z')))?.stage;

      log.record(make.enrolled(ec0105, '2018-05-01T15:00:00.000Z', 'UTT aula virtual'));
      await project(fixture().db, projections, log.since(0n));
      expect(await stage()).toBe('IN_TRAINING');
      log.record(make.completed(ec0105, '2018-06-01T15:00:00.000Z', 40));
      await project(fixture().db, projections, log.since(1n));
      expect(await stage()).toBe('TRAINED');
      log.record(make.verdict(ec0105, '2018-07-01T15:00:00.000Z', 'NOT_YET_COMPETENT', 1));
      await project(fixture().db, projections, log.since(2n));
      expect(await stage()).toBe('NOT_YET_COMPETENT');
      log.record(make.verdict(ec0105, '2018-08-01T15:00:00.000Z', 'COMPETENT', 2));
      await project(fixture().db, projections, log.since(3n));
      expect(await stage()).toBe('COMPETENT');
      log.record(make.issued(ec0105, 'F-1', ISSUED, VALID_UNTIL, holderOf(ana)));
      await project(fixture().db, projections, log.since(4n));

      expect(await readModel.certification('a1', 'EC0105', at('2019-01-01T00:00:00.000Z'))).toEqual({
        id: 'certification-a1-EC0105',
        servantId: 'a1',
        standardCode: 'EC0105',
        stage: 'CERTIFIED',
        trainingProvider: 'UTT aula virtual',
        modality: 'PRESENTIAL',
        trainingHours: 40,
        attempts: 2,
        lastVerdict: 'COMPETENT',
        folio: 'F-1',
        version: 5,
        updatedAt: ISSUED,
      });
      expect(await readModel.certification('a1', 'EC0217', at('2019-01-01T00:00:00.000Z'))).toBeNull();
    });

    it('reads stage and status at the asked business time: a 5-year certificate of 2018 is VALID in 2020 and EXPIRED in 2026', async () => {
      const log = new EventLog();
      log.record(make.verdict(ec0105, '2018-08-01T15:00:00.000Z'));
      log.record(make.issued(ec0105, 'F-1', ISSUED, VALID_UNTIL, holderOf(ana)));
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());

      const [in2020] = await readModel.certificatesByFolios(['F-1'], at('2020-06-01T00:00:00.000Z'));
      const [in2026] = await readModel.certificatesByFolios(['F-1'], at('2026-06-01T00:00:00.000Z'));
      expect(in2020?.status).toBe('VALID');
      expect(in2026?.status).toBe('EXPIRED');
      // Valid through the instant of validUntil.
      expect((await readModel.certificatesByFolios(['F-1'], at(VALID_UNTIL)))[0]?.status).toBe('VALID');
      expect((await readModel.certification('a1', 'EC0105', at('2020-06-01T00:00:00.000Z')))?.stage).toBe('CERTIFIED');
      expect((await readModel.certification('a1', 'EC0105', at('2026-06-01T00:00:00.000Z')))?.stage).toBe('EXPIRED');
    });

    it('keeps delivery, ceremony, holder place and a revocation that applies from its own business time', async () => {
      const log = new EventLog();
      log.record(make.verdict(ec0105, '2018-08-01T15:00:00.000Z'));
      log.record(make.issued(ec0105, 'F-1', ISSUED, null, holderOf(ana)));
      log.record(make.delivered(ec0105, 'F-1', '2018-09-18T18:00:00.000Z', 'Entrega Tijuana 2018'));
      log.record(make.revoked(ec0105, 'F-1', '2019-03-01T00:00:00.000Z', 'Evidence was copied'));
      await project(fixture().db, projections, log.events, 1);
      const readModel = readModelOf(fixture());

      const [unknown, before] = await readModel.certificatesByFolios(['F-404', 'F-1'], at('2019-01-01T00:00:00.000Z'));
      expect(unknown).toBeNull();
      expect(before).toEqual({
        folio: 'F-1',
        servantId: 'a1',
        standardCode: 'EC0105',
        status: 'VALID',
        municipality: 'Tijuana',
        state: 'Baja California',
        issuedAt: ISSUED,
        validUntil: null,
        deliveredAt: '2018-09-18T18:00:00.000Z',
        ceremony: 'Entrega Tijuana 2018',
        revokedAt: '2019-03-01T00:00:00.000Z',
        revocationReason: 'Evidence was copied',
        printedFolio: null,
        reissues: 0,
      });
      const [after] = await readModel.certificatesByFolios(['F-1'], at('2019-03-01T00:00:00.000Z'));
      expect(after?.status).toBe('REVOKED');
      expect((await readModel.certification('a1', 'EC0105', at('2020-01-01T00:00:00.000Z')))?.stage).toBe('REVOKED');
    });

    it('a renewal after expiry starts over in the same stream and points at the new folio', async () => {
      const log = new EventLog();
      log.record(make.verdict(ec0105, '2018-08-01T15:00:00.000Z'));
      log.record(make.issued(ec0105, 'F-1', ISSUED, VALID_UNTIL, holderOf(ana)));
      log.record(make.enrolled(ec0105, '2024-01-10T15:00:00.000Z'));
      await project(fixture().db, projections, log.since(0n));
      const readModel = readModelOf(fixture());
      expect((await readModel.certification('a1', 'EC0105', at('2024-02-01T00:00:00.000Z')))?.stage).toBe('IN_TRAINING');

      log.record(make.verdict(ec0105, '2024-03-01T15:00:00.000Z', 'COMPETENT', 2));
      log.record(make.issued(ec0105, 'F-2', '2024-03-02T15:00:00.000Z', '2029-03-02T15:00:00.000Z', holderOf(ana)));
      await project(fixture().db, projections, log.since(3n));
      const renewed = await readModel.certification('a1', 'EC0105', at('2025-01-01T00:00:00.000Z'));
      expect(renewed).toMatchObject({ stage: 'CERTIFIED', folio: 'F-2', attempts: 2, version: 5 });
      const statuses = await readModel.certificatesByFolios(['F-1', 'F-2'], at('2025-01-01T00:00:00.000Z'));
      expect(statuses.map((c) => c?.status)).toEqual(['EXPIRED', 'VALID']);
    });

    it('answers a page of servants with their certifications, in the order asked', async () => {
      const log = new EventLog();
      log.record(make.enrolled(ec0217, '2018-05-01T15:00:00.000Z'));
      log.record(make.enrolled(ec0105, '2018-05-02T15:00:00.000Z'));
      log.record(make.enrolled({ servantId: 'b2', standardCode: 'EC0105' }, '2018-05-03T15:00:00.000Z'));
      await project(fixture().db, projections, log.events);
      const readModel = readModelOf(fixture());

      const lists = await readModel.certificationsByServantIds(['b2', 'nobody', 'a1'], at('2018-06-01T00:00:00.000Z'));
      expect(lists.map((list) => list.map((c) => c.id))).toEqual([
        ['certification-b2-EC0105'],
        [],
        ['certification-a1-EC0105', 'certification-a1-EC0217'],
      ]);
      expect(await readModel.certificationsByServantIds([], at('2018-06-01T00:00:00.000Z'))).toEqual([]);
    });

    it('replaying events already applied leaves certifications and certificates as they were', async () => {
      const log = new EventLog();
      log.record(make.enrolled(ec0105, '2018-05-01T15:00:00.000Z'));
      log.record(make.verdict(ec0105, '2018-08-01T15:00:00.000Z'));
      log.record(make.issued(ec0105, 'F-1', ISSUED, VALID_UNTIL, holderOf(ana)));
      log.record(make.revoked(ec0105, 'F-1', '2019-03-01T00:00:00.000Z'));
      await project(fixture().db, projections, log.events);
      const snapshot = async () => ({
        certifications: await fixture().db.selectFrom(CERTIFICATIONS_TABLE).selectAll().execute(),
        certificates: await fixture().db.selectFrom(CERTIFICATES_TABLE).selectAll().execute(),
      });
      const once = await snapshot();
      await project(fixture().db, projections, log.events.slice(1, 3));
      expect(await snapshot()).toEqual(once);
    });

    it('a read model projected before the stage columns existed gets them filled from its state when migrated', async () => {
      const log = new EventLog();
      const ec0435 = { servantId: 'a1', standardCode: 'EC0435' };
      const ec0076 = { servantId: 'a1', standardCode: 'EC0076' };
      log.record(make.enrolled(ec0105, '2018-05-01T15:00:00.000Z'));
      log.record(make.verdict(ec0105, '2018-08-01T15:00:00.000Z'));
      log.record(make.issued(ec0105, 'F-1', ISSUED, VALID_UNTIL, holderOf(ana)));
      log.record(make.revoked(ec0105, 'F-1', '2019-03-01T00:00:00.000Z'));
      log.record(make.enrolled(ec0217, '2018-05-01T15:00:00.000Z'));
      log.record(make.verdict(ec0435, '2018-08-01T15:00:00.000Z'));
      log.record(make.verdict(ec0076, '2018-08-01T15:00:00.000Z'));
      log.record(make.issued(ec0076, 'F-2', ISSUED, VALID_UNTIL, holderOf(ana)));
      const { db, dialect } = fixture();
      await project(db, projections, log.events);
      const readModel = readModelOf(fixture());
      const views = () => Promise.all(['2019-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z', '2026-01-01T00:00:00.000Z'].map((t) => readModel.certificationsByServantIds(['a1'], at(t))));
      const before = await views();
      expect(before.map(([list]) => list.map((c) => c.stage))).toEqual([
        ['CERTIFIED', 'CERTIFIED', 'IN_TRAINING', 'COMPETENT'],
        ['CERTIFIED', 'REVOKED', 'IN_TRAINING', 'COMPETENT'],
        ['EXPIRED', 'REVOKED', 'IN_TRAINING', 'COMPETENT'],
      ]);

      // As the table was then: its servant index did not hold those columns yet.
      await sql`drop index rm_certifications_servant`.execute(db);
      await sql`create index rm_certifications_servant on ${sql.table(CERTIFICATIONS_TABLE)} (servant_id, standard_code)`.execute(db);
      for (const column of ['phase', 'competent_since_last_issue', 'valid_until', 'revoked_at']) {
        await sql`alter table ${sql.table(CERTIFICATIONS_TABLE)} drop column ${sql.ref(column)}`.execute(db);
      }
      const certifications = projections.find((p) => p.name === 'certifications')!;
      await certifications.migrate(db, dialect);
      expect(await views()).toEqual(before);
      await certifications.migrate(db, dialect);
      expect(await views()).toEqual(before);
    });
  },
);
