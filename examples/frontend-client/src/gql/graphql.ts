/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';
/** Whether a certificate counts at the time asked. Revocation wins over expiry. */
export type CertificateStatus =
  /** Past validUntil (the standard's validityYears after issuance). */
  | 'EXPIRED'
  /** Revoked by an ADMIN; it never counts again. */
  | 'REVOKED'
  /** Issued, not revoked, and within its validity (or permanent). */
  | 'VALID';

/** Where a servant's path in one standard stands at the time asked (now, or asOf). Expiry is read from validUntil, not recorded. */
export type CertificationStage =
  /** The latest certificate is VALID. */
  | 'CERTIFIED'
  /** The latest verdict was COMPETENT and its certificate is not issued yet. */
  | 'COMPETENT'
  /** The latest certificate's validUntil has passed: the servant may enroll again to renew. */
  | 'EXPIRED'
  /** Enrolled in a training that has not been completed yet. */
  | 'IN_TRAINING'
  /** The latest verdict was NOT_YET_COMPETENT: may train and be evaluated again. */
  | 'NOT_YET_COMPETENT'
  /** The latest certificate was revoked. */
  | 'REVOKED'
  /** Training completed; no verdict since. */
  | 'TRAINED';

/** How a servant is employed by the city hall (the HR file's regime). */
export type EmploymentRegime =
  /** Trabajador de base (permanent, usually unionized). */
  | 'BASE'
  /** De confianza (appointed). */
  | 'CONFIANZA'
  /** Eventual: hired for a fixed term or a temporary need. */
  | 'EVENTUAL'
  /** Por honorarios: paid for professional services, not on the payroll. */
  | 'HONORARIOS';

/** Narrows a servants list; every field given must match, absent or null fields match anything. */
export type ServantFilter = {
  /** true: holds a VALID certificate; false: holds none. */
  certified?: boolean | null | undefined;
  /** Exact department, e.g. Oficialia Mayor. */
  department?: string | null | undefined;
  /** Exact municipality, e.g. Tijuana. A REGISTRAR asking for another one gets an empty page. */
  municipality?: string | null | undefined;
  /** Case- and accent-insensitive match on the name. */
  nameContains?: string | null | undefined;
  /** Employment regime. */
  regime?: EmploymentRegime | null | undefined;
  /** Has a certification (any stage) in this standard, e.g. EC0105. */
  standardCode?: string | null | undefined;
  /** Exact state, e.g. Baja California. */
  state?: string | null | undefined;
  /** true: union members only; false: non-members only. */
  unionized?: boolean | null | undefined;
};

export type TijuanaGoalQueryVariables = Exact<{
  municipality: string;
  asOf?: string | null | undefined;
}>;


export type TijuanaGoalQuery = { goals: Array<{ id: string, target: number, startsAt: string, deadline: string, description: string | null }>, certificationStats: { id: string, certifiedServants: number, validCertificates: number, byRegime: Array<{ key: string, count: number }> }, ranking: Array<{ rank: number, municipality: string, certifiedServants: number }> };

export type GoalProgressQueryVariables = Exact<{
  goalId: string | number;
}>;


export type GoalProgressQuery = { goalProgress: { achieved: number, remaining: number, percent: number, goal: { id: string, target: number } } | null };

export type ServantsPageQueryVariables = Exact<{
  filter?: ServantFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type ServantsPageQuery = { servants: { totalCount: number, edges: Array<{ cursor: string, node: { id: string, fullName: string, department: string, certifications: Array<{ id: string, stage: CertificationStage, standard: { id: string, code: string }, certificate: { id: string, folio: string, status: CertificateStatus } | null }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type CheckCertificateQueryVariables = Exact<{
  folio: string;
}>;


export type CheckCertificateQuery = { verifyCertificate: { found: boolean, folio: string, status: CertificateStatus | null, standardCode: string | null, holderInitials: string | null, municipality: string | null, validUntil: string | null } };

export type GoalProgressLiveSubscriptionVariables = Exact<{
  goalId: string | number;
}>;


export type GoalProgressLiveSubscription = { goalProgressChanged: { achieved: number, remaining: number, percent: number, goal: { id: string } } };


export const TijuanaGoalDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"TijuanaGoal"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"municipality"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"DateTime"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goals"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"municipality"},"value":{"kind":"Variable","name":{"kind":"Name","value":"municipality"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"target"}},{"kind":"Field","name":{"kind":"Name","value":"startsAt"}},{"kind":"Field","name":{"kind":"Name","value":"deadline"}},{"kind":"Field","name":{"kind":"Name","value":"description"}}]}},{"kind":"Field","name":{"kind":"Name","value":"certificationStats"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"municipality"},"value":{"kind":"Variable","name":{"kind":"Name","value":"municipality"}}},{"kind":"Argument","name":{"kind":"Name","value":"asOf"},"value":{"kind":"Variable","name":{"kind":"Name","value":"asOf"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"certifiedServants"}},{"kind":"Field","name":{"kind":"Name","value":"validCertificates"}},{"kind":"Field","name":{"kind":"Name","value":"byRegime"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"key"}},{"kind":"Field","name":{"kind":"Name","value":"count"}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"ranking"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"IntValue","value":"5"}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"rank"}},{"kind":"Field","name":{"kind":"Name","value":"municipality"}},{"kind":"Field","name":{"kind":"Name","value":"certifiedServants"}}]}}]}}]} as unknown as DocumentNode<TijuanaGoalQuery, TijuanaGoalQueryVariables>;
export const GoalProgressDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"GoalProgress"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"goalId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goalProgress"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"goalId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"goalId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"target"}}]}},{"kind":"Field","name":{"kind":"Name","value":"achieved"}},{"kind":"Field","name":{"kind":"Name","value":"remaining"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}}]}}]}}]} as unknown as DocumentNode<GoalProgressQuery, GoalProgressQueryVariables>;
export const ServantsPageDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"ServantsPage"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"filter"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"ServantFilter"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"first"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"Int"}}},{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"after"}},"type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"servants"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"filter"},"value":{"kind":"Variable","name":{"kind":"Name","value":"filter"}}},{"kind":"Argument","name":{"kind":"Name","value":"first"},"value":{"kind":"Variable","name":{"kind":"Name","value":"first"}}},{"kind":"Argument","name":{"kind":"Name","value":"after"},"value":{"kind":"Variable","name":{"kind":"Name","value":"after"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"totalCount"}},{"kind":"Field","name":{"kind":"Name","value":"edges"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"cursor"}},{"kind":"Field","name":{"kind":"Name","value":"node"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"fullName"}},{"kind":"Field","name":{"kind":"Name","value":"department"}},{"kind":"Field","name":{"kind":"Name","value":"certifications"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"stage"}},{"kind":"Field","name":{"kind":"Name","value":"standard"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"code"}}]}},{"kind":"Field","name":{"kind":"Name","value":"certificate"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}},{"kind":"Field","name":{"kind":"Name","value":"folio"}},{"kind":"Field","name":{"kind":"Name","value":"status"}}]}}]}}]}}]}},{"kind":"Field","name":{"kind":"Name","value":"pageInfo"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"hasNextPage"}},{"kind":"Field","name":{"kind":"Name","value":"endCursor"}}]}}]}}]}}]} as unknown as DocumentNode<ServantsPageQuery, ServantsPageQueryVariables>;
export const CheckCertificateDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"query","name":{"kind":"Name","value":"CheckCertificate"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"folio"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"String"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"verifyCertificate"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"folio"},"value":{"kind":"Variable","name":{"kind":"Name","value":"folio"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"found"}},{"kind":"Field","name":{"kind":"Name","value":"folio"}},{"kind":"Field","name":{"kind":"Name","value":"status"}},{"kind":"Field","name":{"kind":"Name","value":"standardCode"}},{"kind":"Field","name":{"kind":"Name","value":"holderInitials"}},{"kind":"Field","name":{"kind":"Name","value":"municipality"}},{"kind":"Field","name":{"kind":"Name","value":"validUntil"}}]}}]}}]} as unknown as DocumentNode<CheckCertificateQuery, CheckCertificateQueryVariables>;
export const GoalProgressLiveDocument = {"kind":"Document","definitions":[{"kind":"OperationDefinition","operation":"subscription","name":{"kind":"Name","value":"GoalProgressLive"},"variableDefinitions":[{"kind":"VariableDefinition","variable":{"kind":"Variable","name":{"kind":"Name","value":"goalId"}},"type":{"kind":"NonNullType","type":{"kind":"NamedType","name":{"kind":"Name","value":"ID"}}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goalProgressChanged"},"arguments":[{"kind":"Argument","name":{"kind":"Name","value":"goalId"},"value":{"kind":"Variable","name":{"kind":"Name","value":"goalId"}}}],"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"goal"},"selectionSet":{"kind":"SelectionSet","selections":[{"kind":"Field","name":{"kind":"Name","value":"id"}}]}},{"kind":"Field","name":{"kind":"Name","value":"achieved"}},{"kind":"Field","name":{"kind":"Name","value":"remaining"}},{"kind":"Field","name":{"kind":"Name","value":"percent"}}]}}]}}]} as unknown as DocumentNode<GoalProgressLiveSubscription, GoalProgressLiveSubscriptionVariables>;