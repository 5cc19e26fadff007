import { Field, Int, ObjectType } from 'type-graphql';
import type { CertificateStatus, CertificateView } from '../../projections/read-model.js';
import { DateTimeScalar } from '../scalars.js';
import { CertificateStatusEnum } from '../shared/enums.js';
import { Node } from '../nodes/node.type.js';

/** servant and standard are resolved in CertificateResolver through the loaders. */
@ObjectType({ description: 'A certificate issued through the certification body, named by its CONOCER folio.', simpleResolvers: true, implements: Node })
export class Certificate {
  @Field(() => String)
  folio!: string;

  @Field(() => CertificateStatusEnum)
  status!: CertificateStatus;

  @Field(() => DateTimeScalar)
  issuedAt!: string;

  @Field(() => DateTimeScalar, { nullable: true })
  validUntil!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  deliveredAt!: string | null;

  @Field(() => String, { nullable: true })
  ceremony!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  revokedAt!: string | null;

  @Field(() => String, { nullable: true })
  revocationReason!: string | null;

  @Field(() => String, { nullable: true, description: 'Folio preimpreso of the paper currently in the holder\'s hands; changes when the certificate is reissued.' })
  printedFolio!: string | null;

  @Field(() => Int, { description: 'Times the certificate was reissued (reprinted).' })
  reissues!: number;
}

@ObjectType({ description: "Public answer to 'is this certificate real?'. Holds no personal data but a masked name.", simpleResolvers: true })
export class CertificateVerification {
  @Field(() => String)
  folio!: string;

  @Field(() => Boolean)
  found!: boolean;

  @Field(() => CertificateStatusEnum, { nullable: true })
  status!: CertificateStatus | null;

  @Field(() => String, { nullable: true })
  standardCode!: string | null;

  @Field(() => String, { nullable: true })
  standardTitle!: string | null;

  @Field(() => String, { nullable: true, description: "Initials only, e.g. 'M. de los A. O.'" })
  holderInitials!: string | null;

  @Field(() => String, { nullable: true })
  municipality!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  issuedAt!: string | null;

  @Field(() => DateTimeScalar, { nullable: true })
  validUntil!: string | null;

  @Field(() => String, { nullable: true, description: 'Folio preimpreso of the paper the holder has now; null when none was recorded.' })
  printedFolio!: string | null;

  @Field(() => Boolean, {
    description: 'True when the folio asked is the printed folio of a paper a reprint replaced: that paper no longer counts as the certificate.',
  })
  printedFolioReplaced!: boolean;
}

@ObjectType({ simpleResolvers: true })
export class DeliveryPayload {
  @Field(() => [Certificate])
  certificates!: CertificateView[];

  @Field(() => String)
  position!: string;
}

@ObjectType({ simpleResolvers: true })
export class CertificatePayload {
  @Field(() => Certificate)
  certificate!: CertificateView;

  @Field(() => String)
  position!: string;
}
