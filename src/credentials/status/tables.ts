import type { ReadDatabase } from '../../projections/projection.js';

export const CREDENTIAL_STATUS_TABLE = 'rm_credential_status';

/**
 * One row per certificate: its place in the status lists, assigned once at
 * issuance in log order (so a rebuild assigns the same), and its revocation.
 */
export interface CredentialStatusRow {
  folio: string;
  /** Global index; the list is floor(index / STATUS_LIST_SIZE), the bit index % STATUS_LIST_SIZE. */
  status_index: number;
  revoked_at: string | null;
  /** Global position of the CertificateIssued event: the transparency log's inclusion proof is asked by it. */
  issued_position: string;
}

export interface CredentialStatusTables {
  [CREDENTIAL_STATUS_TABLE]: CredentialStatusRow;
}

export async function migrateCredentialStatus(db: ReadDatabase): Promise<void> {
  await db.schema
    .createTable(CREDENTIAL_STATUS_TABLE)
    .ifNotExists()
    .addColumn('folio', 'text', (c) => c.primaryKey())
    .addColumn('status_index', 'integer', (c) => c.notNull().unique())
    .addColumn('revoked_at', 'text')
    .addColumn('issued_position', 'text', (c) => c.notNull())
    .execute();
}
