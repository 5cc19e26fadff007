/**
 * Stage and status at a given business time: the single implementation used by the
 * deciders, the projections and time travel. Expiry is not an event; it is read here.
 */
import { toTime } from '../shared/time.js';
import { assertNever } from '../shared/event.js';
import type { CertificateState, CertificationState, StartedCertification } from './state.js';

// The read models and GraphQL use these same unions (src/projections/read-model.ts re-exports them).
export type CertificationStage =
  | 'IN_TRAINING'
  | 'TRAINED'
  | 'NOT_YET_COMPETENT'
  | 'COMPETENT'
  | 'CERTIFIED'
  | 'REVOKED'
  | 'EXPIRED';
export type CertificateStatus = 'VALID' | 'EXPIRED' | 'REVOKED';

/**
 * REVOKED once revoked at or before `at`; EXPIRED after validUntil (valid through that
 * instant); VALID otherwise, permanent certificates included. Revocation wins over expiry.
 */
export function certificateStatus(
  certificate: Pick<CertificateState, 'validUntil' | 'revokedAt'>,
  at: Date,
): CertificateStatus {
  const time = at.getTime();
  if (certificate.revokedAt !== null && toTime(certificate.revokedAt) <= time) return 'REVOKED';
  if (certificate.validUntil !== null && time > toTime(certificate.validUntil)) return 'EXPIRED';
  return 'VALID';
}

/** A certificate of the stream, already issued at `at`, that is VALID at `at`. */
export function holdsValidCertificate(state: CertificationState, at: Date): boolean {
  return state.exists && state.certificates.some(
    (certificate) => toTime(certificate.issuedAt) <= at.getTime() && certificateStatus(certificate, at) === 'VALID',
  );
}

/**
 * A COMPETENT verdict awaiting its certificate shows as COMPETENT whatever happened
 * since (a new enrollment does not undo it); otherwise the last step decides, and a
 * certificate reads CERTIFIED, REVOKED or EXPIRED at `at`.
 */
export function certificationStage(
  state: Pick<StartedCertification, 'competentSinceLastIssue' | 'phase'> & {
    certificate: Pick<CertificateState, 'validUntil' | 'revokedAt'> | null;
  },
  at: Date,
): CertificationStage {
  if (state.competentSinceLastIssue) return 'COMPETENT';
  switch (state.phase) {
    case 'IN_TRAINING':
    case 'TRAINED':
      return state.phase;
    case 'EVALUATED':
      // A COMPETENT verdict is either still awaiting its certificate (above) or followed by one.
      return 'NOT_YET_COMPETENT';
    case 'CERTIFIED': {
      const status = certificateStatus(state.certificate!, at);
      return status === 'VALID' ? 'CERTIFIED' : status;
    }
    default:
      return assertNever(state.phase);
  }
}
