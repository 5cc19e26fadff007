import { certificateStatus } from '../../domain/certifications/stage.js';
import type { CertificateCheckView, CertificateView } from '../read-model.js';
import { SERVANTS_TABLE } from '../servants/tables.js';
import type { ReadDatabase } from '../projection.js';
import { fromFlag } from '../sql-support.js';
import { selectByKeys } from '../select-by-keys.js';
import { STANDARDS_TABLE } from '../standards/tables.js';
import { CERTIFICATES_TABLE, type CertificateRow, PRINTED_FOLIOS_TABLE } from './tables.js';

const toView = (row: CertificateRow, at: Date): CertificateView => ({
  folio: row.folio,
  servantId: row.servant_id,
  standardCode: row.standard_code,
  status: certificateStatus({ validUntil: row.valid_until, revokedAt: row.revoked_at }, at),
  municipality: row.municipality,
  state: row.state,
  issuedAt: row.issued_at,
  validUntil: row.valid_until,
  deliveredAt: row.delivered_at,
  ceremony: row.ceremony,
  revokedAt: row.revoked_at,
  revocationReason: row.revocation_reason,
  printedFolio: row.printed_folio,
  reissues: Number(row.reissues),
});

/** One query for any number of folios, answered in the order asked (null: unknown folio). */
export async function certificatesByFolios(
  db: ReadDatabase,
  folios: readonly string[],
  at: Date,
): Promise<(CertificateView | null)[]> {
  if (folios.length === 0) return [];
  const rows = await selectByKeys(db, 'certificatesByFolios', [...new Set(folios)], (keys) =>
    db.selectFrom(CERTIFICATES_TABLE).selectAll().where('folio', 'in', keys),
  );
  const byFolio = new Map(rows.map((row) => [row.folio, toView(row, at)]));
  return folios.map((folio) => byFolio.get(folio) ?? null);
}

/**
 * The certificate with its standard's title and holder's name, joined in one
 * query (a public, rate-limited hot path); a folio no certificate has is then
 * looked up among the printed folios.
 */
export async function certificateCheck(db: ReadDatabase, folio: string, at: Date): Promise<CertificateCheckView | null> {
  const check = await checkByFolio(db, folio, at);
  if (check) return check;
  const paper = await db.selectFrom(PRINTED_FOLIOS_TABLE).selectAll().where('printed_folio', '=', folio).executeTakeFirst();
  if (!paper) return null;
  const certificate = await checkByFolio(db, paper.folio, at);
  return certificate && { ...certificate, askedPrintedFolio: { printedFolio: paper.printed_folio, replaced: paper.replaced_at !== null } };
}

async function checkByFolio(db: ReadDatabase, folio: string, at: Date): Promise<CertificateCheckView | null> {
  const row = await db
    .selectFrom(`${CERTIFICATES_TABLE} as c`)
    .leftJoin(`${STANDARDS_TABLE} as st`, 'st.code', 'c.standard_code')
    .leftJoin(`${SERVANTS_TABLE} as s`, 's.id', 'c.servant_id')
    .selectAll('c')
    .select(['st.title as standard_title', 's.full_name as holder_name', 's.erased as holder_erased'])
    .where('c.folio', '=', folio)
    .executeTakeFirst();
  if (!row) return null;
  return {
    certificate: toView(row, at),
    standardTitle: row.standard_title,
    holderName: row.holder_name === null || fromFlag(row.holder_erased) ? null : row.holder_name,
    askedPrintedFolio: null,
  };
}

/**
 * The earliest validUntil at or after `at`: past that instant some VALID
 * certificate reads EXPIRED. Issuance and revocation cannot be dated in the
 * future, so expiry is the only way time alone changes a certificate's status.
 */
export async function nextValidityEnd(db: ReadDatabase, at: Date): Promise<Date | null> {
  const row = await db
    .selectFrom(CERTIFICATES_TABLE)
    .select((eb) => eb.fn.min('valid_until').as('next'))
    .where('valid_until', '>=', at.toISOString())
    .executeTakeFirst();
  return row?.next ? new Date(row.next) : null;
}
