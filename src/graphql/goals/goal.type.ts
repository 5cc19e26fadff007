import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { GoalView } from '../../projections/read-model.js';
import { DateTimeScalar } from '../scalars.js';
import { Node } from '../nodes/node.type.js';

@ObjectType({ description: 'A goal (meta): so many certified servants in a municipality between two dates.', simpleResolvers: true, implements: Node })
export class Goal implements GoalView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  state!: string;

  @Field(() => String)
  municipality!: string;

  @Field(() => Int)
  target!: number;

  @Field(() => DateTimeScalar)
  startsAt!: string;

  @Field(() => DateTimeScalar)
  deadline!: string;

  @Field(() => String, { nullable: true })
  description!: string | null;
}

@ObjectType({ simpleResolvers: true })
export class GoalProgress {
  @Field(() => Goal)
  goal!: GoalView;

  @Field(() => Int, {
    description:
      'Distinct servants of the municipality holding a certificate issued between startsAt and deadline (business time) that has not been revoked; expiry after the deadline does not undo it.',
  })
  achieved!: number;

  @Field(() => Int)
  remaining!: number;

  @Field(() => Float)
  percent!: number;
}

@ObjectType({ simpleResolvers: true })
export class GoalPayload {
  @Field(() => Goal)
  goal!: GoalView;

  @Field(() => String)
  position!: string;
}
