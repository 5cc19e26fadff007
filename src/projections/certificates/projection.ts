/** Certificates by folio: issuance (with the holder snapshot), delivery, revocation. */
import type { CertificateDelivered, CertificateIssued, CertificateRevoked } from '../../domain/certifications/events.js';
import type { Projection } from '../projection.js';
import { deleteAll, isoTime, type ProjectedEvent, projectedEvents, RowCache, toFlag } from '../sql-support.js';
import { CERTIFICATES_TABLE, type CertificateRow, migrateCertificates } from './tables.js';

type CertificateFact = ProjectedEvent & (CertificateIssued | CertificateDelivered | CertificateRevoked);
const CERTIFICATE_EVENTS = new Set<string>(['CertificateIssued', 'CertificateDelivered', 'CertificateRevoked']);

function evolve(row: CertificateRow | undefined, event: CertificateFact): CertificateRow | undefined {
  switch (event.type) {
    case 'CertificateIssued': {
      const d = event.data;
      return {
        folio: d.folio,
        certification_id: event.recorded.streamId,
        servant_id: d.servantId,
        standard_code: d.standardCode,
        state: d.holder.state,
        municipality: d.holder.municipality,
        department: d.holder.department,
        regime: d.holder.regime,
        unionized: toFlag(d.holder.unionized),
        issued_at: isoTime(d.issuedAt),
        valid_until: d.validUntil === null ? null : isoTime(d.validUntil),
        // Replaying the issuance keeps what happened to the certificate since.
        delivered_at: row?.delivered_at ?? null,
        ceremony: row?.ceremony ?? null,
        revoked_at: row?.revoked_at ?? null,
        revocation_reason: row?.revocation_reason ?? null,
      };
    }
    case 'CertificateDelivered':
      return row && { ...row, delivered_at: isoTime(event.data.deliveredAt), ceremony: event.data.ceremony };
    case 'CertificateRevoked':
      return row && { ...row, revoked_at: isoTime(event.data.revokedAt), revocation_reason: event.data.reason };
  }
}

export function createCertificatesProjection(): Projection {
  return {
    name: 'certificates',
    eventTypes: CERTIFICATE_EVENTS,
    readerIndexes: ['rm_certificates_servant', 'rm_certificates_place_issued', 'rm_certificates_valid_until'],
    migrate: (db) => migrateCertificates(db),
    reset: (trx) => deleteAll(trx, [CERTIFICATES_TABLE]),
    async apply(trx, batch) {
      const events = projectedEvents(batch).filter((e): e is CertificateFact => CERTIFICATE_EVENTS.has(e.type));
      if (events.length === 0) return;
      const rows = new RowCache<CertificateRow>(trx, CERTIFICATES_TABLE, ['folio']);
      await rows.load(events.map((e) => e.data.folio));
      for (const event of events) {
        const after = evolve(rows.get(event.data.folio), event);
        if (after) rows.put(after);
      }
      await rows.flush();
    },
  };
}
