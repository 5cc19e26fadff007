import { certificateStatus } from '../../domain/certifications/stage.js';
import type { CertificateView } from '../read-model.js';
import type { AnyDb } from '../sql-support.js';
import { CERTIFICATES_TABLE, type CertificateRow } from './tables.js';

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
});

/** One query for any number of folios, answered in the order asked (null: unknown folio). */
export async function certificatesByFolios(
  db: AnyDb,
  folios: readonly string[],
  at: Date,
): Promise<(CertificateView | null)[]> {
  if (folios.length === 0) return [];
  const rows = (await db
    .selectFrom(CERTIFICATES_TABLE)
    .selectAll()
    .where('folio', 'in', [...new Set(folios)])
    .execute()) as CertificateRow[];
  const byFolio = new Map(rows.map((row) => [row.folio, toView(row, at)]));
  return folios.map((folio) => byFolio.get(folio) ?? null);
}
