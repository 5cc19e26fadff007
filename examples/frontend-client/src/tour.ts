/** The README's five-minute tour, as a program: what a dashboard and an HR screen would call. */
import type { AcreditaClient } from './client.js';
import type { ServantFilter } from './gql/graphql.js';
import { CheckCertificate, GoalProgress, GoalProgressLive, ServantsPage, TijuanaGoal } from './operations.js';

export interface TourResult {
  goalId: string;
  target: number;
  certifiedAtCeremony: number;
  progress: { achieved: number; remaining: number; percent: number };
  ranking: { municipality: string; certifiedServants: number }[];
  certificate: { found: boolean; status: string | null };
}

export async function tour({ apollo }: AcreditaClient): Promise<TourResult> {
  const { data: goal } = await apollo.query({ query: TijuanaGoal, variables: { municipality: 'Tijuana', asOf: '2018-09-18T23:59:59Z' } });
  const first = goal.goals[0];
  if (!first) throw new Error('Tijuana has no goal: is this the demo?');
  const { data: progress } = await apollo.query({ query: GoalProgress, variables: { goalId: first.id } });
  const { data: check } = await apollo.query({ query: CheckCertificate, variables: { folio: 'UTT-EC0217-2017-0002' } });
  const { achieved, remaining, percent } = progress.goalProgress!;
  return {
    goalId: first.id,
    target: first.target,
    certifiedAtCeremony: goal.certificationStats.certifiedServants,
    progress: { achieved, remaining, percent },
    ranking: goal.ranking.map(({ municipality, certifiedServants }) => ({ municipality, certifiedServants })),
    certificate: { found: check.verifyCertificate.found, status: check.verifyCertificate.status ?? null },
  };
}

/** Every servant matching `filter`, page after page with fetchMore; relayStylePagination merges them in the cache. */
export async function allServants({ apollo }: AcreditaClient, filter: ServantFilter, pageSize = 25): Promise<{ ids: string[]; totalCount: number }> {
  const watched = apollo.watchQuery({ query: ServantsPage, variables: { filter, first: pageSize } });
  let { data } = await watched.result();
  while (data.servants.pageInfo.hasNextPage) {
    await watched.fetchMore({ variables: { after: data.servants.pageInfo.endCursor } });
    data = watched.getCurrentResult().data!;
  }
  return { ids: data.servants.edges.map((edge) => edge.node.id), totalCount: data.servants.totalCount };
}

/** A live ceremony dashboard: calls `onChange` with each new figure until the returned function is called. */
export function watchGoal({ apollo }: AcreditaClient, goalId: string, onChange: (achieved: number) => void): () => void {
  const subscription = apollo.subscribe({ query: GoalProgressLive, variables: { goalId } }).subscribe({
    next: ({ data }) => data && onChange(data.goalProgressChanged.achieved),
  });
  return () => subscription.unsubscribe();
}
