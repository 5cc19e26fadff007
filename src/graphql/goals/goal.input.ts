import { Field, ID, InputType, Int } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

@InputType()
export class SetGoalInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String)
  state!: string;

  @Field(() => String)
  municipality!: string;

  @Field(() => Int)
  target!: number;

  @Field(() => DateTimeScalar)
  startsAt!: Date;

  @Field(() => DateTimeScalar)
  deadline!: Date;

  @Field(() => String, { nullable: true })
  description?: string | null;
}
