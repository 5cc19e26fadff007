import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Modality, Verdict } from '../../domain/shared/vocabulary.js';
import type { CertificateView, CertificationStage, CertificationView } from '../../projections/read-model.js';
import { DateTimeScalar } from '../scalars.js';
import { CertificationStageEnum, ModalityEnum, VerdictEnum } from '../shared/enums.js';
import { Node } from '../nodes/node.type.js';

/**
 * What Certification fields resolve from: the read model's view, or a state
 * rebuilt from the events (asOf), which brings its certificate as of that time.
 */
export type CertificationRoot = CertificationView & { certificateAsOf?: CertificateView | null };

/** servant, standard, certificate and history are resolved in CertificationResolver. */
@ObjectType({ description: "One servant's path in one standard: training, evaluations, certificate.", simpleResolvers: true, implements: Node })
export class Certification {
  @Field(() => ID)
  id!: string;

  @Field(() => CertificationStageEnum)
  stage!: CertificationStage;

  @Field(() => String, { nullable: true })
  trainingProvider!: string | null;

  @Field(() => ModalityEnum, { nullable: true })
  modality!: Modality | null;

  @Field(() => Int, { nullable: true })
  trainingHours!: number | null;

  @Field(() => Int, { description: 'Number of verdicts recorded so far.' })
  attempts!: number;

  @Field(() => VerdictEnum, { nullable: true })
  lastVerdict!: Verdict | null;

  @Field(() => Int, { description: "Stream version (number of events) of this certification's stream." })
  version!: number;

  @Field(() => DateTimeScalar)
  updatedAt!: string;
}

@ObjectType({ simpleResolvers: true })
export class CertificationPayload {
  @Field(() => Certification)
  certification!: CertificationRoot;

  @Field(() => String)
  position!: string;
}
