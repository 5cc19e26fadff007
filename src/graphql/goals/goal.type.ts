import { Field, Float, ID, Int, ObjectType } from 'type-graphql';
import type { GoalView } from '../../projections/read-model.js';
import { DateTimeScalar } from '../scalars.js';
import { Node } from '../nodes/node.type.js';
import { POSITION_DESCRIPTION } from '../shared/command.input.js';

@ObjectType({ description: 'A goal (meta): so many certified servants in a municipality between two dates.', simpleResolvers: true, implements: Node })
export class Goal implements GoalView {
  @Field(() => ID, { description: "The goal's id (a UUID), as goalProgress and goalProgressChanged take it." })
  id!: string;

  @Field(() => String, { description: 'State of the municipality.' })
  state!: string;

  @Field(() => String, { description: 'Municipality whose servants count.' })
  municipality!: string;

  @Field(() => Int, { description: 'Certified servants to reach.' })
  target!: number;

  @Field(() => DateTimeScalar, { description: 'Certificates issued from this business time on count.' })
  startsAt!: string;

  @Field(() => DateTimeScalar, { description: 'Certificates issued up to this business time count.' })
  deadline!: string;

  @Field(() => String, { nullable: true, description: 'Free text given with the goal; null when none.' })
  description!: string | null;
}

@ObjectType({ description: 'How far a goal is, now.', simpleResolvers: true })
export class GoalProgress {
  @Field(() => Goal, { description: 'The goal.' })
  goal!: GoalView;

  @Field(() => Int, {
    description:
      'Distinct servants of the municipality holding a certificate issued between startsAt and deadline (business time) that has not been revoked; expiry after the deadline does not undo it.',
  })
  achieved!: number;

  @Field(() => Int, { description: 'target minus achieved; 0 once reached.' })
  remaining!: number;

  @Field(() => Float, { description: 'achieved as a percentage of target, one decimal (68.3); may pass 100.' })
  percent!: number;
}

@ObjectType({ description: 'What setGoal returns.', simpleResolvers: true })
export class GoalPayload {
  @Field(() => Goal, { description: 'The goal as the read models show it after the change.' })
  goal!: GoalView;

  @Field(() => String, { description: POSITION_DESCRIPTION })
  position!: string;
}
