import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

export const MAX_AUDIT_PAGE = 500;

@InputType()
export class AuditFilter {
  @Field(() => String, { nullable: true })
  streamId?: string | null;

  @Field(() => [String], { nullable: true })
  types?: string[] | null;

  @Field(() => String, { nullable: true })
  actor?: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  recordedFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  recordedTo?: Date | null;
}

@ArgsType()
export class AuditLogArgs {
  @Field(() => AuditFilter, { nullable: true })
  filter?: AuditFilter | null;

  @IsOptional()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  @Field(() => Int, { nullable: true, defaultValue: 50 })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'A cursor from this connection: a global position.' })
  after?: string | null;
}
