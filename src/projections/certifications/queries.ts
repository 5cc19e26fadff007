import { certificationStreamId } from '../../domain/certifications/events.js';
import { certificationStage } from '../../domain/certifications/stage.js';
import { CERTIFICATES_TABLE, type CertificateRow } from '../certificates/tables.js';
import { certificateView } from '../certificates/queries.js';
import type { CertificateView, CertificationView, CertificationsWithCertificates } from '../read-model.js';
import type { ReadDatabase } from '../projection.js';
import { fromFlag, toNumber } from '../sql-support.js';
import { selectByKeys } from '../select-by-keys.js';
import { CERTIFICATIONS_TABLE, type CertificationRow } from './tables.js';

/** Every column but `state`: a view's stage comes from the stage columns. */
const VIEW_COLUMNS = [
  'id',
  'servant_id',
  'standard_code',
  'training_provider',
  'modality',
  'training_hours',
  'attempts',
  'last_verdict',
  'folio',
  'version',
  'updated_at',
  'phase',
  'competent_since_last_issue',
  'valid_until',
  'revoked_at',
] as const;
type ViewRow = Pick<CertificationRow, (typeof VIEW_COLUMNS)[number]>;

const toView = (row: ViewRow, at: Date): CertificationView => ({
  id: row.id,
  servantId: row.servant_id,
  standardCode: row.standard_code,
  stage: certificationStage(
    {
      phase: row.phase,
      competentSinceLastIssue: fromFlag(row.competent_since_last_issue),
      certificate: row.phase === 'CERTIFIED' ? { validUntil: row.valid_until, revokedAt: row.revoked_at } : null,
    },
    at,
  ),
  trainingProvider: row.training_provider,
  modality: row.modality,
  trainingHours: row.training_hours === null ? null : toNumber(row.training_hours),
  attempts: toNumber(row.attempts),
  lastVerdict: row.last_verdict,
  folio: row.folio,
  version: toNumber(row.version),
  updatedAt: row.updated_at,
});

/** One query for a whole page of servants; each list is ordered by standard code. */
export async function certificationsByServantIds(
  db: ReadDatabase,
  servantIds: readonly string[],
  at: Date,
): Promise<CertificationView[][]> {
  if (servantIds.length === 0) return [];
  const rows = await selectByKeys(db, 'certificationsByServantIds', [...new Set(servantIds)], (ids) =>
    db.selectFrom(CERTIFICATIONS_TABLE).select(VIEW_COLUMNS).where('servant_id', 'in', ids).orderBy('servant_id').orderBy('standard_code'),
  );
  const byServant = new Map<string, CertificationView[]>();
  for (const row of rows) {
    const list = byServant.get(row.servant_id) ?? [];
    list.push(toView(row, at));
    byServant.set(row.servant_id, list);
  }
  return servantIds.map((id) => byServant.get(id) ?? []);
}

/** Certificate columns as `c_<column>`: the joined row keeps both tables' same-named columns apart. */
const CERTIFICATE_COLUMNS = [
  'folio',
  'certification_id',
  'servant_id',
  'standard_code',
  'state',
  'municipality',
  'department',
  'regime',
  'unionized',
  'issued_at',
  'valid_until',
  'delivered_at',
  'ceremony',
  'revoked_at',
  'revocation_reason',
  'printed_folio',
  'reissues',
] as const satisfies readonly (keyof CertificateRow)[];
const CERTIFICATE_ALIASES = CERTIFICATE_COLUMNS.map((column) => `c.${column} as c_${column}` as const);

/**
 * certificationsByServantIds with each one's latest certificate joined on its
 * folio: a page showing both costs one statement instead of two.
 */
export async function certificationsWithCertificatesByServantIds(
  db: ReadDatabase,
  servantIds: readonly string[],
  at: Date,
): Promise<CertificationsWithCertificates> {
  if (servantIds.length === 0) return { certifications: [], certificates: [] };
  const rows = await selectByKeys(db, 'certificationsWithCertificatesByServantIds', [...new Set(servantIds)], (ids) =>
    db
      .selectFrom(`${CERTIFICATIONS_TABLE} as k`)
      .leftJoin(`${CERTIFICATES_TABLE} as c`, 'c.folio', 'k.folio')
      .select(VIEW_COLUMNS.map((column) => `k.${column}` as const))
      .select(CERTIFICATE_ALIASES)
      .where('k.servant_id', 'in', ids)
      .orderBy('k.servant_id')
      .orderBy('k.standard_code'),
  );
  const byServant = new Map<string, CertificationView[]>();
  const certificates: CertificateView[] = [];
  for (const row of rows) {
    const list = byServant.get(row.servant_id) ?? [];
    list.push(toView(row, at));
    byServant.set(row.servant_id, list);
    if (row.c_folio !== null) {
      const certificate = Object.fromEntries(CERTIFICATE_COLUMNS.map((column) => [column, row[`c_${column}`]])) as unknown as CertificateRow;
      certificates.push(certificateView(certificate, at));
    }
  }
  return { certifications: servantIds.map((id) => byServant.get(id) ?? []), certificates };
}

export async function certificationOf(
  db: ReadDatabase,
  servantId: string,
  standardCode: string,
  at: Date,
): Promise<CertificationView | null> {
  const row = await db
    .selectFrom(CERTIFICATIONS_TABLE)
    .select(VIEW_COLUMNS)
    .where('id', '=', certificationStreamId(servantId, standardCode))
    .executeTakeFirst();
  return row ? toView(row, at) : null;
}
