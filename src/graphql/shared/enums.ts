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
  valuesConfig: {
    BASE: { description: 'Trabajador de base (permanent, usually unionized).' },
    CONFIANZA: { description: 'De confianza (appointed).' },
  },
});

export const ModalityEnum = enumObject(MODALITIES);
registerEnumType(ModalityEnum, { name: 'Modality' });

export const VerdictEnum = enumObject(VERDICTS);
registerEnumType(VerdictEnum, {
  name: 'Verdict',
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
registerEnumType(CertificationStageEnum, { name: 'CertificationStage' });

export const CertificateStatusEnum = { VALID: 'VALID', EXPIRED: 'EXPIRED', REVOKED: 'REVOKED' } as const satisfies {
  [K in CertificateStatus]: K;
};
registerEnumType(CertificateStatusEnum, { name: 'CertificateStatus' });

export const StandardStatusEnum = { ACTIVE: 'ACTIVE', WITHDRAWN: 'WITHDRAWN' } as const satisfies { [K in StandardStatus]: K };
registerEnumType(StandardStatusEnum, { name: 'StandardStatus' });
