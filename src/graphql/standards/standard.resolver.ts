import { Arg, Authorized, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { parseStandardCode } from '../../domain/shared/validation.js';
import type { StandardView } from '../../projections/read-model.js';
import { ADMINS } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { positionString } from '../scalars.js';
import { mustExist, runCommand } from '../shared/command.js';
import { PublishStandardInput, WithdrawStandardInput } from './standard.input.js';
import { StandardPayload } from './standard-payload.type.js';
import { CompetencyStandard } from './standard.type.js';
import { standardNodeId } from '../nodes/node.type.js';

@Resolver(() => CompetencyStandard)
export class StandardResolver {
  @Query(() => [CompetencyStandard])
  standards(@Ctx() { deps }: GraphQLContext): Promise<StandardView[]> {
    return deps.readModel.standards();
  }

  @Query(() => CompetencyStandard, { nullable: true })
  standard(@Arg('code', () => String) code: string, @Ctx() { loaders }: GraphQLContext): Promise<StandardView | null> {
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

  @Authorized(ADMINS)
  @Mutation(() => StandardPayload)
  async publishStandard(
    @Arg('input', () => PublishStandardInput) input: PublishStandardInput,
    @Ctx() context: GraphQLContext,
  ): Promise<StandardPayload> {
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.publishStandard(command, ctx));
    return standardPayload(context, result);
  }

  @Authorized(ADMINS)
  @Mutation(() => StandardPayload)
  async withdrawStandard(
    @Arg('input', () => WithdrawStandardInput) input: WithdrawStandardInput,
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
