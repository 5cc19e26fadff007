import { Arg, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import type { EvaluatorView } from '../../projections/read-model.js';
import { Authorized } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { positionString } from '../scalars.js';
import { mustExist, runCommand } from '../shared/command.js';
import { INPUT_DESCRIPTION } from '../shared/command.input.js';
import { AccreditEvaluatorInput } from './evaluator.input.js';
import { Evaluator, EvaluatorPayload } from './evaluator.type.js';

@Resolver(() => Evaluator)
export class EvaluatorResolver {
  @Authorized('evaluator:read')
  @Query(() => [Evaluator], { description: 'Signed-in callers: every accredited evaluator (not limited to a municipality).' })
  evaluators(@Ctx() { deps }: GraphQLContext): Promise<EvaluatorView[]> {
    return deps.readModel.evaluators();
  }

  @Authorized('evaluator:accredit')
  @Mutation(() => EvaluatorPayload, { description: "ADMIN: accredits an evaluator for some standards, or renews or widens an accreditation (same id)." })
  async accreditEvaluator(
    @Arg('input', () => AccreditEvaluatorInput, { description: INPUT_DESCRIPTION }) input: AccreditEvaluatorInput,
    @Ctx() context: GraphQLContext,
  ): Promise<EvaluatorPayload> {
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.accreditEvaluator(command, ctx));
    // The read model has no by-id look-up for evaluators: there are few of them.
    const evaluators = await context.deps.readModel.evaluators();
    const evaluator = mustExist(
      evaluators.find((candidate) => candidate.id === result.evaluatorId),
      `Evaluator ${result.evaluatorId}`,
    );
    return { evaluator, position: positionString(result.position) };
  }
}
