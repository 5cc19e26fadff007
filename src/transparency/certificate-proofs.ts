/**
 * A certificate's events in the tree: the issuance (and the revocation, when
 * there is one) found through the folio's own stream, each with its inclusion
 * proof against the latest checkpoint. For verifyCertificate { proofs } and the
 * public verification page (src/credentials).
 */
import { certificationStreamId, folioStreamId } from '../domain/certifications/events.js';
import type { EventStore, RecordedEvent } from '../eventstore/types.js';
import type { InclusionProofView, TransparencyLog } from './log.js';

const PROVEN = new Set(['CertificateIssued', 'CertificateRevoked']);

/** The CertificateIssued and CertificateRevoked events of `folio`, oldest first; empty for an unknown folio. */
export async function certificateEvents(store: Pick<EventStore, 'readStream'>, folio: string): Promise<RecordedEvent[]> {
  const [assigned] = await store.readStream(folioStreamId(folio), { toRevision: 0 });
  if (!assigned) return [];
  const { servantId, standardCode } = assigned.data as { servantId: string; standardCode: string };
  const events = await store.readStream(certificationStreamId(servantId, standardCode));
  return events.filter((event) => PROVEN.has(event.type) && (event.data as { folio?: unknown }).folio === folio);
}

/**
 * Inclusion proofs of a certificate's issuance and revocation against the
 * latest checkpoint; an event the tree has not taken yet is left out.
 */
export async function certificateInclusionProofs(log: TransparencyLog, store: Pick<EventStore, 'readStream'>, folio: string): Promise<InclusionProofView[]> {
  const proofs: InclusionProofView[] = [];
  for (const event of await certificateEvents(store, folio)) {
    const proof = await log.inclusionProof(event.position).catch((error: unknown) => {
      if ((error as { code?: string }).code === 'NOT_FOUND') return null;
      throw error;
    });
    if (proof) proofs.push(proof);
  }
  return proofs;
}
