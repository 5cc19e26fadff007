import { Field, ID, InputType, Int } from 'type-graphql';

@InputType()
export class PublishStandardInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  title!: string;

  @Field(() => Int)
  level!: number;

  @Field(() => String, { nullable: true })
  sector?: string | null;

  @Field(() => Int, { nullable: true })
  validityYears?: number | null;
}

@InputType()
export class WithdrawStandardInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  reason!: string;
}
