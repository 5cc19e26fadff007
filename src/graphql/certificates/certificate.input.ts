import { ArrayMaxSize } from 'class-validator';
import { Field, InputType } from 'type-graphql';
import { DatedCommandInput } from '../shared/command.input.js';

/** A ceremony hands over a few hundred certificates at most (Tijuana 2018: 179). */
export const MAX_FOLIOS_PER_DELIVERY = 1000;

@InputType({ description: 'Certificates handed over to their holders at one ceremony (entrega de certificados).' })
export class DeliverCertificatesInput extends DatedCommandInput {
  @ArrayMaxSize(MAX_FOLIOS_PER_DELIVERY)
  @Field(() => [String], {
    description: `CONOCER folios, at most ${MAX_FOLIOS_PER_DELIVERY}. One unknown, revoked or already delivered refuses the whole delivery; a REGISTRAR may name only its municipality's.`,
  })
  folios!: string[];

  @Field(() => String, { description: 'Name of the ceremony, e.g. Entrega de certificados, Palacio Municipal, 18 Sep 2018.' })
  ceremony!: string;
}

@InputType({ description: 'Revokes a certificate for good: it stops counting and verifyCertificate says REVOKED (ADMIN).' })
export class RevokeCertificateInput extends DatedCommandInput {
  @Field(() => String, { description: "The certificate's CONOCER folio; an unknown one is NOT_FOUND." })
  folio!: string;

  @Field(() => String, { description: 'Why, kept in the log and shown as revocationReason.' })
  reason!: string;
}

@InputType({ description: 'A reprint on new paper after loss or damage: the CONOCER folio and the validity stay.' })
export class ReissueCertificateInput extends DatedCommandInput {

  @Field(() => String, { description: "The certificate's CONOCER folio." })
  folio!: string;

  @Field(() => String, { description: 'Folio preimpreso of the new paper.' })
  printedFolio!: string;

  @Field(() => String, { description: 'Why it is reprinted (loss, damage, a correction of the paper).' })
  reason!: string;
}
