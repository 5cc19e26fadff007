import type { EvaluatorView } from '../read-model.js';
import { type AnyDb, toNumber } from '../sql-support.js';
import { EVALUATORS_TABLE } from './tables.js';

export async function listEvaluators(db: AnyDb): Promise<EvaluatorView[]> {
  const rows = await db.selectFrom(EVALUATORS_TABLE).selectAll().orderBy('full_name').orderBy('id').execute();
  return rows.map((row) => ({
    id: row.id,
    fullName: row.full_name,
    certificationBody: row.certification_body,
    ec0076Folio: row.ec0076_folio,
    standardCodes: JSON.parse(row.standard_codes) as string[],
    validUntil: row.valid_until,
    verdictsRecorded: toNumber(row.verdicts_recorded),
  }));
}
