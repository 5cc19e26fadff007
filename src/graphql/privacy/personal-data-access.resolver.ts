import { IsOptional, Max, Min } from 'class-validator';
import { Args, ArgsType, Ctx, Field, ID, Int, Query, Resolver } from 'type-graphql';
import { BadUserInputError } from '../../domain/shared/errors.js';
import { requireId } from '../../domain/shared/validation.js';
import { Authorized } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { PersonalDataAccessConnection } from './personal-data-access.type.js';
import { pageInfoOf } from '../shared/page-info.type.js';

const MAX_PAGE = 500;

@ArgsType()
class PersonalDataAccessArgs {
  @Field(() => ID, { nullable: true, description: "Only this servant's entries." })
  servantId?: string | null;

  @IsOptional()
  @Min(1)
  @Max(MAX_PAGE)
  @Field(() => Int, { nullable: true, defaultValue: 50, description: `Entries per page, 1 to ${MAX_PAGE}.` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

/** Cursors are the record's own sequence numbers, handed out by this query only. */
function sequenceAfter(cursor: string | null | undefined): number | null {
  if (cursor === null || cursor === undefined) return null;
  if (!/^\d{1,15}$/.test(cursor)) throw new BadUserInputError('The cursor was not handed out by this query', 'after');
  return Number(cursor);
}

@Resolver()
export class PersonalDataAccessResolver {
  @Authorized('personal-data-access:read')
  @Query(() => PersonalDataAccessConnection, { description: 'Auditors: who was shown personal data, newest first.' })
  async personalDataAccess(@Args(() => PersonalDataAccessArgs) args: PersonalDataAccessArgs, @Ctx() context: GraphQLContext): Promise<PersonalDataAccessConnection> {
    const first = args.first ?? 50;
    const servantId = args.servantId ? requireId(args.servantId, 'servantId') : null;
    const rows = await context.deps.accessRecord.list({ servantId }, { before: sequenceAfter(args.after), limit: first + 1 });
    const edges = rows.slice(0, first).map(({ sequence, ...node }) => ({ cursor: String(sequence), node }));
    return { edges, pageInfo: pageInfoOf(edges, { hasNextPage: rows.length > first, hasPreviousPage: args.after != null }) };
  }
}
