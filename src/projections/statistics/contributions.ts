/**
 * What one servant adds to the statistics, as day-grained changes: +1 on the UTC
 * day a figure starts counting them, -1 on the day it stops. The projection
 * computes a servant's changes before and after a batch and stores the difference,
 * so a revocation recorded years later still lands on the day it took effect.
 *
 * A figure "at day D" counts what holds at the end of D: an interval [from, until)
 * of days covers D when from <= D < until.
 */
import { utcDay } from '../sql-support.js';
import type { StatsCertificateRow, StatsCertificationRow, StatsServantRow } from './tables.js';

export const METRICS = {
  /** Distinct servants holding at least one VALID certificate. */
  servants: 'servants',
  /** VALID certificates. */
  certificates: 'certificates',
  /** Distinct servants holding a VALID certificate, per standard code. */
  standard: 'standard',
  /** ... per holder department at issuance. */
  department: 'department',
  /** ... per holder regime at issuance. */
  regime: 'regime',
  /** Certificates issued, per 'YYYY-MM' of issuance (never decreases). */
  month: 'month',
  /** Certifications started and without a VALID certificate of their own. */
  inProgress: 'in_progress',
} as const;

/** Half-open range of UTC days; until null: still counting. */
interface Days {
  from: string;
  until: string | null;
}

const ALL = { state: '', municipality: '' };
const scopesOf = (place: { state: string; municipality: string }) => [
  ALL,
  { state: place.state, municipality: '' },
  { state: place.state, municipality: place.municipality },
];

/** The days a certificate is VALID: from its issuance until revocation or expiry, whichever is first. */
export function validDays(certificate: StatsCertificateRow): Days | null {
  const ends = [certificate.revoked_at, certificate.valid_until].filter((t): t is string => t !== null).sort();
  const from = utcDay(certificate.issued_at);
  const until = ends.length > 0 ? utcDay(ends[0]) : null;
  return until !== null && until <= from ? null : { from, until };
}

/** Sorted, merged: the days covered by at least one of `ranges`. */
function union(ranges: Days[]): Days[] {
  const sorted = [...ranges].sort((a, b) => (a.from < b.from ? -1 : a.from > b.from ? 1 : 0));
  const merged: Days[] = [];
  for (const range of sorted) {
    const last = merged.at(-1);
    if (last && (last.until === null || range.from <= last.until)) {
      if (last.until !== null && (range.until === null || range.until > last.until)) last.until = range.until;
    } else {
      merged.push({ ...range });
    }
  }
  return merged;
}

/** The days from `from` on that none of `covered` (a union) contains. */
function uncovered(from: string, covered: Days[]): Days[] {
  const gaps: Days[] = [];
  let cursor: string | null = from;
  for (const range of covered) {
    if (cursor === null) break;
    if (range.until !== null && range.until <= cursor) continue;
    if (range.from > cursor) gaps.push({ from: cursor, until: range.from });
    cursor = range.until;
  }
  if (cursor !== null) gaps.push({ from: cursor, until: null });
  return gaps;
}

// Joins key parts; no place, department or standard code contains a unit separator.
const SEP = '\u001f';

type Level<T> = Map<string, T>;

/** The map under `key` in `parent`, created when missing. */
function child<T>(parent: Level<Map<string, T>>, key: string): Map<string, T> {
  let found = parent.get(key);
  if (!found) parent.set(key, (found = new Map()));
  return found;
}

/** Keys in text order (the primary key's order, so B-tree inserts stay local). */
const sortedKeys = (level: Map<string, unknown>): string[] => [...level.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/**
 * Accumulates changes keyed by state, municipality, metric, key and day, in
 * nested maps: adding builds no key strings. A rebuild adds every servant's
 * changes (tens per servant) here, and joining the parts into one string per
 * change was a third of the rebuild's final fold and most of its garbage.
 */
export class DailyChanges {
  private readonly states: Level<Level<Level<Level<Level<number>>>>> = new Map();

  add(scope: { state: string; municipality: string }, metric: string, key: string, days: Days, sign: 1 | -1): void {
    const perDay = child(child(child(child(this.states, scope.state), scope.municipality), metric), key);
    perDay.set(days.from, (perDay.get(days.from) ?? 0) + sign);
    if (days.until !== null) perDay.set(days.until, (perDay.get(days.until) ?? 0) - sign);
  }

  /** Non-zero changes as rows of rm_stats_daily, in primary-key order. */
  rows(): { state: string; municipality: string; metric: string; key: string; day: string; delta: number }[] {
    const rows = [];
    for (const state of sortedKeys(this.states)) {
      const municipalities = this.states.get(state)!;
      for (const municipality of sortedKeys(municipalities)) {
        const metrics = municipalities.get(municipality)!;
        for (const metric of sortedKeys(metrics)) {
          const keys = metrics.get(metric)!;
          for (const key of sortedKeys(keys)) {
            const days = keys.get(key)!;
            for (const day of sortedKeys(days)) {
              const delta = days.get(day)!;
              if (delta !== 0) rows.push({ state, municipality, metric, key, day, delta });
            }
          }
        }
      }
    }
    return rows;
  }
}

export interface ServantFacts {
  servant: StatsServantRow | undefined;
  certifications: StatsCertificationRow[];
  certificates: StatsCertificateRow[];
}

/** Adds (sign 1) or removes (sign -1) everything one servant contributes. */
export function addServant(changes: DailyChanges, facts: ServantFacts, sign: 1 | -1): void {
  const servantLevel = new Map<string, { scope: typeof ALL; metric: string; key: string; days: Days[] }>();
  const collect = (scope: typeof ALL, metric: string, key: string, days: Days) => {
    const id = scope.state + SEP + scope.municipality + SEP + metric + SEP + key;
    const group = servantLevel.get(id) ?? { scope, metric, key, days: [] };
    group.days.push(days);
    servantLevel.set(id, group);
  };

  for (const certificate of facts.certificates) {
    const issued = utcDay(certificate.issued_at);
    const valid = validDays(certificate);
    for (const scope of scopesOf(certificate)) {
      changes.add(scope, METRICS.month, issued.slice(0, 7), { from: issued, until: null }, sign);
      if (!valid) continue;
      changes.add(scope, METRICS.certificates, '', valid, sign);
      collect(scope, METRICS.servants, '', valid);
      collect(scope, METRICS.standard, certificate.standard_code, valid);
      collect(scope, METRICS.department, certificate.department, valid);
      collect(scope, METRICS.regime, certificate.regime, valid);
    }
  }
  // A servant counts once per figure however many certificates overlap.
  for (const group of servantLevel.values()) {
    for (const days of union(group.days)) changes.add(group.scope, group.metric, group.key, days, sign);
  }

  if (!facts.servant) return;
  for (const certification of facts.certifications) {
    const valid = facts.certificates
      .filter((certificate) => certificate.certification_id === certification.id)
      .map(validDays)
      .filter((days): days is Days => days !== null);
    for (const days of uncovered(utcDay(certification.started_at), union(valid))) {
      for (const scope of scopesOf(facts.servant)) changes.add(scope, METRICS.inProgress, '', days, sign);
    }
  }
}
