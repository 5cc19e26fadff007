import { IsOptional, Max, Min } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import type { EmploymentRegime } from '../../domain/shared/vocabulary.js';
import { DateTimeScalar } from '../scalars.js';
import { EmploymentRegimeEnum } from '../shared/enums.js';

export const MAX_SERVANTS_PAGE = 100;

@InputType()
export class ServantFilter {
  @Field(() => String, { nullable: true })
  state?: string | null;

  @Field(() => String, { nullable: true })
  municipality?: string | null;

  @Field(() => String, { nullable: true })
  department?: string | null;

  @Field(() => EmploymentRegimeEnum, { nullable: true })
  regime?: EmploymentRegime | null;

  @Field(() => Boolean, { nullable: true })
  unionized?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: holds a VALID certificate; false: holds none.' })
  certified?: boolean | null;

  @Field(() => String, { nullable: true })
  standardCode?: string | null;

  @Field(() => String, { nullable: true, description: 'Case- and accent-insensitive match on the name.' })
  nameContains?: string | null;
}

@ArgsType()
export class ServantsArgs {
  @Field(() => ServantFilter, { nullable: true })
  filter?: ServantFilter | null;

  @IsOptional()
  @Min(1)
  @Max(MAX_SERVANTS_PAGE)
  @Field(() => Int, { nullable: true, defaultValue: 20 })
  first?: number | null;

  @Field(() => String, { nullable: true })
  after?: string | null;
}

@InputType()
export class RegisterServantInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Optional client-chosen UUID.' })
  id?: string | null;

  @Field(() => String)
  curp!: string;

  @Field(() => String)
  fullName!: string;

  @Field(() => String)
  state!: string;

  @Field(() => String)
  municipality!: string;

  @Field(() => String)
  department!: string;

  @Field(() => String, { nullable: true })
  position?: string | null;

  @Field(() => EmploymentRegimeEnum)
  regime!: EmploymentRegime;

  @Field(() => Boolean)
  unionized!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class ChangeEmploymentInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID)
  servantId!: string;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;

  @Field(() => String, { nullable: true })
  department?: string | null;

  @Field(() => String, { nullable: true })
  position?: string | null;

  @Field(() => EmploymentRegimeEnum, { nullable: true })
  regime?: EmploymentRegime | null;

  @Field(() => Boolean, { nullable: true })
  unionized?: boolean | null;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class SeparateServantInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID)
  servantId!: string;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;

  @Field(() => String)
  reason!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class ErasePersonalDataInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => ID)
  servantId!: string;

  @Field(() => String, { description: 'Legal basis, e.g. the ARCO cancellation request number.' })
  reason!: string;
}
