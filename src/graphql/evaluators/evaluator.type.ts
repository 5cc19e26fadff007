import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { EvaluatorView } from '../../projections/read-model.js';
import { DateTimeScalar } from '../scalars.js';
import { Node } from '../nodes/node.type.js';
import { POSITION_DESCRIPTION } from '../shared/command.input.js';

@ObjectType({ description: 'An accredited evaluator (evaluador) working for a certification body (ECE/OC).', simpleResolvers: true, implements: Node })
export class Evaluator implements EvaluatorView {
  @Field(() => ID, { description: "The evaluator's id (a UUID): recordVerdict's evaluatorId and the sub of its EVALUATOR token." })
  id!: string;

  @Field(() => String, { description: "The evaluator's full name." })
  fullName!: string;

  @Field(() => String, { description: 'The certification body (ECE/OC) it works for, e.g. UTT.' })
  certificationBody!: string;

  @Field(() => String, { description: "Folio of the evaluator's own EC0076 certificate." })
  ec0076Folio!: string;

  @Field(() => [String], { description: 'EC codes of the standards it is accredited for.' })
  standardCodes!: string[];

  @Field(() => DateTimeScalar, { description: 'End of the accreditation.' })
  validUntil!: string;

  @Field(() => Int, { description: 'Verdicts it has recorded, both outcomes.' })
  verdictsRecorded!: number;
}

@ObjectType({ description: 'What accreditEvaluator returns.', simpleResolvers: true })
export class EvaluatorPayload {
  @Field(() => Evaluator, { description: 'The evaluator as the read models show it after the change.' })
  evaluator!: EvaluatorView;

  @Field(() => String, { description: POSITION_DESCRIPTION })
  position!: string;
}
