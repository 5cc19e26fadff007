import { IsOptional, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import type { EmploymentRegime } from '../../domain/shared/vocabulary.js';
import { CommandInputBase, DatedCommandInput } from '../shared/command.input.js';
import { EmploymentRegimeEnum } from '../shared/enums.js';

export const MAX_SERVANTS_PAGE = 100;
export const MAX_NAME_FRAGMENT = 100;

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

  // Longer fragments match no name, and SQLite refuses LIKE patterns past 50,000 bytes.
  @MaxLength(MAX_NAME_FRAGMENT)
  @Field(() => String, { nullable: true, description: 'Case- and accent-insensitive match on the name.' })
  nameContains?: string | null;
}

@ArgsType()
export class ServantsArgs {
  @ValidateNested()
  @Field(() => ServantFilter, { nullable: true })
  filter?: ServantFilter | null;

  @IsOptional()
  @Min(1)
  @Max(MAX_SERVANTS_PAGE)
  @Field(() => Int, {
    nullable: true,
    description: `The earliest registered servants after \`after\`, 1 to ${MAX_SERVANTS_PAGE} (default 20 when last is not given either).`,
  })
  first?: number | null;

  @Field(() => String, { nullable: true, description: "An edge's cursor from this same list (same filter): the page starts after that servant." })
  after?: string | null;

  @IsOptional()
  @Min(1)
  @Max(MAX_SERVANTS_PAGE)
  @Field(() => Int, {
    nullable: true,
    description: `The latest registered servants before \`before\` (or of the whole list), 1 to ${MAX_SERVANTS_PAGE}; edges stay oldest first. Not with first.`,
  })
  last?: number | null;

  @Field(() => String, { nullable: true, description: "An edge's cursor from this same list (same filter): the page ends before that servant." })
  before?: string | null;
}

@InputType()
export class RegisterServantInput extends DatedCommandInput {
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
}

/** A command on an existing servant's stream, optionally at the version the client read. */
@InputType()
abstract class ServantCommandInput extends DatedCommandInput {
  @Field(() => ID)
  servantId!: string;

  @Field(() => Int, { nullable: true })
  expectedVersion?: number | null;
}

@InputType()
export class ChangeEmploymentInput extends ServantCommandInput {
  @Field(() => String, { nullable: true })
  department?: string | null;

  @Field(() => String, { nullable: true })
  position?: string | null;

  @Field(() => EmploymentRegimeEnum, { nullable: true })
  regime?: EmploymentRegime | null;

  @Field(() => Boolean, { nullable: true })
  unionized?: boolean | null;
}

@InputType()
export class SeparateServantInput extends ServantCommandInput {
  @Field(() => String)
  reason!: string;
}

/** No occurredAt: erasure happens now, whatever the request says. */
@InputType()
export class ErasePersonalDataInput extends CommandInputBase {
  @Field(() => ID)
  servantId!: string;

  @Field(() => String, { description: 'Legal basis, e.g. the ARCO cancellation request number.' })
  reason!: string;
}
