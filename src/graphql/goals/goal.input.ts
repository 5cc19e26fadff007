import { Field, ID, InputType, Int } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';
import { CommandInputBase } from '../shared/command.input.js';

@InputType({ description: "A municipality's goal (meta) of certified servants, new or replacing one with the same id (ADMIN)." })
export class SetGoalInput extends CommandInputBase {
  @Field(() => ID, { nullable: true, description: 'Optional client-chosen UUID; an existing goal\'s id changes that goal.' })
  id?: string | null;

  @Field(() => String, { description: 'State of the municipality.' })
  state!: string;

  @Field(() => String, { description: 'Municipality whose servants count, e.g. Tijuana.' })
  municipality!: string;

  @Field(() => Int, { description: 'Certified servants to reach, e.g. 600.' })
  target!: number;

  @Field(() => DateTimeScalar, { description: 'Certificates issued from this business time on count.' })
  startsAt!: Date;

  @Field(() => DateTimeScalar, { description: 'Certificates issued up to this business time count.' })
  deadline!: Date;

  @Field(() => String, { nullable: true, description: 'Free text shown with the goal; optional.' })
  description?: string | null;
}
