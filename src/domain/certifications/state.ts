import { assertNever } from '../shared/event.js';
import type { Modality, Verdict } from '../shared/vocabulary.js';
import type { CertificationEvent, HolderSnapshot } from './events.js';

/** One certificate of the stream; times are ISO-8601 business time. */
export interface CertificateState {
  folio: string;
  issuedAt: string;
  /** null: never expires. */
  validUntil: string | null;
  holder: HolderSnapshot;
  deliveredAt: string | null;
  ceremony: string | null;
  revokedAt: string | null;
  revocationReason: string | null;
  /** Folio preimpreso of the paper the holder has now; null until a reissue records one. */
  printedFolio: string | null;
  /** Times it was reprinted. */
  reissues: number;
}

/** The last step taken; certificationStage turns it into the public stage at a given time. */
export type CertificationPhase = 'IN_TRAINING' | 'TRAINED' | 'EVALUATED' | 'CERTIFIED';

/** A certification stream with at least one event. */
export interface StartedCertification {
  exists: true;
  servantId: string;
  standardCode: string;
  /** Enrolled and not yet completed (a verdict or an issuance also ends it). */
  trainingOpen: boolean;
  /** Of the latest enrollment. */
  trainingProvider: string | null;
  modality: Modality | null;
  /** Of the latest completed training; null while one is open or none was taken. */
  trainingHours: number | null;
  /** Verdicts recorded so far. */
  attempts: number;
  lastVerdict: Verdict | null;
  /** The latest verdict is COMPETENT and no certificate was issued after it. */
  competentSinceLastIssue: boolean;
  phase: CertificationPhase;
  /** The latest certificate (also the last of `certificates`). */
  certificate: CertificateState | null;
  /** Every certificate of the stream, oldest first: renewals keep the expired ones. */
  certificates: CertificateState[];
  /** Business time of the last event. */
  updatedAt: string;
}

/** A certification stream folded: nothing recorded yet, or started. */
export type CertificationState = { exists: false } | StartedCertification;

export const initialState = (): CertificationState => ({ exists: false });

/**
 * The state a stream's first event starts from. Every event that can
 * start a stream (an enrollment, a verdict) sets phase and updatedAt; the keys
 * keep the order the read model has always stored.
 */
const startedBy = (servantId: string, standardCode: string): StartedCertification => ({
  exists: true,
  servantId,
  standardCode,
  trainingOpen: false,
  trainingProvider: null,
  modality: null,
  trainingHours: null,
  attempts: 0,
  lastVerdict: null,
  competentSinceLastIssue: false,
  phase: 'IN_TRAINING',
  certificate: null,
  certificates: [],
  updatedAt: '',
});

export function evolve(state: CertificationState, event: CertificationEvent): CertificationState {
  const { servantId, standardCode } = event.data;
  const base: StartedCertification = state.exists ? { ...state, servantId, standardCode } : startedBy(servantId, standardCode);
  switch (event.type) {
    case 'TrainingEnrolled': {
      const { provider, modality, enrolledAt } = event.data;
      return {
        ...base,
        trainingOpen: true,
        trainingProvider: provider,
        modality,
        trainingHours: null,
        phase: 'IN_TRAINING',
        updatedAt: enrolledAt,
      };
    }
    case 'TrainingCompleted': {
      const { hours, completedAt } = event.data;
      return { ...base, trainingOpen: false, trainingHours: hours, phase: 'TRAINED', updatedAt: completedAt };
    }
    case 'VerdictRecorded': {
      const { verdict, attempt, evaluatedAt } = event.data;
      return {
        ...base,
        trainingOpen: false,
        attempts: attempt,
        lastVerdict: verdict,
        competentSinceLastIssue: verdict === 'COMPETENT',
        phase: 'EVALUATED',
        updatedAt: evaluatedAt,
      };
    }
    case 'CertificateIssued': {
      const { folio, issuedAt, validUntil, holder } = event.data;
      const certificate: CertificateState = {
        folio,
        issuedAt,
        validUntil,
        holder: { ...holder },
        deliveredAt: null,
        ceremony: null,
        revokedAt: null,
        revocationReason: null,
        printedFolio: null,
        reissues: 0,
      };
      return withCertificates(
        { ...base, trainingOpen: false, competentSinceLastIssue: false, phase: 'CERTIFIED', updatedAt: issuedAt },
        [...base.certificates, certificate],
      );
    }
    case 'CertificateDelivered': {
      const { folio, ceremony, deliveredAt } = event.data;
      return withCertificates(
        { ...base, updatedAt: deliveredAt },
        base.certificates.map((c) => (c.folio === folio ? { ...c, deliveredAt, ceremony } : c)),
      );
    }
    case 'CertificateReissued': {
      const { folio, printedFolio, reissuedAt } = event.data;
      return withCertificates(
        { ...base, updatedAt: reissuedAt },
        base.certificates.map((c) => (c.folio === folio ? { ...c, printedFolio, reissues: c.reissues + 1 } : c)),
      );
    }
    case 'CertificateRevoked': {
      const { folio, reason, revokedAt } = event.data;
      return withCertificates(
        { ...base, updatedAt: revokedAt },
        base.certificates.map((c) => (c.folio === folio ? { ...c, revokedAt, revocationReason: reason } : c)),
      );
    }
    default:
      return assertNever(event);
  }
}

function withCertificates(state: StartedCertification, certificates: CertificateState[]): StartedCertification {
  return { ...state, certificates, certificate: certificates.at(-1) ?? null };
}

export const findCertificate = (state: StartedCertification, folio: string): CertificateState | undefined =>
  state.certificates.find((certificate) => certificate.folio === folio);
