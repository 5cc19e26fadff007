/** Certificates by folio: issuance (with the holder snapshot), delivery, revocation, reprints (and every printed folio they had). */
import { STANDARD_EVENT_SCHEMAS } from '../../domain/standards/events.js';
import { SERVANT_EVENT_SCHEMAS } from '../../domain/servants/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from '../../domain/evaluators/events.js';
import { GOAL_EVENT_SCHEMAS } from '../../domain/goals/events.js';
import { type EventHandler, foldingProjection, IGNORED, ignoring, type Projection, type ProjectedEvent } from '../projection.js';
import { isoTime, RowCache, toFlag } from '../sql-support.js';
import { CERTIFICATES_TABLE, type CertificateRow, PRINTED_FOLIOS_TABLE, type PrintedFolioRow, migrateCertificates } from './tables.js';

type CertificateFact = ProjectedEvent<'CertificateIssued' | 'CertificateDelivered' | 'CertificateRevoked' | 'CertificateReissued'>;

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

interface Batch {
  rows: RowCache<CertificateRow>;
  /** Printed folios, for reprints. */
  papers: RowCache<PrintedFolioRow>;
}

const fold: EventHandler<Batch, CertificateFact['type']> = ({ rows }, event) => {
  const after = evolve(rows.get(event.data.folio), event);
  if (after) rows.put(after);
};

const reprint: EventHandler<Batch, 'CertificateReissued'> = (batch, event) => {
  fold(batch, event);
  const { folio, printedFolio, replacedPrintedFolio, reissuedAt } = event.data;
  const replaced = replacedPrintedFolio ? batch.papers.get(replacedPrintedFolio) : undefined;
  if (replaced) batch.papers.put({ ...replaced, replaced_at: isoTime(reissuedAt) });
  batch.papers.put({ printed_folio: printedFolio, folio, replaced_at: null });
};

export function createCertificatesProjection(): Projection {
  return foldingProjection<Batch>({
    name: 'certificates',
    version: 1,
    tables: [CERTIFICATES_TABLE, PRINTED_FOLIOS_TABLE],
    readerIndexes: ['rm_certificates_servant', 'rm_certificates_place_issued', 'rm_certificates_valid_until'],
    migrate: (db, dialect) => migrateCertificates(db, dialect),
    handlers: {
      CertificateIssued: fold,
      CertificateDelivered: fold,
      CertificateRevoked: fold,
      CertificateReissued: reprint,
      ...ignoring(STANDARD_EVENT_SCHEMAS, SERVANT_EVENT_SCHEMAS, EVALUATOR_EVENT_SCHEMAS, GOAL_EVENT_SCHEMAS),
      TrainingEnrolled: IGNORED,
      TrainingCompleted: IGNORED,
      VerdictRecorded: IGNORED,
      FolioAssigned: IGNORED,
      PrintedFolioAssigned: IGNORED,
    },
    async open(trx, events) {
      const facts = events as CertificateFact[];
      const rows = new RowCache<CertificateRow>(trx, CERTIFICATES_TABLE, ['folio']);
      await rows.load(facts.map((e) => e.data.folio));
      const papers = new RowCache<PrintedFolioRow>(trx, PRINTED_FOLIOS_TABLE, ['printed_folio']);
      await papers.load(
        facts.flatMap((e) => (e.type === 'CertificateReissued' ? [e.data.printedFolio, ...(e.data.replacedPrintedFolio ? [e.data.replacedPrintedFolio] : [])] : [])),
      );
      return { rows, papers };
    },
    async close({ rows, papers }) {
      await rows.flush();
      await papers.flush();
    },
  });
}
