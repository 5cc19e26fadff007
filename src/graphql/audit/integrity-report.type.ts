import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ simpleResolvers: true })
export class IntegrityReport {
  @Field(() => Boolean)
  ok!: boolean;

  @Field(() => Int)
  checkedEvents!: number;

  @Field(() => String, { nullable: true })
  brokenStreamId!: string | null;

  @Field(() => Int, { nullable: true })
  brokenRevision!: number | null;

  @Field(() => String, {
    nullable: true,
    description: 'Global position of the first broken link of the log-wide chain, as a decimal string (a deleted, reordered or truncated event).',
  })
  brokenPosition!: string | null;

  @Field(() => String, { nullable: true, description: 'Why the chain breaks there, in plain words.' })
  reason!: string | null;
}
