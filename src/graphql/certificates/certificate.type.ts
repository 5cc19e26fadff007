import { Field, Int, ObjectType } from 'type-graphql';
import type { CertificateStatus, CertificateView } from '../../projections/read-model.js';
import { DateTimeScalar } from '../scalars.js';
import { CertificateStatusEnum } from '../shared/enums.js';
import { Node } from '../nodes/node.type.js';
import { POSITION_DESCRIPTION } from '../shared/command.input.js';

/** servant and standard are resolved in CertificateResolver through the loaders. */
@ObjectType({ description: 'A certificate issued through the certification body, named by its CONOCER folio.', simpleResolvers: true, implements: Node })
export class Certificate {
  @Field(() => String, { description: "CONOCER's folio: permanent, names the certificate everywhere." })
  folio!: string;

  @Field(() => CertificateStatusEnum, { description: 'Status now.' })
  status!: CertificateStatus;

  @Field(() => DateTimeScalar, { description: 'Business time of the issuance.' })
  issuedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "Last instant it is valid (issuedAt plus the standard's validityYears); null: permanent." })
  validUntil!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was handed to the holder; null until delivered.' })
  deliveredAt!: string | null;

  @Field(() => String, { nullable: true, description: 'The ceremony it was delivered at; null until delivered.' })
  ceremony!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When it was revoked; null unless revoked.' })
  revokedAt!: string | null;

  @Field(() => String, { nullable: true, description: 'Why it was revoked; null unless revoked.' })
  revocationReason!: string | null;

  @Field(() => String, { nullable: true, description: 'Folio preimpreso of the paper currently in the holder\'s hands; changes when the certificate is reissued.' })
  printedFolio!: string | null;

  @Field(() => Int, { description: 'Times the certificate was reissued (reprinted).' })
  reissues!: number;
}

@ObjectType({ description: "Public answer to 'is this certificate real?'. Holds no personal data but a masked name.", simpleResolvers: true })
export class CertificateVerification {
  @Field(() => String, { description: 'The CONOCER folio of the certificate found (also when asked by printed folio), else the folio asked, normalised.' })
  folio!: string;

  @Field(() => Boolean, { description: 'Whether such a certificate exists; false: every other field is null.' })
  found!: boolean;

  @Field(() => CertificateStatusEnum, { nullable: true, description: 'Status now; null when not found.' })
  status!: CertificateStatus | null;

  @Field(() => String, { nullable: true, description: 'EC code of its standard; null when not found.' })
  standardCode!: string | null;

  @Field(() => String, { nullable: true, description: 'Title of its standard; null when not found.' })
  standardTitle!: string | null;

  @Field(() => String, { nullable: true, description: "Initials only, e.g. 'M. de los A. O.'" })
  holderInitials!: string | null;

  @Field(() => String, { nullable: true, description: "The holder's municipality when it was issued; null when not found." })
  municipality!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Business time of the issuance; null when not found.' })
  issuedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Last instant it is valid; null when permanent or not found.' })
  validUntil!: string | null;

  @Field(() => String, { nullable: true, description: 'Folio preimpreso of the paper the holder has now; null when none was recorded.' })
  printedFolio!: string | null;

  @Field(() => Boolean, {
    description: 'True when the folio asked is the printed folio of a paper a reprint replaced: that paper no longer counts as the certificate.',
  })
  printedFolioReplaced!: boolean;
}

@ObjectType({ description: 'What deliverCertificates returns.', simpleResolvers: true })
export class DeliveryPayload {
  @Field(() => [Certificate], { description: 'The certificates delivered, once each, in the order first named.' })
  certificates!: CertificateView[];

  @Field(() => String, { description: POSITION_DESCRIPTION })
  position!: string;
}

@ObjectType({ description: 'What a mutation on one certificate returns.', simpleResolvers: true })
export class CertificatePayload {
  @Field(() => Certificate, { description: 'The certificate as the read models show it after the change.' })
  certificate!: CertificateView;

  @Field(() => String, { description: POSITION_DESCRIPTION })
  position!: string;
}
