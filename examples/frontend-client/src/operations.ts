/** The README tour as typed documents, the way a frontend writes them: named, with variables. */
import { graphql } from './gql/index.js';

export const TijuanaGoal = graphql(`
  query TijuanaGoal($municipality: String!, $asOf: DateTime) {
    goals(municipality: $municipality) { id target startsAt deadline description }
    certificationStats(municipality: $municipality, asOf: $asOf) {
      id
      certifiedServants
      validCertificates
      byRegime { key count }
    }
    ranking(first: 5) { rank municipality certifiedServants }
  }
`);

export const GoalProgress = graphql(`
  query GoalProgress($goalId: ID!) {
    goalProgress(goalId: $goalId) { goal { id target } achieved remaining percent }
  }
`);

export const ServantsPage = graphql(`
  query ServantsPage($filter: ServantFilter, $first: Int, $after: String) {
    servants(filter: $filter, first: $first, after: $after) {
      totalCount
      edges {
        cursor
        node {
          id
          fullName
          department
          certifications { id stage standard { id code } certificate { id folio status } }
        }
      }
      pageInfo { hasNextPage endCursor }
    }
  }
`);

export const CheckCertificate = graphql(`
  query CheckCertificate($folio: String!) {
    verifyCertificate(folio: $folio) { found folio status standardCode holderInitials municipality validUntil }
  }
`);

export const GoalProgressLive = graphql(`
  subscription GoalProgressLive($goalId: ID!) {
    goalProgressChanged(goalId: $goalId) { goal { id } achieved remaining percent }
  }
`);
