import { Field, ID, InputType, Int } from 'type-graphql';
import type { Modality, Verdict } from '../../domain/shared/vocabulary.js';
import { DatedCommandInput } from '../shared/command.input.js';
import { ModalityEnum, VerdictEnum } from '../shared/enums.js';

/** A step of one servant's certification in one standard. */
@InputType()
abstract class CertificationStepInput extends DatedCommandInput {
  @Field(() => ID)
  servantId!: string;

  @Field(() => String)
  standardCode!: string;
}

/** A step that may name the certification stream version the client read. */
@InputType()
abstract class VersionedCertificationStepInput extends CertificationStepInput {
  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;
}

@InputType()
export class EnrollInTrainingInput extends CertificationStepInput {
  @Field(() => String)
  provider!: string;

  @Field(() => ModalityEnum)
  modality!: Modality;
}

@InputType()
export class CompleteTrainingInput extends VersionedCertificationStepInput {
  @Field(() => Int)
  hours!: number;
}

@InputType()
export class RecordVerdictInput extends VersionedCertificationStepInput {
  @Field(() => ID)
  evaluatorId!: string;

  @Field(() => VerdictEnum)
  verdict!: Verdict;
}

@InputType()
export class IssueCertificateInput extends VersionedCertificationStepInput {
  @Field(() => String)
  folio!: string;
}
