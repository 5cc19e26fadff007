/** GraphQL enums mirroring the domain vocabulary and the read models' statuses. */
import { registerEnumType } from 'type-graphql';
import { EMPLOYMENT_REGIMES, MODALITIES, VERDICTS } from '../../domain/shared/vocabulary.js';
import type { CertificateStatus, CertificationStage, StandardStatus } from '../../projections/read-model.js';

/** `{ A: 'A', ... }`, the shape registerEnumType wants, from a list of names. */
function enumObject<const T extends string>(values: readonly T[]): { [K in T]: K } {
  return Object.fromEntries(values.map((value) => [value, value])) as { [K in T]: K };
}

export const EmploymentRegimeEnum = enumObject(EMPLOYMENT_REGIMES);
registerEnumType(EmploymentRegimeEnum, {
  name: 'EmploymentRegime',
  description: "How a servant is employed by the city hall (the HR file's regime).",
  valuesConfig: {
    BASE: { description: 'Trabajador de base (permanent, usually unionized).' },
    CONFIANZA: { description: 'De confianza (appointed).' },
    EVENTUAL: { description: 'Eventual: hired for a fixed term or a temporary need.' },
    HONORARIOS: { description: 'Por honorarios: paid for professional services, not on the payroll.' },
  },
});

export const ModalityEnum = enumObject(MODALITIES);
registerEnumType(ModalityEnum, {
  name: 'Modality',
  description: 'How a training (alineación) is given.',
  valuesConfig: {
    PRESENTIAL: { description: 'In a classroom, in person.' },
    VIRTUAL: { description: 'Online, e.g. the UTT virtual classrooms.' },
    BLENDED: { description: 'Partly in person, partly online.' },
  },
});

export const VerdictEnum = enumObject(VERDICTS);
registerEnumType(VerdictEnum, {
  name: 'Verdict',
  description: "An evaluator's judgement of competence (juicio de competencia) after gathering the candidate's evidence.",
  valuesConfig: {
    COMPETENT: { description: 'Competente.' },
    NOT_YET_COMPETENT: { description: 'Todavia no competente: may be evaluated again.' },
  },
});

// `satisfies` makes the compiler list every member of the read model's unions.
export const CertificationStageEnum = {
  IN_TRAINING: 'IN_TRAINING',
  TRAINED: 'TRAINED',
  NOT_YET_COMPETENT: 'NOT_YET_COMPETENT',
  COMPETENT: 'COMPETENT',
  CERTIFIED: 'CERTIFIED',
  REVOKED: 'REVOKED',
  EXPIRED: 'EXPIRED',
} as const satisfies { [K in CertificationStage]: K };
registerEnumType(CertificationStageEnum, {
  name: 'CertificationStage',
  description: "Where a servant's path in one standard stands at the time asked (now, or asOf). Expiry is read from validUntil, not recorded.",
  valuesConfig: {
    IN_TRAINING: { description: 'Enrolled in a training that has not been completed yet.' },
    TRAINED: { description: 'Training completed; no verdict since.' },
    NOT_YET_COMPETENT: { description: 'The latest verdict was NOT_YET_COMPETENT: may train and be evaluated again.' },
    COMPETENT: { description: 'The latest verdict was COMPETENT and its certificate is not issued yet.' },
    CERTIFIED: { description: 'The latest certificate is VALID.' },
    REVOKED: { description: 'The latest certificate was revoked.' },
    EXPIRED: { description: "The latest certificate's validUntil has passed: the servant may enroll again to renew." },
  },
});

export const CertificateStatusEnum = { VALID: 'VALID', EXPIRED: 'EXPIRED', REVOKED: 'REVOKED' } as const satisfies {
  [K in CertificateStatus]: K;
};
registerEnumType(CertificateStatusEnum, {
  name: 'CertificateStatus',
  description: 'Whether a certificate counts at the time asked. Revocation wins over expiry.',
  valuesConfig: {
    VALID: { description: 'Issued, not revoked, and within its validity (or permanent).' },
    EXPIRED: { description: "Past validUntil (the standard's validityYears after issuance)." },
    REVOKED: { description: 'Revoked by an ADMIN; it never counts again.' },
  },
});

export const StandardStatusEnum = { ACTIVE: 'ACTIVE', WITHDRAWN: 'WITHDRAWN' } as const satisfies { [K in StandardStatus]: K };
registerEnumType(StandardStatusEnum, {
  name: 'StandardStatus',
  description: 'Whether a competency standard takes new candidates.',
  valuesConfig: {
    ACTIVE: { description: 'Published: servants may enroll and be evaluated in it.' },
    WITHDRAWN: { description: 'Withdrawn (e.g. replaced by a new version): no new enrollments or verdicts; certificates already issued stand.' },
  },
});
