import { Field, ID, Int, ObjectType } from 'type-graphql';
import type { Modality, Verdict } from '../../domain/shared/vocabulary.js';
import type { CertificateView, CertificationStage, CertificationView } from '../../projections/read-model.js';
import { DateTimeScalar } from '../scalars.js';
import { CertificationStageEnum, ModalityEnum, VerdictEnum } from '../shared/enums.js';
import { Node } from '../nodes/node.type.js';
import { POSITION_DESCRIPTION } from '../shared/command.input.js';

/**
 * What Certification fields resolve from: the read model's view, or a state
 * rebuilt from the events (asOf), which brings its certificate as of that time.
 */
export type CertificationRoot = CertificationView & { certificateAsOf?: CertificateView | null };

/** servant, standard, certificate and history are resolved in CertificationResolver. */
@ObjectType({ description: "One servant's path in one standard: training, evaluations, certificate.", simpleResolvers: true, implements: Node })
export class Certification {
  @Field(() => ID, { description: "Its stream id, certification-<servantId>-<standard code>: the streamId of its events in auditLog." })
  id!: string;

  @Field(() => CertificationStageEnum, { description: 'Where it stands at the time asked (now, or asOf).' })
  stage!: CertificationStage;

  @Field(() => String, { nullable: true, description: 'Who gives or gave the latest training, e.g. UTT; null when the servant was evaluated without one.' })
  trainingProvider!: string | null;

  @Field(() => ModalityEnum, { nullable: true, description: 'How the latest training is given; null without training.' })
  modality!: Modality | null;

  @Field(() => Int, { nullable: true, description: 'Hours of the latest training, once completed; null before.' })
  trainingHours!: number | null;

  @Field(() => Int, { description: 'Number of verdicts recorded so far.' })
  attempts!: number;

  @Field(() => VerdictEnum, { nullable: true, description: 'The latest verdict; null before the first evaluation.' })
  lastVerdict!: Verdict | null;

  @Field(() => Int, { description: "Stream version (number of events) of this certification's stream." })
  version!: number;

  @Field(() => DateTimeScalar, { description: 'Business time (occurredAt) of its latest step.' })
  updatedAt!: string;
}

@ObjectType({ description: 'What a certification step returns.', simpleResolvers: true })
export class CertificationPayload {
  @Field(() => Certification, { description: 'The certification as the read models show it after the step.' })
  certification!: CertificationRoot;

  @Field(() => String, { description: POSITION_DESCRIPTION })
  position!: string;
}
