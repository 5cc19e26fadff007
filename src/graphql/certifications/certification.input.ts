import { Field, ID, InputType, Int } from 'type-graphql';
import type { Modality, Verdict } from '../../domain/shared/vocabulary.js';
import { DateTimeScalar } from '../scalars.js';
import { ModalityEnum, VerdictEnum } from '../shared/enums.js';

@InputType()
export class EnrollInTrainingInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID)
  servantId!: string;

  @Field(() => String)
  standardCode!: string;

  @Field(() => String)
  provider!: string;

  @Field(() => ModalityEnum)
  modality!: Modality;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class CompleteTrainingInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID)
  servantId!: string;

  @Field(() => String)
  standardCode!: string;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;

  @Field(() => Int)
  hours!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class RecordVerdictInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID)
  servantId!: string;

  @Field(() => String)
  standardCode!: string;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;

  @Field(() => ID)
  evaluatorId!: string;

  @Field(() => VerdictEnum)
  verdict!: Verdict;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class IssueCertificateInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID)
  servantId!: string;

  @Field(() => String)
  standardCode!: string;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;

  @Field(() => String)
  folio!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}
