import { Arg, Ctx, ID, Mutation, Query, Resolver } from 'type-graphql';
import { requireId } from '../../domain/shared/validation.js';
import type { GoalProgressView, GoalView } from '../../projections/read-model.js';
import { Authorized } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { positionString } from '../scalars.js';
import { mustExist, runCommand } from '../shared/command.js';
import { INPUT_DESCRIPTION } from '../shared/command.input.js';
import { SetGoalInput } from './goal.input.js';
import { Goal, GoalPayload, GoalProgress } from './goal.type.js';

@Resolver(() => Goal)
export class GoalResolver {
  @Query(() => [Goal], { description: 'Public: the goals set, optionally of one municipality.' })
  goals(
    @Arg('municipality', () => String, { nullable: true, description: 'Only this municipality\'s goals; absent: all.' }) municipality: string | null,
    @Ctx() { deps }: GraphQLContext,
  ): Promise<GoalView[]> {
    return deps.readModel.goals(municipality ?? null);
  }

  @Query(() => GoalProgress, { nullable: true, description: "Public: a goal's progress now; null for an unknown goal." })
  goalProgress(@Arg('goalId', () => ID, { description: 'Goal.id (a UUID).' }) goalId: string, @Ctx() { deps }: GraphQLContext): Promise<GoalProgressView | null> {
    return deps.readModel.goalProgress(requireId(goalId, 'goalId'));
  }

  @Authorized('goal:set')
  @Mutation(() => GoalPayload, { description: "ADMIN: sets a municipality's goal of certified servants." })
  async setGoal(@Arg('input', () => SetGoalInput, { description: INPUT_DESCRIPTION }) input: SetGoalInput, @Ctx() context: GraphQLContext): Promise<GoalPayload> {
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.setGoal(command, ctx));
    const progress = mustExist(await context.deps.readModel.goalProgress(result.goalId), `Goal ${result.goalId}`);
    return { goal: progress.goal, position: positionString(result.position) };
  }
}
