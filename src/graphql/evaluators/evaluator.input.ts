import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

@InputType()
export class AccreditEvaluatorInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID, { nullable: true })
  id?: string | null;

  @Field(() => String)
  fullName!: string;

  @Field(() => String)
  certificationBody!: string;

  @Field(() => String)
  ec0076Folio!: string;

  @Field(() => [String])
  standardCodes!: string[];

  @Field(() => DateTimeScalar)
  validUntil!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}
