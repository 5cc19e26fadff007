/**
 * A read model made before reprints existed: its rm_certificates table lacks
 * printed_folio and reissues. Migrating adds them (null, 0) and keeps the rows,
 * on both dialects, and migrating again changes nothing.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { CERTIFICATES_TABLE, migrateCertificates } from '../../src/projections/certificates/tables.js';
import { columnNames } from '../../src/projections/sql-support.js';
import { DIALECTS, openReadFixture } from './dialects.js';

describe.each(DIALECTS)('rm_certificates from before reprints (%s)', (dialect) => {
  it('gains printed_folio and reissues, rows kept', async () => {
    const fixture = await openReadFixture(dialect);
    if (!fixture) return;
    try {
      const { db } = fixture;
      await sql`create table ${sql.table(CERTIFICATES_TABLE)} (folio text primary key, certification_id text not null, servant_id text not null,
        standard_code text not null, state text not null, municipality text not null, department text not null, regime text not null,
        unionized integer not null, issued_at text not null, valid_until text, delivered_at text, ceremony text, revoked_at text, revocation_reason text)`.execute(db);
      await sql`insert into ${sql.table(CERTIFICATES_TABLE)} values ('F-1', 'c', 's', 'EC0105', 'Baja California', 'Tijuana', 'D', 'BASE', 1, '2018-07-12T00:00:00.000Z', null, null, null, null, null)`.execute(db);
      await migrateCertificates(db, dialect);
      await migrateCertificates(db, dialect);
      expect([...(await columnNames(db, dialect, CERTIFICATES_TABLE))]).toEqual(expect.arrayContaining(['printed_folio', 'reissues']));
      const rows = await db.selectFrom(CERTIFICATES_TABLE).select(['folio', 'printed_folio', 'reissues']).execute();
      expect(rows.map((row) => ({ ...row, reissues: Number(row.reissues) }))).toEqual([{ folio: 'F-1', printed_folio: null, reissues: 0 }]);
    } finally {
      await fixture.close();
    }
  });
});
