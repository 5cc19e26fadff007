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

/** Accumulates changes keyed by scope, metric, key and day. */
export class DailyChanges {
  readonly changes = new Map<string, number>();

  add(scope: { state: string; municipality: string }, metric: string, key: string, days: Days, sign: 1 | -1): void {
    const figure = scope.state + SEP + scope.municipality + SEP + metric + SEP + key + SEP;
    this.bump(figure + days.from, sign);
    if (days.until !== null) this.bump(figure + days.until, -sign);
  }

  private bump(id: string, delta: number): void {
    this.changes.set(id, (this.changes.get(id) ?? 0) + delta);
  }

  /** Non-zero changes as rows of rm_stats_daily, in primary-key order (B-tree inserts stay local). */
  rows(): { state: string; municipality: string; metric: string; key: string; day: string; delta: number }[] {
    return [...this.changes]
      .filter(([, delta]) => delta !== 0)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([id, delta]) => {
        const [state, municipality, metric, key, day] = id.split(SEP);
        return { state, municipality, metric, key, day, delta };
      });
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
