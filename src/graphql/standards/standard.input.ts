import { Field, InputType, Int } from 'type-graphql';
import { CommandInputBase } from '../shared/command.input.js';

@InputType({ description: 'A new competency standard, as CONOCER published it (ADMIN).' })
export class PublishStandardInput extends CommandInputBase {
  @Field(() => String, { description: 'EC code, e.g. EC0105 or EC0105.01; a code already published is CONFLICT.' })
  code!: string;

  @Field(() => String, { description: 'Official title.' })
  title!: string;

  @Field(() => Int, { description: 'Competency level, 1 to 5.' })
  level!: number;

  @Field(() => String, { nullable: true, description: 'Productive sector; optional.' })
  sector?: string | null;

  @Field(() => Int, { nullable: true, description: 'Years a certificate stays valid from its issuance; null or absent: permanent.' })
  validityYears?: number | null;
}

@InputType({ description: 'Withdraws a standard: no new enrollments or verdicts in it; issued certificates stand (ADMIN).' })
export class WithdrawStandardInput extends CommandInputBase {
  @Field(() => String, { description: 'EC code of a published standard; an unknown one is NOT_FOUND.' })
  code!: string;

  @Field(() => String, { description: 'Why, kept in the log (e.g. replaced by a new version).' })
  reason!: string;
}
