/**
 * The credentials' revocation status (Bitstring Status List): each
 * CertificateIssued takes the next free index, each CertificateRevoked sets
 * its bit. Indexes follow the log's order, so a rebuild gives every
 * certificate the index its credential already carries.
 */
import { sql } from 'kysely';
import type { CertificateIssued, CertificateRevoked } from '../../domain/certifications/events.js';
import type { Projection } from '../../projections/projection.js';
import { deleteAll, isoTime, type ProjectedEvent, projectedEvents, RowCache, toNumber } from '../../projections/sql-support.js';
import { CREDENTIAL_STATUS_TABLE, type CredentialStatusRow, migrateCredentialStatus } from './tables.js';

type StatusFact = ProjectedEvent & (CertificateIssued | CertificateRevoked);
const STATUS_EVENTS = new Set<string>(['CertificateIssued', 'CertificateRevoked']);

export function createCredentialStatusProjection(): Projection {
  return {
    name: 'credential_status',
    eventTypes: STATUS_EVENTS,
    migrate: (db) => migrateCredentialStatus(db),
    reset: (trx) => deleteAll(trx, [CREDENTIAL_STATUS_TABLE]),
    async apply(trx, batch) {
      const events = projectedEvents(batch).filter((e): e is StatusFact => STATUS_EVENTS.has(e.type));
      if (events.length === 0) return;
      const rows = new RowCache<CredentialStatusRow>(trx, CREDENTIAL_STATUS_TABLE, ['folio'], (raw) => ({
        folio: String(raw.folio),
        status_index: toNumber(raw.status_index),
        revoked_at: raw.revoked_at === null ? null : String(raw.revoked_at),
        issued_position: String(raw.issued_position),
      }));
      await rows.load(events.map((e) => e.data.folio));
      const highest = await trx
        .selectFrom(CREDENTIAL_STATUS_TABLE)
        .select(sql<number | string | null>`max(status_index)`.as('highest'))
        .executeTakeFirst();
      let next = highest?.highest == null ? 0 : toNumber(highest.highest) + 1;
      for (const event of events) {
        const row = rows.get(event.data.folio);
        if (event.type === 'CertificateIssued') {
          // Replaying an issuance keeps the index (and revocation) it already has.
          if (!row) rows.put({ folio: event.data.folio, status_index: next++, revoked_at: null, issued_position: String(event.recorded.position) });
        } else if (row) {
          rows.put({ ...row, revoked_at: isoTime(event.data.revokedAt) });
        }
      }
      await rows.flush();
    },
  };
}
