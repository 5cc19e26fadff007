import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

/** Every mutation input: sending the same commandId again returns the first result. */
@InputType()
export abstract class CommandInputBase {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;
}

/** Inputs of facts that happened at a business time (default: now). */
@InputType()
export abstract class DatedCommandInput extends CommandInputBase {
  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}
