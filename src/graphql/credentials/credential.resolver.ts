/**
 * Certificate.credential and CertificateVerification's links (api.md), read
 * from the CredentialService (src/credentials); registered beside the
 * certificates' own resolver.
 */
import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { CredentialService } from '../../credentials/service.js';
import type { CertificateView } from '../../projections/read-model.js';
import { permits } from '../../application/authorization.js';
import { Authorized } from '../auth.js';
import { Certificate, CertificateVerification } from '../certificates/certificate.type.js';
import type { GraphQLContext } from '../context.js';
import { JSONScalar } from '../scalars.js';

function serviceOf(context: GraphQLContext): CredentialService {
  const service = context.deps.credentials;
  // Only a server built without PUBLIC_BASE_URL/ISSUER_KEY lacks it (some tests).
  if (!service) throw new Error('Credentials are not configured on this server');
  return service;
}

@Resolver(() => Certificate)
export class CertificateCredentialResolver {
  @Authorized('certificate:read')
  @FieldResolver(() => JSONScalar, {
    nullable: true,
    description: 'The signed Open Badges 3.0 credential (JSON-LD with its eddsa-rdfc-2022 proof); null after erasure.',
  })
  async credential(@Root() certificate: CertificateView, @Ctx() context: GraphQLContext): Promise<Record<string, unknown> | null> {
    if (!permits(context.viewer, 'certificate:read', certificate)) return null;
    const service = serviceOf(context);
    const lookup = await service.lookup(certificate.folio);
    return lookup.kind === 'found' ? service.credentialOf(lookup.facts) : null;
  }
}

type Verification = CertificateVerification;
/** After erasure the credential and the PDF answer 410: no link to them. */
const erased = (verification: Verification): boolean => verification.found && verification.holderInitials === null;

@Resolver(() => CertificateVerification)
export class CertificateVerificationLinksResolver {
  @FieldResolver(() => String, { nullable: true, description: 'Absolute URL of the signed credential (JSON-LD); null when not found or after erasure.' })
  credentialUrl(@Root() verification: Verification, @Ctx() context: GraphQLContext): string | null {
    return verification.found && !erased(verification) ? serviceOf(context).urls(verification.folio).credentialUrl : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Absolute URL of the printable PDF; null when not found or after erasure.' })
  pdfUrl(@Root() verification: Verification, @Ctx() context: GraphQLContext): string | null {
    return verification.found && !erased(verification) ? serviceOf(context).urls(verification.folio).pdfUrl : null;
  }

  @FieldResolver(() => String, { nullable: true, description: 'Absolute URL of the public verification page; null when not found.' })
  verifyUrl(@Root() verification: Verification, @Ctx() context: GraphQLContext): string | null {
    return verification.found ? serviceOf(context).urls(verification.folio).verifyUrl : null;
  }
}
