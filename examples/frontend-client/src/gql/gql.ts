/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "\n  query TijuanaGoal($municipality: String!, $asOf: DateTime) {\n    goals(municipality: $municipality) { id target startsAt deadline description }\n    certificationStats(municipality: $municipality, asOf: $asOf) {\n      id\n      certifiedServants\n      validCertificates\n      byRegime { key count }\n    }\n    ranking(first: 5) { rank municipality certifiedServants }\n  }\n": typeof types.TijuanaGoalDocument,
    "\n  query GoalProgress($goalId: ID!) {\n    goalProgress(goalId: $goalId) { goal { id target } achieved remaining percent }\n  }\n": typeof types.GoalProgressDocument,
    "\n  query ServantsPage($filter: ServantFilter, $first: Int, $after: String) {\n    servants(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          fullName\n          department\n          certifications { id stage standard { id code } certificate { id folio status } }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": typeof types.ServantsPageDocument,
    "\n  query CheckCertificate($folio: String!) {\n    verifyCertificate(folio: $folio) { found folio status standardCode holderInitials municipality validUntil }\n  }\n": typeof types.CheckCertificateDocument,
    "\n  subscription GoalProgressLive($goalId: ID!) {\n    goalProgressChanged(goalId: $goalId) { goal { id } achieved remaining percent }\n  }\n": typeof types.GoalProgressLiveDocument,
};
const documents: Documents = {
    "\n  query TijuanaGoal($municipality: String!, $asOf: DateTime) {\n    goals(municipality: $municipality) { id target startsAt deadline description }\n    certificationStats(municipality: $municipality, asOf: $asOf) {\n      id\n      certifiedServants\n      validCertificates\n      byRegime { key count }\n    }\n    ranking(first: 5) { rank municipality certifiedServants }\n  }\n": types.TijuanaGoalDocument,
    "\n  query GoalProgress($goalId: ID!) {\n    goalProgress(goalId: $goalId) { goal { id target } achieved remaining percent }\n  }\n": types.GoalProgressDocument,
    "\n  query ServantsPage($filter: ServantFilter, $first: Int, $after: String) {\n    servants(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          fullName\n          department\n          certifications { id stage standard { id code } certificate { id folio status } }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n": types.ServantsPageDocument,
    "\n  query CheckCertificate($folio: String!) {\n    verifyCertificate(folio: $folio) { found folio status standardCode holderInitials municipality validUntil }\n  }\n": types.CheckCertificateDocument,
    "\n  subscription GoalProgressLive($goalId: ID!) {\n    goalProgressChanged(goalId: $goalId) { goal { id } achieved remaining percent }\n  }\n": types.GoalProgressLiveDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query TijuanaGoal($municipality: String!, $asOf: DateTime) {\n    goals(municipality: $municipality) { id target startsAt deadline description }\n    certificationStats(municipality: $municipality, asOf: $asOf) {\n      id\n      certifiedServants\n      validCertificates\n      byRegime { key count }\n    }\n    ranking(first: 5) { rank municipality certifiedServants }\n  }\n"): (typeof documents)["\n  query TijuanaGoal($municipality: String!, $asOf: DateTime) {\n    goals(municipality: $municipality) { id target startsAt deadline description }\n    certificationStats(municipality: $municipality, asOf: $asOf) {\n      id\n      certifiedServants\n      validCertificates\n      byRegime { key count }\n    }\n    ranking(first: 5) { rank municipality certifiedServants }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query GoalProgress($goalId: ID!) {\n    goalProgress(goalId: $goalId) { goal { id target } achieved remaining percent }\n  }\n"): (typeof documents)["\n  query GoalProgress($goalId: ID!) {\n    goalProgress(goalId: $goalId) { goal { id target } achieved remaining percent }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ServantsPage($filter: ServantFilter, $first: Int, $after: String) {\n    servants(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          fullName\n          department\n          certifications { id stage standard { id code } certificate { id folio status } }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"): (typeof documents)["\n  query ServantsPage($filter: ServantFilter, $first: Int, $after: String) {\n    servants(filter: $filter, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          id\n          fullName\n          department\n          certifications { id stage standard { id code } certificate { id folio status } }\n        }\n      }\n      pageInfo { hasNextPage endCursor }\n    }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CheckCertificate($folio: String!) {\n    verifyCertificate(folio: $folio) { found folio status standardCode holderInitials municipality validUntil }\n  }\n"): (typeof documents)["\n  query CheckCertificate($folio: String!) {\n    verifyCertificate(folio: $folio) { found folio status standardCode holderInitials municipality validUntil }\n  }\n"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  subscription GoalProgressLive($goalId: ID!) {\n    goalProgressChanged(goalId: $goalId) { goal { id } achieved remaining percent }\n  }\n"): (typeof documents)["\n  subscription GoalProgressLive($goalId: ID!) {\n    goalProgressChanged(goalId: $goalId) { goal { id } achieved remaining percent }\n  }\n"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;