/** Certificates by folio: issuance (with the holder snapshot), delivery, revocation, reprints (and every printed folio they had). */
import type { CertificateDelivered, CertificateIssued, CertificateReissued, CertificateRevoked } from '../../domain/certifications/events.js';
import type { Projection } from '../projection.js';
import { deleteAll, isoTime, type ProjectedEvent, projectedEvents, RowCache, toFlag } from '../sql-support.js';
import { CERTIFICATES_TABLE, type CertificateRow, PRINTED_FOLIOS_TABLE, type PrintedFolioRow, migrateCertificates } from './tables.js';

type CertificateFact = ProjectedEvent & (CertificateIssued | CertificateDelivered | CertificateRevoked | CertificateReissued);
const CERTIFICATE_EVENTS = new Set<string>(['CertificateIssued', 'CertificateDelivered', 'CertificateRevoked', 'CertificateReissued']);

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
        printed_folio: row?.printed_folio ?? null,
        reissues: row?.reissues ?? 0,
      };
    }
    case 'CertificateReissued':
      return row && { ...row, printed_folio: event.data.printedFolio, reissues: Number(row.reissues) + 1 };
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
    migrate: (db, dialect) => migrateCertificates(db, dialect),
    reset: (trx) => deleteAll(trx, [CERTIFICATES_TABLE, PRINTED_FOLIOS_TABLE]),
    async apply(trx, batch) {
      const events = projectedEvents(batch).filter((e): e is CertificateFact => CERTIFICATE_EVENTS.has(e.type));
      if (events.length === 0) return;
      const rows = new RowCache<CertificateRow>(trx, CERTIFICATES_TABLE, ['folio']);
      await rows.load(events.map((e) => e.data.folio));
      const reprints = events.filter((e): e is ProjectedEvent & CertificateReissued => e.type === 'CertificateReissued');
      const papers = new RowCache<PrintedFolioRow>(trx, PRINTED_FOLIOS_TABLE, ['printed_folio']);
      await papers.load(reprints.flatMap((e) => [e.data.printedFolio, ...(e.data.replacedPrintedFolio ? [e.data.replacedPrintedFolio] : [])]));
      for (const event of events) {
        const after = evolve(rows.get(event.data.folio), event);
        if (after) rows.put(after);
        if (event.type !== 'CertificateReissued') continue;
        const { folio, printedFolio, replacedPrintedFolio, reissuedAt } = event.data;
        const replaced = replacedPrintedFolio ? papers.get(replacedPrintedFolio) : undefined;
        if (replaced) papers.put({ ...replaced, replaced_at: isoTime(reissuedAt) });
        papers.put({ printed_folio: printedFolio, folio, replaced_at: null });
      }
      await rows.flush();
      await papers.flush();
    },
  };
}
