import type { Modality, Verdict } from '../../domain/shared/vocabulary.js';
import type { ReadDatabase } from '../projection.js';

export const CERTIFICATIONS_TABLE = 'rm_certifications';

/**
 * One row per certification stream. The view columns are flattened for SQL;
 * `state` is the domain's CertificationState (JSON), the stage input that
 * certificationStage reads at the asked time.
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
  state: string;
}

export async function migrateCertifications(db: ReadDatabase): Promise<void> {
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
    .addColumn('state', 'text', (c) => c.notNull())
    .execute();
  // Certifications of a page of servants; the servants filter on standardCode.
  await db.schema
    .createIndex('rm_certifications_servant')
    .ifNotExists()
    .on(CERTIFICATIONS_TABLE)
    .columns(['servant_id', 'standard_code'])
    .execute();
  await db.schema.createIndex('rm_certifications_standard').ifNotExists().on(CERTIFICATIONS_TABLE).column('standard_code').execute();
}
