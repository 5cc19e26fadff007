/** Enumerations shared by several features (the GraphQL enums mirror them). */
export const EMPLOYMENT_REGIMES = ['BASE', 'CONFIANZA', 'EVENTUAL', 'HONORARIOS'] as const;
export type EmploymentRegime = (typeof EMPLOYMENT_REGIMES)[number];

export const MODALITIES = ['PRESENTIAL', 'VIRTUAL', 'BLENDED'] as const;
export type Modality = (typeof MODALITIES)[number];

export const VERDICTS = ['COMPETENT', 'NOT_YET_COMPETENT'] as const;
export type Verdict = (typeof VERDICTS)[number];
