/**
 * Time travel for `certification(asOf)`: fold the events recorded up to asOf
 * with the domain's own decider and read stage and status at asOf, with the
 * same code the deciders and projections use (no second implementation).
 */
import { certificationDecider } from '../../domain/certifications/decide.js';
import { certificationStreamId } from '../../domain/certifications/events.js';
import { certificateStatus, certificationStage } from '../../domain/certifications/stage.js';
import type { CertificateState } from '../../domain/certifications/state.js';
import { foldStream } from '../../application/folding.js';
import type { CertificateView } from '../../projections/read-model.js';
import type { GraphQLContext } from '../context.js';
import type { CertificationRoot } from './certification.type.js';

function certificateView(servantId: string, standardCode: string, certificate: CertificateState, at: Date): CertificateView {
  return {
    folio: certificate.folio,
    servantId,
    standardCode,
    status: certificateStatus(certificate, at),
    municipality: certificate.holder.municipality,
    state: certificate.holder.state,
    issuedAt: certificate.issuedAt,
    validUntil: certificate.validUntil,
    deliveredAt: certificate.deliveredAt,
    ceremony: certificate.ceremony,
    revokedAt: certificate.revokedAt,
    revocationReason: certificate.revocationReason,
    printedFolio: certificate.printedFolio,
    reissues: certificate.reissues,
  };
}

export async function certificationAsOf(
  context: GraphQLContext,
  servantId: string,
  standardCode: string,
  asOf: Date,
): Promise<CertificationRoot | null> {
  const id = certificationStreamId(servantId, standardCode);
  const events = await context.deps.store.readStream(id, { recordedUntil: asOf });
  const state = foldStream(certificationDecider, events);
  if (!state.exists) return null;
  return {
    id,
    servantId,
    standardCode,
    stage: certificationStage(state, asOf),
    trainingProvider: state.trainingProvider,
    modality: state.modality,
    trainingHours: state.trainingHours,
    attempts: state.attempts,
    lastVerdict: state.lastVerdict,
    folio: state.certificate?.folio ?? null,
    version: events.length,
    updatedAt: state.updatedAt,
    certificateAsOf: state.certificate ? certificateView(servantId, standardCode, state.certificate, asOf) : null,
  };
}
