import { Field, ID, InputType, Int } from 'type-graphql';
import type { Modality, Verdict } from '../../domain/shared/vocabulary.js';
import { DatedCommandInput, SERVANT_ID_DESCRIPTION, STANDARD_CODE_DESCRIPTION } from '../shared/command.input.js';
import { ModalityEnum, VerdictEnum } from '../shared/enums.js';

/** A step of one servant's certification in one standard. */
@InputType()
abstract class CertificationStepInput extends DatedCommandInput {
  @Field(() => ID, { description: SERVANT_ID_DESCRIPTION })
  servantId!: string;

  @Field(() => String, { description: STANDARD_CODE_DESCRIPTION })
  standardCode!: string;
}

/** A step that may name the certification stream version the client read. */
@InputType()
abstract class VersionedCertificationStepInput extends CertificationStepInput {
  @Field(() => Int, { nullable: true, description: "The certification's version as the client read it: CONFLICT if it changed since. Absent: no check." })
  expectedVersion?: number | null;
}

@InputType({ description: 'Enrolls an active servant in a training for an active standard (alineación; optional before an evaluation).' })
export class EnrollInTrainingInput extends CertificationStepInput {
  @Field(() => String, { description: 'Who gives the training, e.g. Ayuntamiento de Tijuana or UTT.' })
  provider!: string;

  @Field(() => ModalityEnum, { description: 'How it is given.' })
  modality!: Modality;
}

@InputType({ description: 'Completes the open training of this certification.' })
export class CompleteTrainingInput extends VersionedCertificationStepInput {
  @Field(() => Int, { description: 'Hours of training received, 1 to 2000.' })
  hours!: number;
}

@InputType({ description: "Records an evaluator's verdict; the evaluator must be accredited for the standard at occurredAt." })
export class RecordVerdictInput extends VersionedCertificationStepInput {
  @Field(() => ID, { description: "Evaluator.id; an EVALUATOR may record only its own (its token's sub)." })
  evaluatorId!: string;

  @Field(() => VerdictEnum, { description: 'The judgement.' })
  verdict!: Verdict;
}

@InputType({ description: 'Issues the certificate after a COMPETENT verdict (ADMIN).' })
export class IssueCertificateInput extends VersionedCertificationStepInput {
  @Field(() => String, { description: "CONOCER's folio for the new certificate; one already assigned is CONFLICT." })
  folio!: string;
}
