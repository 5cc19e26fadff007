/**
 * The credentials' revocation status (Bitstring Status List): each
 * CertificateIssued takes the next free index, each CertificateRevoked sets
 * its bit. Indexes follow the log's order, so a rebuild gives every
 * certificate the index its credential already carries.
 */
import { STANDARD_EVENT_SCHEMAS } from '../../domain/standards/events.js';
import { SERVANT_EVENT_SCHEMAS } from '../../domain/servants/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from '../../domain/evaluators/events.js';
import { GOAL_EVENT_SCHEMAS } from '../../domain/goals/events.js';
import { sql } from 'kysely';
import { foldingProjection, IGNORED, ignoring, type Projection, type ProjectedEvent } from '../../projections/projection.js';
import { isoTime, RowCache, toNumber } from '../../projections/sql-support.js';
import { CREDENTIAL_STATUS_TABLE, type CredentialStatusRow, migrateCredentialStatus } from './tables.js';

interface Batch {
  rows: RowCache<CredentialStatusRow>;
  /** The next free status index. */
  next: number;
}

export function createCredentialStatusProjection(): Projection {
  return foldingProjection<Batch>({
    name: 'credential_status',
    version: 1,
    tables: [CREDENTIAL_STATUS_TABLE],
    migrate: (db) => migrateCredentialStatus(db),
    handlers: {
      CertificateIssued(batch, { data, recorded }) {
        // Replaying an issuance keeps the index (and revocation) it already has.
        if (!batch.rows.get(data.folio)) {
          batch.rows.put({ folio: data.folio, status_index: batch.next++, revoked_at: null, issued_position: String(recorded.position) });
        }
      },
      CertificateRevoked({ rows }, { data }) {
        const row = rows.get(data.folio);
        if (row) rows.put({ ...row, revoked_at: isoTime(data.revokedAt) });
      },
      ...ignoring(STANDARD_EVENT_SCHEMAS, SERVANT_EVENT_SCHEMAS, EVALUATOR_EVENT_SCHEMAS, GOAL_EVENT_SCHEMAS),
      TrainingEnrolled: IGNORED,
      TrainingCompleted: IGNORED,
      VerdictRecorded: IGNORED,
      CertificateDelivered: IGNORED,
      CertificateReissued: IGNORED,
      FolioAssigned: IGNORED,
      PrintedFolioAssigned: IGNORED,
    },
    async open(trx, events) {
      const rows = new RowCache<CredentialStatusRow>(trx, CREDENTIAL_STATUS_TABLE, ['folio'], (raw) => ({
        folio: String(raw.folio),
        status_index: toNumber(raw.status_index),
        revoked_at: raw.revoked_at === null ? null : String(raw.revoked_at),
        issued_position: String(raw.issued_position),
      }));
      await rows.load(events.map((e) => (e as ProjectedEvent<'CertificateIssued' | 'CertificateRevoked'>).data.folio));
      const highest = await trx
        .selectFrom(CREDENTIAL_STATUS_TABLE)
        .select(sql<number | string | null>`max(status_index)`.as('highest'))
        .executeTakeFirst();
      return { rows, next: highest?.highest == null ? 0 : toNumber(highest.highest) + 1 };
    },
    close: ({ rows }) => rows.flush(),
  });
}
