import type { StandardView } from '../read-model.js';
import type { ReadDatabase } from '../projection.js';
import { toNumber } from '../sql-support.js';
import { selectByKeys } from '../select-by-keys.js';
import { STANDARDS_TABLE, type StandardRow } from './tables.js';

const toView = (row: StandardRow): StandardView => ({
  code: row.code,
  title: row.title,
  level: toNumber(row.level),
  sector: row.sector,
  validityYears: row.validity_years === null ? null : toNumber(row.validity_years),
  status: row.status,
});

export async function listStandards(db: ReadDatabase): Promise<StandardView[]> {
  const rows = await db.selectFrom(STANDARDS_TABLE).selectAll().orderBy('code').execute();
  return rows.map(toView);
}

export async function standardsByCodes(db: ReadDatabase, codes: readonly string[]): Promise<(StandardView | null)[]> {
  if (codes.length === 0) return [];
  const rows = await selectByKeys(db, 'standardsByCodes', [...new Set(codes)], (keys) =>
    db.selectFrom(STANDARDS_TABLE).selectAll().where('code', 'in', keys),
  );
  const byCode = new Map(rows.map((row) => [row.code, toView(row)]));
  return codes.map((code) => byCode.get(code) ?? null);
}
