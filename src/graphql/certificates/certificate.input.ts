import { ArrayMaxSize } from 'class-validator';
import { Field, ID, InputType } from 'type-graphql';
import { DateTimeScalar } from '../scalars.js';

/** A ceremony hands over a few hundred certificates at most (Tijuana 2018: 179). */
export const MAX_FOLIOS_PER_DELIVERY = 1000;

@InputType()
export class DeliverCertificatesInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @ArrayMaxSize(MAX_FOLIOS_PER_DELIVERY)
  @Field(() => [String])
  folios!: string[];

  @Field(() => String)
  ceremony!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}

@InputType()
export class RevokeCertificateInput {
  @Field(() => ID, { nullable: true })
  commandId?: string | null;

  @Field(() => String)
  folio!: string;

  @Field(() => String)
  reason!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  occurredAt?: Date | null;
}

@InputType({ description: 'A reprint on new paper after loss or damage: the CONOCER folio and the validity stay.' })
export class ReissueCertificateInput {
  @Field(() => ID, { nullable: true, description: 'The same commandId again returns the first result and records nothing new.' })
  commandId?: string | null;

  @Field(() => String, { description: "The certificate's CONOCER folio." })
  folio!: string;

  @Field(() => String, { description: 'Folio preimpreso of the new paper.' })
  printedFolio!: string;

  @Field(() => String, { description: 'Why it is reprinted (loss, damage, a correction of the paper).' })
  reason!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Business time of the reprint (default now).' })
  occurredAt?: Date | null;
}
