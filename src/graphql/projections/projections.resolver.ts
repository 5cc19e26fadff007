import { Ctx, Query, Resolver } from 'type-graphql';
import { Authorized } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { positionString } from '../scalars.js';
import { ProjectionStatus } from './projection-status.type.js';

@Resolver()
export class ProjectionsResolver {
  @Authorized('projection:read')
  @Query(() => [ProjectionStatus], { description: 'AUDITOR and ADMIN: every read model and how far it has followed the log.' })
  async projections(@Ctx() { deps }: GraphQLContext): Promise<ProjectionStatus[]> {
    const statuses = await deps.readModel.projections();
    return statuses.map((status) => ({ ...status, position: positionString(status.position) }));
  }
}
