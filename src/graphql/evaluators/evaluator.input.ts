import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';
import { DatedCommandInput } from '../shared/command.input.js';

@InputType({ description: "An evaluator's accreditation by a certification body for some standards (ADMIN). Accrediting the same id again replaces its standards and validity." })
export class AccreditEvaluatorInput extends DatedCommandInput {
  @Field(() => ID, { nullable: true, description: "Optional client-chosen UUID; it is also the sub of the evaluator's EVALUATOR token." })
  id?: string | null;

  @Field(() => String, { description: "The evaluator's full name." })
  fullName!: string;

  @Field(() => String, { description: 'The certification body (ECE/OC) the evaluator works for, e.g. UTT.' })
  certificationBody!: string;

  @Field(() => String, { description: "Folio of the evaluator's own EC0076 certificate." })
  ec0076Folio!: string;

  @Field(() => [String], { description: 'EC codes of published standards the evaluator may judge; an unknown one is NOT_FOUND.' })
  standardCodes!: string[];

  @Field(() => DateTimeScalar, { description: 'End of the accreditation: verdicts dated after it are refused (EVALUATOR_NOT_ACCREDITED).' })
  validUntil!: Date;
}
