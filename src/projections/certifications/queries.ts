import { certificationStreamId } from '../../domain/certifications/events.js';
import { certificationStage } from '../../domain/certifications/stage.js';
import type { CertificationView } from '../read-model.js';
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
