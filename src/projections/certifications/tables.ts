import type { CertificationPhase, StartedCertification } from '../../domain/certifications/state.js';
import type { Modality, Verdict } from '../../domain/shared/vocabulary.js';
import type { ReadDatabase, SqlDialect } from '../projection.js';
import { columnNames, toFlag } from '../sql-support.js';

export const CERTIFICATIONS_TABLE = 'rm_certifications';

/**
 * One row per certification stream. The view columns are flattened for SQL, and
 * so are the inputs certificationStage reads at the asked time (phase to
 * revoked_at), so reads never decode `state`: the domain's CertificationState
 * (JSON), which only the projection folds.
 */
export interface CertificationRow {
  id: string;
  servant_id: string;
  standard_code: string;
  training_provider: string | null;
  modality: Modality | null;
  training_hours: number | null;
  attempts: number;
  last_verdict: Verdict | null;
  /** Folio of the latest certificate. */
  folio: string | null;
  version: number;
  updated_at: string;
  phase: CertificationPhase;
  /** 1 when the latest verdict is COMPETENT and no certificate was issued after it. */
  competent_since_last_issue: number;
  /** Of the latest certificate. */
  valid_until: string | null;
  revoked_at: string | null;
  state: string;
}

/** Every column but `state`: what reads select (a view's stage comes from the stage columns). */
export const VIEW_COLUMNS = [
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
] as const satisfies ReadonlyArray<keyof CertificationRow>;

export interface CertificationsTables {
  [CERTIFICATIONS_TABLE]: CertificationRow;
}

/** The columns certificationStage reads, from the folded state. */
export const stageColumns = (
  state: StartedCertification,
): Pick<CertificationRow, 'phase' | 'competent_since_last_issue' | 'valid_until' | 'revoked_at'> => ({
  phase: state.phase,
  competent_since_last_issue: toFlag(state.competentSinceLastIssue),
  valid_until: state.certificate?.validUntil ?? null,
  revoked_at: state.certificate?.revokedAt ?? null,
});

export async function migrateCertifications(db: ReadDatabase, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable(CERTIFICATIONS_TABLE)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('servant_id', 'text', (c) => c.notNull())
    .addColumn('standard_code', 'text', (c) => c.notNull())
    .addColumn('training_provider', 'text')
    .addColumn('modality', 'text')
    .addColumn('training_hours', 'integer')
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('last_verdict', 'text')
    .addColumn('folio', 'text')
    .addColumn('version', 'integer', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addColumn('phase', 'text', (c) => c.notNull())
    .addColumn('competent_since_last_issue', 'integer', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('state', 'text', (c) => c.notNull())
    .execute();
  await addStageColumns(db, dialect);
  // Certifications of a page of servants, and the servants filter on standardCode.
  // It holds every view column, so a page reads the index alone: the rows also
  // hold `state` (about 600 B each), and at 100,000 events the table outgrew
  // SQLite's page cache, so fetching rows was most of the page's certifications.
  await db.schema
    .createIndex('rm_certifications_servant')
    .ifNotExists()
    .on(CERTIFICATIONS_TABLE)
    .columns(['servant_id', 'standard_code', ...VIEW_COLUMNS.filter((column) => column !== 'servant_id' && column !== 'standard_code')])
    .execute();
  await db.schema.createIndex('rm_certifications_standard').ifNotExists().on(CERTIFICATIONS_TABLE).column('standard_code').execute();
}

/** A read model projected before the stage columns existed: add them and fill them from `state`, once. */
async function addStageColumns(db: ReadDatabase, dialect: SqlDialect): Promise<void> {
  if ((await columnNames(db, dialect, CERTIFICATIONS_TABLE)).has('phase')) return;
  // Nullable when added to filled rows; every row is filled below, and every write sets them.
  for (const column of ['phase', 'competent_since_last_issue', 'valid_until', 'revoked_at'] as const) {
    await db.schema.alterTable(CERTIFICATIONS_TABLE).addColumn(column, column === 'competent_since_last_issue' ? 'integer' : 'text').execute();
  }
  const rows = await db.selectFrom(CERTIFICATIONS_TABLE).select(['id', 'state']).execute();
  for (const row of rows) {
    const state = JSON.parse(row.state) as StartedCertification;
    await db.updateTable(CERTIFICATIONS_TABLE).set(stageColumns(state)).where('id', '=', row.id).execute();
  }
}
