import { certificationStreamId } from '../../domain/certifications/events.js';
import { certificationStage } from '../../domain/certifications/stage.js';
import type { CertificationView } from '../read-model.js';
import { type AnyDb, toNumber } from '../sql-support.js';
import { certificationState } from './projection.js';
import { CERTIFICATIONS_TABLE, type CertificationRow } from './tables.js';

const toView = (row: CertificationRow, at: Date): CertificationView => ({
  id: row.id,
  servantId: row.servant_id,
  standardCode: row.standard_code,
  stage: certificationStage(certificationState(row), at),
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
  db: AnyDb,
  servantIds: readonly string[],
  at: Date,
): Promise<CertificationView[][]> {
  if (servantIds.length === 0) return [];
  const rows = (await db
    .selectFrom(CERTIFICATIONS_TABLE)
    .selectAll()
    .where('servant_id', 'in', [...new Set(servantIds)])
    .orderBy('servant_id')
    .orderBy('standard_code')
    .execute()) as CertificationRow[];
  const byServant = new Map<string, CertificationView[]>();
  for (const row of rows) {
    const list = byServant.get(row.servant_id) ?? [];
    list.push(toView(row, at));
    byServant.set(row.servant_id, list);
  }
  return servantIds.map((id) => byServant.get(id) ?? []);
}

export async function certificationOf(
  db: AnyDb,
  servantId: string,
  standardCode: string,
  at: Date,
): Promise<CertificationView | null> {
  const row = (await db
    .selectFrom(CERTIFICATIONS_TABLE)
    .selectAll()
    .where('id', '=', certificationStreamId(servantId, standardCode))
    .executeTakeFirst()) as CertificationRow | undefined;
  return row ? toView(row, at) : null;
}
