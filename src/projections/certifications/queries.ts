import { certificationStreamId } from '../../domain/certifications/events.js';
import { certificationStage } from '../../domain/certifications/stage.js';
import type { CertificationView } from '../read-model.js';
import type { ReadDatabase } from '../projection.js';
import { fromFlag, toNumber } from '../sql-support.js';
import { selectByKeys } from '../select-by-keys.js';
import { CERTIFICATIONS_TABLE, type CertificationRow, VIEW_COLUMNS } from './tables.js';

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

/** Exported for the query-plan test: the index alone answers it. */
export const certificationsOfServants = (db: ReadDatabase, servantIds: readonly string[]) =>
  db.selectFrom(CERTIFICATIONS_TABLE).select(VIEW_COLUMNS).where('servant_id', 'in', servantIds).orderBy('servant_id').orderBy('standard_code');

/** One query for a whole page of servants; each list is ordered by standard code. */
export async function certificationsByServantIds(
  db: ReadDatabase,
  servantIds: readonly string[],
  at: Date,
): Promise<CertificationView[][]> {
  if (servantIds.length === 0) return [];
  const rows = await selectByKeys(db, 'certificationsByServantIds', [...new Set(servantIds)], (ids) => certificationsOfServants(db, ids));
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
