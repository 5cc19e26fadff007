import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'The result of re-hashing the stored events (verifyIntegrity).', simpleResolvers: true })
export class IntegrityReport {
  @Field(() => Boolean, { description: 'True when every hash and link checked out.' })
  ok!: boolean;

  @Field(() => Int, { description: 'Events re-hashed.' })
  checkedEvents!: number;

  @Field(() => String, { nullable: true, description: 'Stream of the first event whose hash or link does not match; null when ok.' })
  brokenStreamId!: string | null;

  @Field(() => Int, { nullable: true, description: 'Revision of that event in its stream; null when ok.' })
  brokenRevision!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Global position of the first broken link of the log-wide chain, as a decimal string (a deleted, reordered or truncated event).',
  })
  brokenPosition!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the chain breaks there, in plain words.' })
  reason!: string | null;
}
