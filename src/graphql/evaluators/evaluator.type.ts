import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { EvaluatorView } from '../../projections/read-model.js';
import { DateTimeScalar } from '../scalars.js';
import { Node } from '../nodes/node.type.js';

@ObjectType({ description: 'An accredited evaluator (evaluador) working for a certification body (ECE/OC).', simpleResolvers: true, implements: Node })
export class Evaluator implements EvaluatorView {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String)
  certificationBody!: string;

  @Field(() => String, { description: "Folio of the evaluator's own EC0076 certificate." })
  ec0076Folio!: string;

  @Field(() => [String])
  standardCodes!: string[];

  @Field(() => DateTimeScalar)
  validUntil!: string;

  @Field(() => Int)
  verdictsRecorded!: number;
}

@ObjectType({ simpleResolvers: true })
export class EvaluatorPayload {
  @Field(() => Evaluator)
  evaluator!: EvaluatorView;

  @Field(() => String)
  position!: string;
}
