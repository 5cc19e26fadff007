import type { EvaluatorState } from '../evaluators/state.js';
import { isAccreditedFor } from '../evaluators/state.js';
import type { RegisteredServant, ServantState } from '../servants/state.js';
import type { Decider } from '../shared/decider.js';
import { BadUserInputError, BusinessRuleError, NotFoundError } from '../shared/errors.js';
import { assertNever } from '../shared/event.js';
import { addYears, toTime } from '../shared/time.js';
import {
  LONG_TEXT_MAX_LENGTH,
  requireBusinessTime,
  requireOneOf,
  requireText,
  requireTrainingHours,
  type Folio,
} from '../shared/validation.js';
import { MODALITIES, VERDICTS } from '../shared/vocabulary.js';
import type { StandardState } from '../standards/state.js';
import type { CertificationCommand, CertificationKey } from './commands.js';
import type { CertificationEvent } from './events.js';
import { certificateStatus, holdsValidCertificate } from './stage.js';
import { evolve, findCertificate, initialState, type CertificateState, type CertificationState, type StartedCertification } from './state.js';

/**
 * What a certification decision reads from other streams, folded by the handler:
 * the standard and the servant of the stream, and the evaluator for RecordVerdict.
 */
export interface CertificationDeps {
  standard: StandardState;
  servant: ServantState;
  evaluator?: EvaluatorState;
}

export function decide(
  command: CertificationCommand,
  state: CertificationState,
  deps: CertificationDeps,
): CertificationEvent[] {
  requireBusinessTime(command);
  const at = command.occurredAt;
  const time = at.toISOString();
  // One certification's story reads forward in business time: a step dated before
  // the last one could slip past rules that look at the latest state.
  if (state.exists && at.getTime() < toTime(state.updatedAt)) {
    throw new BadUserInputError(`occurredAt is before the last recorded step of this certification (${state.updatedAt})`, 'occurredAt');
  }
  switch (command.type) {
    case 'EnrollInTraining': {
      const { servantId, standardCode } = command.data;
      const provider = requireText(command.data.provider, 'provider');
      const modality = requireOneOf(command.data.modality, MODALITIES, 'modality');
      requireCandidate(state, requireParties(deps, command.data), at);
      if (state.exists && state.trainingOpen) {
        throw new BusinessRuleError('ALREADY_IN_TRAINING', `Servant ${servantId} is already in training for ${standardCode}`);
      }
      return [{ type: 'TrainingEnrolled', data: { servantId, standardCode, provider, modality, enrolledAt: time } }];
    }
    case 'CompleteTraining': {
      const { servantId, standardCode } = command.data;
      const hours = requireTrainingHours(command.data.hours);
      requireParties(deps, command.data);
      const started = requireCertification(state, servantId, standardCode);
      if (!started.trainingOpen) {
        throw new BusinessRuleError('NOT_IN_TRAINING', `Servant ${servantId} has no open training for ${standardCode}`);
      }
      return [{ type: 'TrainingCompleted', data: { servantId, standardCode, hours, completedAt: time } }];
    }
    case 'RecordVerdict': {
      const { servantId, standardCode, evaluatorId } = command.data;
      const verdict = requireOneOf(command.data.verdict, VERDICTS, 'verdict');
      const parties = requireParties(deps, command.data);
      if (!deps.evaluator?.exists) throw new NotFoundError(`Evaluator ${evaluatorId} does not exist`);
      // Training is optional (alineación is not compulsory): a verdict needs no enrollment.
      requireCandidate(state, parties, at);
      if (!isAccreditedFor(deps.evaluator, standardCode, at)) {
        throw new BusinessRuleError(
          'EVALUATOR_NOT_ACCREDITED',
          `Evaluator ${evaluatorId} is not accredited for ${standardCode} at ${time}`,
        );
      }
      const attempt = (state.exists ? state.attempts : 0) + 1;
      return [
        { type: 'VerdictRecorded', data: { servantId, standardCode, evaluatorId, verdict, attempt, evaluatedAt: time } },
      ];
    }
    case 'IssueCertificate': {
      const { servantId, standardCode, folio } = command.data;
      const { standard, servant } = requireParties(deps, command.data);
      const started = requireCertification(state, servantId, standardCode);
      // Competence once judged stands: a later separation or withdrawal does not block the certificate.
      if (!started.competentSinceLastIssue) {
        throw new BusinessRuleError(
          'NO_COMPETENT_VERDICT',
          `Servant ${servantId} has no COMPETENT verdict in ${standardCode} since the last certificate`,
        );
      }
      const { validityYears } = standard;
      const { state: holderState, municipality, department, regime, unionized } = servant;
      return [
        {
          type: 'CertificateIssued',
          data: {
            servantId,
            standardCode,
            folio,
            issuedAt: time,
            validUntil: validityYears === null ? null : addYears(at, validityYears).toISOString(),
            holder: { state: holderState, municipality, department, regime, unionized },
          },
        },
      ];
    }
    case 'DeliverCertificate': {
      const { folio } = command.data;
      const ceremony = requireText(command.data.ceremony, 'ceremony');
      const { started, certificate } = requireCertificate(state, folio, at);
      requireNotRevoked(certificate);
      if (certificate.deliveredAt !== null) {
        throw new BusinessRuleError('ALREADY_DELIVERED', `Certificate ${folio} was delivered at ${certificate.deliveredAt}`);
      }
      const { servantId, standardCode } = started;
      return [{ type: 'CertificateDelivered', data: { servantId, standardCode, folio, ceremony, deliveredAt: time } }];
    }
    case 'RevokeCertificate': {
      const { folio } = command.data;
      const reason = requireText(command.data.reason, 'reason', LONG_TEXT_MAX_LENGTH);
      const { started, certificate } = requireCertificate(state, folio, at);
      requireNotRevoked(certificate);
      const { servantId, standardCode } = started;
      return [{ type: 'CertificateRevoked', data: { servantId, standardCode, folio, reason, revokedAt: time } }];
    }
    case 'ReissueCertificate': {
      const { folio, printedFolio } = command.data;
      const reason = requireText(command.data.reason, 'reason', LONG_TEXT_MAX_LENGTH);
      const { started, certificate } = requireCertificate(state, folio, at);
      const status = certificateStatus(certificate, at);
      if (status !== 'VALID') {
        throw new BusinessRuleError('CERTIFICATE_NOT_DELIVERABLE', `Certificate ${folio} is ${status.toLowerCase()}: it cannot be reprinted`);
      }
      if (printedFolio === certificate.printedFolio || (printedFolio as string) === folio) {
        throw new BadUserInputError(`Certificate ${folio} already carries ${printedFolio}; a reprint needs the new paper's folio`, 'printedFolio');
      }
      const { servantId, standardCode } = started;
      return [
        {
          type: 'CertificateReissued',
          data: { servantId, standardCode, folio, printedFolio, replacedPrintedFolio: certificate.printedFolio, reason, reissuedAt: time },
        },
      ];
    }
    default:
      return assertNever(command);
  }
}

/** The standard and the servant of the stream, both of which must exist. */
interface Parties {
  standard: Extract<StandardState, { exists: true }>;
  servant: RegisteredServant;
}

function requireParties({ standard, servant }: CertificationDeps, { servantId, standardCode }: CertificationKey): Parties {
  if (!standard.exists) throw new NotFoundError(`Standard ${standardCode} does not exist`);
  if (!servant.exists) throw new NotFoundError(`Servant ${servantId} does not exist`);
  return { standard, servant };
}

/** A step on a certification that was never started names nothing: NOT_FOUND, like a missing servant or standard. */
function requireCertification(state: CertificationState, servantId: string, standardCode: string): StartedCertification {
  if (!state.exists) throw new NotFoundError(`Servant ${servantId} has no certification in ${standardCode}`);
  return state;
}

/** Who may be enrolled or evaluated: an active servant, in an active standard, holding no VALID certificate in it. */
function requireCandidate(state: CertificationState, { standard, servant }: Parties, at: Date): void {
  if (standard.status !== 'ACTIVE') {
    throw new BusinessRuleError('STANDARD_NOT_ACTIVE', `Standard ${standard.code} is withdrawn`);
  }
  if (!servant.active) throw new BusinessRuleError('SERVANT_NOT_ACTIVE', `Servant ${servant.servantId} was separated`);
  if (holdsValidCertificate(state, at)) {
    throw new BusinessRuleError(
      'ALREADY_CERTIFIED',
      `Servant ${servant.servantId} holds a valid certificate in ${standard.code} at ${at.toISOString()}`,
    );
  }
}

/** The certificate with that folio in this stream, not acted on before it was issued. */
function requireCertificate(state: CertificationState, folio: Folio, at: Date): { started: StartedCertification; certificate: CertificateState } {
  const certificate = state.exists ? findCertificate(state, folio) : undefined;
  if (!state.exists || !certificate) throw new NotFoundError(`Certificate ${folio} does not exist`);
  if (at.getTime() < toTime(certificate.issuedAt)) {
    throw new BadUserInputError(`occurredAt is before certificate ${folio} was issued`, 'occurredAt');
  }
  return { started: state, certificate };
}

function requireNotRevoked(certificate: CertificateState): void {
  if (certificate.revokedAt !== null) {
    throw new BusinessRuleError('CERTIFICATE_REVOKED', `Certificate ${certificate.folio} was revoked`);
  }
}

export const certificationDecider: Decider<
  CertificationState,
  CertificationCommand,
  CertificationEvent,
  CertificationDeps
> = { initialState, evolve, decide };
