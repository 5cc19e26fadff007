import { Max, Min } from 'class-validator';
import { Arg, Args, ArgsType, Ctx, Field, Int, Query, Resolver } from 'type-graphql';
import type { CertificationStatsView, MunicipalityRankView } from '../../projections/read-model.js';
import type { GraphQLContext } from '../context.js';
import { DateTimeScalar } from '../scalars.js';
import { CertificationStats, MunicipalityRank } from './statistics.type.js';
import { statsNodeId } from '../nodes/node.type.js';

/** Mexico has about 2,500 municipalities. */
const MAX_RANKING = 3000;

@ArgsType()
class RankingArgs {
  @Field(() => String, { nullable: true, description: "Rank only this state's municipalities; absent: the whole country." })
  state?: string | null;

  @Min(1)
  @Max(MAX_RANKING)
  @Field(() => Int, { nullable: true, defaultValue: 10, description: `How many municipalities, from the top: 1 to ${MAX_RANKING}.` })
  first!: number;
}

/** Public aggregates: no personal data, no token needed. */
@Resolver()
export class StatisticsResolver {
  @Query(() => CertificationStats, { description: 'Public aggregates. asOf is business time (default now).' })
  async certificationStats(
    @Arg('state', () => String, { nullable: true, description: 'Only this state; absent with no municipality: the whole country.' }) state: string | null,
    @Arg('municipality', () => String, { nullable: true, description: 'Only this municipality (of every state of that name unless state is given).' }) municipality: string | null,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Business time: the figures at the end of that UTC day. Absent: now.' }) asOf: Date | null,
    @Ctx() { deps, now }: GraphQLContext,
  ): Promise<CertificationStatsView & { id: string }> {
    const stats = await deps.readModel.certificationStats({ state, municipality }, asOf ?? now);
    return { ...stats, id: statsNodeId({ state, municipality, asOf }) };
  }

  @Query(() => [MunicipalityRank], { description: 'Public ranking of municipalities by certified servants.' })
  ranking(@Args(() => RankingArgs) { state, first }: RankingArgs, @Ctx() { deps, now }: GraphQLContext): Promise<MunicipalityRankView[]> {
    return deps.readModel.ranking(state ?? null, first, now);
  }
}
