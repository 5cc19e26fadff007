import type { EmploymentRegime } from '../../domain/shared/vocabulary.js';
import type { ReadDatabase, SqlDialect } from '../projection.js';
import { columnNames } from '../sql-support.js';

export const CERTIFICATES_TABLE = 'rm_certificates';
/** Every printed folio a certificate's paper ever carried, so either folio verifies. */
export const PRINTED_FOLIOS_TABLE = 'rm_printed_folios';

/** One certificate by folio; holder columns are the CertificateIssued.holder snapshot. */
export interface CertificateRow {
  folio: string;
  certification_id: string;
  servant_id: string;
  standard_code: string;
  state: string;
  municipality: string;
  department: string;
  regime: EmploymentRegime;
  unionized: number;
  issued_at: string;
  valid_until: string | null;
  delivered_at: string | null;
  ceremony: string | null;
  revoked_at: string | null;
  revocation_reason: string | null;
  printed_folio: string | null;
  reissues: number;
}

export interface PrintedFolioRow {
  printed_folio: string;
  folio: string;
  /** When a later reprint replaced this paper; null while it is the current one. */
  replaced_at: string | null;
}

export interface CertificatesTables {
  [CERTIFICATES_TABLE]: CertificateRow;
  [PRINTED_FOLIOS_TABLE]: PrintedFolioRow;
}

export async function migrateCertificates(db: ReadDatabase, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable(CERTIFICATES_TABLE)
    .ifNotExists()
    .addColumn('folio', 'text', (c) => c.primaryKey())
    .addColumn('certification_id', 'text', (c) => c.notNull())
    .addColumn('servant_id', 'text', (c) => c.notNull())
    .addColumn('standard_code', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('municipality', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('regime', 'text', (c) => c.notNull())
    .addColumn('unionized', 'integer', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('ceremony', 'text')
    .addColumn('revoked_at', 'text')
    .addColumn('revocation_reason', 'text')
    .addColumn('printed_folio', 'text')
    .addColumn('reissues', 'integer', (c) => c.notNull().defaultTo(0))
    .execute();
  // Tables made before reprints existed: no CertificateReissued was recorded then, so null and 0 are right for every row.
  const columns = await columnNames(db, dialect, CERTIFICATES_TABLE);
  if (!columns.has('printed_folio')) await db.schema.alterTable(CERTIFICATES_TABLE).addColumn('printed_folio', 'text').execute();
  if (!columns.has('reissues')) await db.schema.alterTable(CERTIFICATES_TABLE).addColumn('reissues', 'integer', (c) => c.notNull().defaultTo(0)).execute();
  await db.schema
    .createTable(PRINTED_FOLIOS_TABLE)
    .ifNotExists()
    .addColumn('printed_folio', 'text', (c) => c.primaryKey())
    .addColumn('folio', 'text', (c) => c.notNull())
    .addColumn('replaced_at', 'text')
    .execute();
  // The servants filter `certified` and the certifications' current certificate.
  await db.schema.createIndex('rm_certificates_servant').ifNotExists().on(CERTIFICATES_TABLE).column('servant_id').execute();
  // Goal progress: a municipality's certificates in a window of issuance.
  await db.schema
    .createIndex('rm_certificates_place_issued')
    .ifNotExists()
    .on(CERTIFICATES_TABLE)
    .columns(['state', 'municipality', 'issued_at'])
    .execute();
  // When a VALID certificate next turns EXPIRED (how long a kept response holds).
  await db.schema.createIndex('rm_certificates_valid_until').ifNotExists().on(CERTIFICATES_TABLE).column('valid_until').execute();
}
