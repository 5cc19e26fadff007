import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, InputType, Int } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

export const MAX_AUDIT_PAGE = 500;

@InputType({ description: 'Narrows the log; every field given must match.' })
export class AuditFilter {
  @Field(() => String, { nullable: true, description: 'Only this stream, e.g. certification-<servantId>-EC0105.' })
  streamId?: string | null;

  @Field(() => [String], { nullable: true, description: 'Only these event types, e.g. [CertificateIssued, CertificateRevoked].' })
  types?: string[] | null;

  @Field(() => String, { nullable: true, description: 'Only events recorded by this token subject.' })
  actor?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only events recorded at or after this instant.' })
  recordedFrom?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Only events recorded at or before this instant.' })
  recordedTo?: Date | null;
}

@ArgsType()
export class AuditLogArgs {
  @Field(() => AuditFilter, { nullable: true, description: 'Which events; absent: all.' })
  filter?: AuditFilter | null;

  @IsOptional()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  @Field(() => Int, { nullable: true, description: `The oldest events after \`after\`, 1 to ${MAX_AUDIT_PAGE} (default 50 when last is not given either).` })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'A cursor from this connection: a global position.' })
  after?: string | null;

  @IsOptional()
  @Min(1)
  @Max(MAX_AUDIT_PAGE)
  @Field(() => Int, { nullable: true, description: `The newest events before \`before\` (or of the whole log), 1 to ${MAX_AUDIT_PAGE}; edges stay oldest first.` })
  last?: number | null;

  @Field(() => String, { nullable: true, description: 'A cursor from this connection: pages back from this event.' })
  before?: string | null;
}
