import { IsOptional, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';
import type { EmploymentRegime } from '../../domain/shared/vocabulary.js';
import { CommandInputBase, DatedCommandInput, SERVANT_ID_DESCRIPTION } from '../shared/command.input.js';
import { EmploymentRegimeEnum } from '../shared/enums.js';

export const MAX_SERVANTS_PAGE = 100;
export const MAX_NAME_FRAGMENT = 100;

@InputType({ description: 'Narrows a servants list; every field given must match, absent or null fields match anything.' })
export class ServantFilter {
  @Field(() => String, { nullable: true, description: 'Exact state, e.g. Baja California.' })
  state?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact municipality, e.g. Tijuana. A REGISTRAR asking for another one gets an empty page.' })
  municipality?: string | null;

  @Field(() => String, { nullable: true, description: 'Exact department, e.g. Oficialia Mayor.' })
  department?: string | null;

  @Field(() => EmploymentRegimeEnum, { nullable: true, description: 'Employment regime.' })
  regime?: EmploymentRegime | null;

  @Field(() => Boolean, { nullable: true, description: 'true: union members only; false: non-members only.' })
  unionized?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: 'true: holds a VALID certificate; false: holds none.' })
  certified?: boolean | null;

  @Field(() => String, { nullable: true, description: 'Has a certification (any stage) in this standard, e.g. EC0105.' })
  standardCode?: string | null;

  // Longer fragments match no name, and SQLite refuses LIKE patterns past 50,000 bytes.
  @MaxLength(MAX_NAME_FRAGMENT)
  @Field(() => String, { nullable: true, description: 'Case- and accent-insensitive match on the name.' })
  nameContains?: string | null;
}

@ArgsType()
export class ServantsArgs {
  @ValidateNested()
  @Field(() => ServantFilter, { nullable: true, description: 'Which servants; absent: all the caller may see.' })
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

@InputType({ description: 'A servant to register (ADMIN, or a REGISTRAR in its own municipality).' })
export class RegisterServantInput extends DatedCommandInput {
  @Field(() => ID, { nullable: true, description: 'Optional client-chosen UUID.' })
  id?: string | null;

  @Field(() => String, { description: 'CURP, 18 characters with a valid check digit (BAD_USER_INPUT otherwise); one already registered is CONFLICT. Stored encrypted.' })
  curp!: string;

  @Field(() => String, { description: 'Full name. Stored encrypted; erasePersonalData destroys it.' })
  fullName!: string;

  @Field(() => String, { description: 'State of the employing city hall.' })
  state!: string;

  @Field(() => String, { description: "Municipality of the employing city hall; a REGISTRAR may name only its own (FORBIDDEN otherwise)." })
  municipality!: string;

  @Field(() => String, { description: 'Department the servant works in.' })
  department!: string;

  @Field(() => String, { nullable: true, description: 'Job title; optional.' })
  position?: string | null;

  @Field(() => EmploymentRegimeEnum, { description: 'Employment regime.' })
  regime!: EmploymentRegime;

  @Field(() => Boolean, { description: "Member of the workers' union." })
  unionized!: boolean;
}

/** A command on an existing servant's stream, optionally at the version the client read. */
@InputType()
abstract class ServantCommandInput extends DatedCommandInput {
  @Field(() => ID, { description: SERVANT_ID_DESCRIPTION })
  servantId!: string;

  @Field(() => Int, { nullable: true, description: "The servant's version as the client read it: CONFLICT if the servant changed since. Absent: no check." })
  expectedVersion?: number | null;
}

@InputType({ description: "A change in a servant's employment; only the fields given change (ADMIN, or a REGISTRAR of its municipality)." })
export class ChangeEmploymentInput extends ServantCommandInput {
  @Field(() => String, { nullable: true, description: 'New department.' })
  department?: string | null;

  @Field(() => String, { nullable: true, description: 'New job title.' })
  position?: string | null;

  @Field(() => EmploymentRegimeEnum, { nullable: true, description: 'New employment regime.' })
  regime?: EmploymentRegime | null;

  @Field(() => Boolean, { nullable: true, description: 'New union membership.' })
  unionized?: boolean | null;
}

@InputType({ description: 'The servant left the city hall: inactive from now on, history kept (ADMIN, or a REGISTRAR of its municipality).' })
export class SeparateServantInput extends ServantCommandInput {
  @Field(() => String, { description: 'Why, kept in the log (e.g. resignation).' })
  reason!: string;
}

/** No occurredAt: erasure happens now, whatever the request says. */
@InputType({ description: "Erases a servant's name and CURP for good, e.g. on an ARCO cancellation request (ADMIN)." })
export class ErasePersonalDataInput extends CommandInputBase {
  @Field(() => ID, { description: SERVANT_ID_DESCRIPTION })
  servantId!: string;

  @Field(() => String, { description: 'Legal basis, e.g. the ARCO cancellation request number.' })
  reason!: string;
}
