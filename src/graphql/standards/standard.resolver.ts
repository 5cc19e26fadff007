import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { parseStandardCode } from '../../domain/shared/validation.js';
import type { StandardView } from '../../projections/read-model.js';
import { Authorized } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { positionString } from '../scalars.js';
import { mustExist, runCommand } from '../shared/command.js';
import { INPUT_DESCRIPTION } from '../shared/command.input.js';
import { PublishStandardInput, WithdrawStandardInput } from './standard.input.js';
import { StandardPayload } from './standard-payload.type.js';
import { CompetencyStandard } from './standard.type.js';
import { standardNodeId } from '../nodes/node.type.js';

@Resolver(() => CompetencyStandard)
export class StandardResolver {
  @Query(() => [CompetencyStandard], { description: 'Public: every published standard, withdrawn ones included.' })
  standards(@Ctx() { deps }: GraphQLContext): Promise<StandardView[]> {
    return deps.readModel.standards();
  }

  @Query(() => CompetencyStandard, { nullable: true, description: 'Public: one standard by code; null when none was published.' })
  standard(@Arg('code', () => String, { description: 'EC code, e.g. EC0105 (BAD_USER_INPUT when malformed).' }) code: string, @Ctx() { loaders }: GraphQLContext): Promise<StandardView | null> {
    return loaders.standards.load(parseStandardCode(code, 'code'));
  }

  @FieldResolver(() => ID, { description: 'Global id: `CompetencyStandard:<code>`.' })
  id(@Root() standard: StandardView): string {
    return standardNodeId(standard.code);
  }

  @FieldResolver(() => Int, { description: 'Distinct servants holding a VALID certificate in this standard now.' })
  certifiedCount(@Root() standard: StandardView, @Ctx() { loaders }: GraphQLContext): Promise<number> {
    return loaders.certifiedCounts.load(standard.code);
  }

  @Authorized('standard:publish')
  @Mutation(() => StandardPayload, { description: "ADMIN: publishes a competency standard as CONOCER did, so servants may train and be evaluated in it." })
  async publishStandard(
    @Arg('input', () => PublishStandardInput, { description: INPUT_DESCRIPTION }) input: PublishStandardInput,
    @Ctx() context: GraphQLContext,
  ): Promise<StandardPayload> {
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.publishStandard(command, ctx));
    return standardPayload(context, result);
  }

  @Authorized('standard:withdraw')
  @Mutation(() => StandardPayload, { description: "ADMIN: withdraws a standard: no new enrollments, verdicts or accreditations in it; issued certificates stand." })
  async withdrawStandard(
    @Arg('input', () => WithdrawStandardInput, { description: INPUT_DESCRIPTION }) input: WithdrawStandardInput,
    @Ctx() context: GraphQLContext,
  ): Promise<StandardPayload> {
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.withdrawStandard(command, ctx));
    return standardPayload(context, result);
  }
}

async function standardPayload(context: GraphQLContext, result: { code: string; position: bigint }): Promise<StandardPayload> {
  const standard = mustExist(await context.loaders.standards.load(result.code), `Standard ${result.code}`);
  return { standard, position: positionString(result.position) };
}
