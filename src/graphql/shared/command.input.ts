import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

/** Every mutation input: sending the same commandId again returns the first result. */
@InputType()
export abstract class CommandInputBase {
  @Field(() => ID, {
    nullable: true,
    description: 'Idempotency key chosen by the client: the same commandId again returns the first result and records nothing new.',
  })
  commandId?: string | null;
}

/** Inputs of facts that happened at a business time (default: now). */
@InputType()
export abstract class DatedCommandInput extends CommandInputBase {
  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'Business time: when this happened (may be years back, e.g. a 2018 ceremony recorded later); never in the future. Default now.',
  })
  occurredAt?: Date | null;
}

/** Every payload's `position`, described once. */
export const POSITION_DESCRIPTION =
  'Global position of the last event the mutation recorded (a decimal string). The mutation returned once every read model included it, so a query sent next sees the change.';

/** Every input's `servantId`, described once. */
export const SERVANT_ID_DESCRIPTION = 'Id of the servant (Servant.id); an unknown one, or for a REGISTRAR one of another municipality, is NOT_FOUND.';

/** Every mutation's `input` argument, described once. */
export const INPUT_DESCRIPTION = "The command's fields; the same commandId again returns the first result.";

/** Every input's `standardCode`, described once. */
export const STANDARD_CODE_DESCRIPTION = 'EC code of a published standard, e.g. EC0105; an unknown one is NOT_FOUND.';
