/**
 * Figures at a business time read day-grained changes: the value on day D is the
 * sum of a figure's changes on days up to D (UTC), i.e. what holds at the end of D.
 * Each query scans days x keys of one scope, never the certificates.
 */
import { BadUserInputError } from '../../domain/shared/errors.js';
import type { CertificationStatsView, Count, MunicipalityRankView } from '../read-model.js';
import type { ReadDatabase } from '../projection.js';
import { toNumber, utcDay } from '../sql-support.js';
import { METRICS } from './contributions.js';
import { STATS_DAILY_TABLE } from './tables.js';

export interface StatsScope {
  state?: string | null;
  municipality?: string | null;
}

/** Largest ranking served; more is BAD_USER_INPUT. */
export const MAX_RANKING = 1000;

const byCountThenKey = (a: Count, b: Count) => b.count - a.count || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0);

export async function certificationStats(db: ReadDatabase, scope: StatsScope, at: Date): Promise<CertificationStatsView> {
  let query = db
    .selectFrom(STATS_DAILY_TABLE)
    .select(['metric', 'key', (eb) => eb.fn.sum('delta').as('count')])
    .where('day', '<=', utcDay(at.toISOString()));
  // A municipality alone (no state) adds up every state's municipality of that name.
  if (scope.state != null) query = query.where('state', '=', scope.state);
  else if (scope.municipality == null) query = query.where('state', '=', '');
  query =
    scope.municipality != null
      ? query.where('municipality', '=', scope.municipality)
      : query.where('municipality', '=', '');
  const rows = await query.groupBy(['metric', 'key']).execute();

  const counts = new Map<string, Count[]>();
  for (const row of rows) {
    const count = toNumber(row.count);
    if (count === 0) continue;
    const list = counts.get(row.metric) ?? [];
    list.push({ key: row.key, count });
    counts.set(row.metric, list);
  }
  const total = (metric: string) => (counts.get(metric) ?? []).reduce((sum, c) => sum + c.count, 0);
  const breakdown = (metric: string) => (counts.get(metric) ?? []).sort(byCountThenKey);
  return {
    certifiedServants: total(METRICS.servants),
    validCertificates: total(METRICS.certificates),
    inProgress: total(METRICS.inProgress),
    byStandard: breakdown(METRICS.standard),
    byDepartment: breakdown(METRICS.department),
    byRegime: breakdown(METRICS.regime),
    byMonth: (counts.get(METRICS.month) ?? []).sort((a, b) => (a.key < b.key ? -1 : 1)),
  };
}

/** Distinct servants holding a VALID certificate in each standard at the end of `at`'s day. */
export async function certifiedCountsByStandard(db: ReadDatabase, codes: readonly string[], at: Date): Promise<number[]> {
  if (codes.length === 0) return [];
  const rows = await db
    .selectFrom(STATS_DAILY_TABLE)
    .select(['key', (eb) => eb.fn.sum('delta').as('count')])
    .where('metric', '=', METRICS.standard)
    .where('key', 'in', [...new Set(codes)])
    .where('state', '=', '')
    .where('municipality', '=', '')
    .where('day', '<=', utcDay(at.toISOString()))
    .groupBy('key')
    .execute();
  const byCode = new Map(rows.map((row) => [row.key, toNumber(row.count)]));
  return codes.map((code) => byCode.get(code) ?? 0);
}

/**
 * Municipalities with at least one certified servant at the end of `at`'s day,
 * most first, ties by municipality name (then state). Equal counts share a rank
 * and the next rank skips (1, 2, 2, 4): rank = 1 + municipalities with more.
 */
export async function ranking(db: ReadDatabase, state: string | null, first: number, at: Date): Promise<MunicipalityRankView[]> {
  if (!Number.isInteger(first) || first < 0 || first > MAX_RANKING) {
    throw new BadUserInputError(`first must be an integer from 0 to ${MAX_RANKING}`, 'first');
  }
  if (first === 0) return [];
  let query = db
    .selectFrom(STATS_DAILY_TABLE)
    .select(['state', 'municipality', (eb) => eb.fn.sum('delta').as('count')])
    .where('metric', '=', METRICS.servants)
    .where('key', '=', '')
    .where('municipality', '<>', '')
    .where('day', '<=', utcDay(at.toISOString()));
  if (state !== null) query = query.where('state', '=', state);
  const rows = await query
    .groupBy(['state', 'municipality'])
    .having((eb) => eb.fn.sum('delta'), '>', 0)
    .orderBy('count', 'desc')
    .orderBy('municipality')
    .orderBy('state')
    .limit(first)
    .execute();

  const ranked: MunicipalityRankView[] = [];
  rows.forEach((row, index) => {
    const certifiedServants = toNumber(row.count);
    const previous = ranked.at(-1);
    const rank = previous && previous.certifiedServants === certifiedServants ? previous.rank : index + 1;
    ranked.push({ rank, state: row.state, municipality: row.municipality, certifiedServants });
  });
  return ranked;
}
