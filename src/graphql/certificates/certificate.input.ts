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
