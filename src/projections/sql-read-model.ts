/**
 * The ReadModel over the SQL read models (SQLite or PostgreSQL through Kysely).
 * Each method delegates to its model's queries; batch methods answer in the
 * order asked with one query, for per-request DataLoaders.
 */
import { certificateCheck, certificatesByFolios, nextValidityEnd } from './certificates/queries.js';
import { positionsVersion } from './positions.js';
import { certificationOf, certificationsByServantIds } from './certifications/queries.js';
import { listEvaluators } from './evaluators/queries.js';
import { goalProgress, listGoals } from './goals/queries.js';
import type { ReadDatabase, SqlDialect } from './projection.js';
import type {
  CertificateCheckView,
  CertificateView,
  CertificationStatsView,
  CertificationView,
  EvaluatorView,
  GoalProgressView,
  GoalView,
  MunicipalityRankView,
  ProjectionStatusView,
  ReadModel,
  ServantFilter,
  ServantPage,
  ServantView,
  ServantWindow,
  StandardView,
} from './read-model.js';
import { pageServants, servantByCurpDigest, servantsByIds } from './servants/queries.js';
import { listStandards, standardsByCodes } from './standards/queries.js';
import { certificationStats, certifiedCountsByStandard, ranking } from './statistics/queries.js';

/** What the read side needs of the projection runner (src/projections/runner.ts). */
export interface ProjectionProgress {
  status(): Promise<ProjectionStatusView[]>;
  waitFor(position: bigint, timeoutMs?: number): Promise<void>;
}

export interface SqlReadModelOptions {
  db: ReadDatabase;
  dialect: SqlDialect;
  runner: ProjectionProgress;
  /** "Now" for the servants filter `certified` (default: the wall clock). */
  now?: () => Date;
}

export class SqlReadModel implements ReadModel {
  private readonly db: ReadDatabase;
  private readonly runner: ProjectionProgress;
  private readonly now: () => Date;

  constructor(options: SqlReadModelOptions) {
    this.db = options.db;
    this.runner = options.runner;
    this.now = options.now ?? (() => new Date());
  }

  standards(): Promise<StandardView[]> {
    return listStandards(this.db);
  }

  standardsByCodes(codes: readonly string[]): Promise<(StandardView | null)[]> {
    return standardsByCodes(this.db, codes);
  }

  certifiedCountsByStandard(codes: readonly string[], at: Date): Promise<number[]> {
    return certifiedCountsByStandard(this.db, codes, at);
  }

  servantsByIds(ids: readonly string[]): Promise<(ServantView | null)[]> {
    return servantsByIds(this.db, ids);
  }

  servantByCurpDigest(curpDigest: string): Promise<ServantView | null> {
    return servantByCurpDigest(this.db, curpDigest);
  }

  servants(filter: ServantFilter, window: ServantWindow): Promise<ServantPage> {
    return pageServants(this.db, filter, window, this.now());
  }

  certificationsByServantIds(servantIds: readonly string[], at: Date): Promise<CertificationView[][]> {
    return certificationsByServantIds(this.db, servantIds, at);
  }

  certification(servantId: string, standardCode: string, at: Date): Promise<CertificationView | null> {
    return certificationOf(this.db, servantId, standardCode, at);
  }

  certificatesByFolios(folios: readonly string[], at: Date): Promise<(CertificateView | null)[]> {
    return certificatesByFolios(this.db, folios, at);
  }

  certificateCheck(folio: string, at: Date): Promise<CertificateCheckView | null> {
    return certificateCheck(this.db, folio, at);
  }

  evaluators(): Promise<EvaluatorView[]> {
    return listEvaluators(this.db);
  }

  certificationStats(scope: { state?: string | null; municipality?: string | null }, at: Date): Promise<CertificationStatsView> {
    return certificationStats(this.db, scope, at);
  }

  ranking(state: string | null, first: number, at: Date): Promise<MunicipalityRankView[]> {
    return ranking(this.db, state, first, at);
  }

  goals(municipality: string | null): Promise<GoalView[]> {
    return listGoals(this.db, municipality);
  }

  goalProgress(goalId: string): Promise<GoalProgressView | null> {
    return goalProgress(this.db, goalId);
  }

  projections(): Promise<ProjectionStatusView[]> {
    return this.runner.status();
  }

  waitFor(position: bigint, timeoutMs?: number): Promise<void> {
    return this.runner.waitFor(position, timeoutMs);
  }

  version(): Promise<string> {
    return positionsVersion(this.db);
  }

  async nextChangeInTime(at: Date): Promise<Date> {
    const nextDay = new Date(at);
    nextDay.setUTCHours(24, 0, 0, 0);
    const validityEnd = await nextValidityEnd(this.db, at);
    // A certificate is still VALID at its validUntil and EXPIRED one millisecond later.
    return validityEnd !== null && validityEnd.getTime() + 1 < nextDay.getTime() ? new Date(validityEnd.getTime() + 1) : nextDay;
  }
}
