/**
 * What GraphQL may read: the read models' query side. Implemented over SQLite and
 * PostgreSQL (Kysely) in src/projections/<model>/queries.ts; batch methods exist so
 * per-request DataLoaders cost a fixed number of SQL queries per page.
 * Times are ISO-8601 strings; `at` arguments are business time.
 */
import type { CertificateStatus, CertificationStage } from '../domain/certifications/stage.js';
import type { EmploymentRegime, Modality, Verdict } from '../domain/shared/vocabulary.js';
import type { StandardStatus } from '../domain/standards/state.js';

export type { CertificateStatus, CertificationStage, StandardStatus };

export interface StandardView {
  code: string;
  title: string;
  level: number;
  sector: string | null;
  validityYears: number | null;
  status: StandardStatus;
}

export interface ServantView {
  id: string;
  /** Null once erased. Callers decide who may see it. */
  curp: string | null;
  /** '[erased]' once erased. */
  fullName: string;
  state: string;
  municipality: string;
  department: string;
  position: string | null;
  regime: EmploymentRegime;
  unionized: boolean;
  active: boolean;
  personalDataErased: boolean;
  registeredAt: string;
  version: number;
}

export interface CertificationView {
  /** The stream id, `certification-{servantId}-{code}`. */
  id: string;
  servantId: string;
  standardCode: string;
  /** Stage at the asked time (CERTIFIED turns EXPIRED once validUntil passes). */
  stage: CertificationStage;
  trainingProvider: string | null;
  modality: Modality | null;
  trainingHours: number | null;
  attempts: number;
  lastVerdict: Verdict | null;
  /** Folio of the latest certificate, if any. */
  folio: string | null;
  version: number;
  updatedAt: string;
}

export interface CertificateView {
  folio: string;
  servantId: string;
  standardCode: string;
  /** Status at the asked time. */
  status: CertificateStatus;
  municipality: string;
  state: string;
  issuedAt: string;
  validUntil: string | null;
  deliveredAt: string | null;
  ceremony: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  /** Folio preimpreso of the paper the holder has now; null until a reprint recorded one. */
  printedFolio: string | null;
  reissues: number;
}

/** What the public certificate check reads: the certificate, its standard's title and its holder's name. */
export interface CertificateCheckView {
  certificate: CertificateView;
  standardTitle: string | null;
  /** Null once the holder's personal data was erased. */
  holderName: string | null;
  /** When the folio asked was a printed folio (of this certificate's paper): which, and whether a later reprint replaced it. */
  askedPrintedFolio: { printedFolio: string; replaced: boolean } | null;
}

export interface EvaluatorView {
  id: string;
  fullName: string;
  certificationBody: string;
  ec0076Folio: string;
  standardCodes: string[];
  validUntil: string;
  verdictsRecorded: number;
}

export interface GoalView {
  id: string;
  state: string;
  municipality: string;
  target: number;
  startsAt: string;
  deadline: string;
  description: string | null;
}

export interface GoalProgressView {
  goal: GoalView;
  achieved: number;
  remaining: number;
  percent: number;
}

export interface Count {
  key: string;
  count: number;
}

export interface CertificationStatsView {
  certifiedServants: number;
  validCertificates: number;
  inProgress: number;
  byStandard: Count[];
  byDepartment: Count[];
  byRegime: Count[];
  byMonth: Count[];
}

export interface MunicipalityRankView {
  rank: number;
  state: string;
  municipality: string;
  certifiedServants: number;
}

export interface ServantFilter {
  state?: string | null;
  municipality?: string | null;
  department?: string | null;
  regime?: EmploymentRegime | null;
  unionized?: boolean | null;
  /** true: holds a VALID certificate now; false: holds none. */
  certified?: boolean | null;
  standardCode?: string | null;
  /** Case- and accent-insensitive. */
  nameContains?: string | null;
}

/**
 * Which servants one keyset page reads: those registered strictly between
 * `after` and `before` (global positions of their registration; never an offset).
 */
export interface ServantWindow {
  /** Items to read, 0 to 500. */
  size: number;
  after?: bigint | null;
  before?: bigint | null;
  /** The newest `size` of the window (last/before) instead of the oldest; items still come oldest first. */
  fromEnd?: boolean;
}

export interface ServantPage {
  /** Oldest registration first, each with the position that keys it (what a cursor names). */
  items: { servant: ServantView; position: bigint }[];
  /** Matching servants registered after the last item (within `before`, when paging forwards). */
  hasNextPage: boolean;
  /** Matching servants registered before the first item (within `after`, when paging back). */
  hasPreviousPage: boolean;
  /** The whole filtered list, whatever the window. */
  totalCount: number;
}

export interface ProjectionStatusView {
  name: string;
  position: bigint;
  lag: number;
  /** Set when the projection stopped on an event it could not apply. */
  lastError: string | null;
  running: boolean;
  /** The version its rows were made by (Projection.version once rebuilt). */
  version: number;
  /** Set when this process rebuilt it at start because its rows were made by this older (or other) version. */
  rebuiltFromVersion: number | null;
}

export interface ReadModel {
  standards(): Promise<StandardView[]>;
  standardsByCodes(codes: readonly string[]): Promise<(StandardView | null)[]>;
  /** Distinct servants holding a VALID certificate per standard at `at`. */
  certifiedCountsByStandard(codes: readonly string[], at: Date): Promise<number[]>;

  servantsByIds(ids: readonly string[]): Promise<(ServantView | null)[]>;
  servantByCurpDigest(curpDigest: string): Promise<ServantView | null>;
  /** Keyset-paged, ordered by registration. */
  servants(filter: ServantFilter, window: ServantWindow): Promise<ServantPage>;

  /** Certifications of each servant, in the order of `servantIds`. */
  certificationsByServantIds(servantIds: readonly string[], at: Date): Promise<CertificationView[][]>;
  certification(servantId: string, standardCode: string, at: Date): Promise<CertificationView | null>;

  certificatesByFolios(folios: readonly string[], at: Date): Promise<(CertificateView | null)[]>;
  /** One query for verifyCertificate, by CONOCER folio or printed folio; null for an unknown folio. */
  certificateCheck(folio: string, at: Date): Promise<CertificateCheckView | null>;

  evaluators(): Promise<EvaluatorView[]>;

  certificationStats(scope: { state?: string | null; municipality?: string | null }, at: Date): Promise<CertificationStatsView>;
  ranking(state: string | null, first: number, at: Date): Promise<MunicipalityRankView[]>;
  goals(municipality: string | null): Promise<GoalView[]>;
  goalProgress(goalId: string): Promise<GoalProgressView | null>;

  projections(): Promise<ProjectionStatusView[]>;
  /** Changes whenever any read model may have changed: equal versions, equal rows. */
  version(): Promise<string>;
  /**
   * The first instant after `at` at which an answer about the present may change
   * with time alone, the rows staying the same: a certificate expiring, or the
   * next UTC day for the day-grained statistics.
   */
  nextChangeInTime(at: Date): Promise<Date>;
  /** Resolves once every read model has processed the log up to `position`. */
  waitFor(position: bigint, timeoutMs?: number): Promise<void>;
}
