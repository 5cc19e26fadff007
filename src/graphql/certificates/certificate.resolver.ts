import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
} from 'type-graphql';
import { parseFolio } from '../../domain/shared/validation.js';
import type { CertificateView, ServantView, StandardView } from '../../projections/read-model.js';
import { authorize, judgesResource, permits } from '../../application/authorization.js';
import { Authorized } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { positionString } from '../scalars.js';
import { Servant } from '../servants/servant.type.js';
import { mustExist, runCommand } from '../shared/command.js';
import { INPUT_DESCRIPTION } from '../shared/command.input.js';
import { CompetencyStandard } from '../standards/standard.type.js';
import { DeliverCertificatesInput, ReissueCertificateInput, RevokeCertificateInput } from './certificate.input.js';
import { Certificate, CertificatePayload, CertificateVerification, DeliveryPayload } from './certificate.type.js';
import { holderInitials } from './holder-initials.js';
import { certificateNodeId } from '../nodes/node.type.js';

@Resolver(() => Certificate)
export class CertificateResolver {
  @FieldResolver(() => ID, { description: 'Global id: `Certificate:<folio>`.' })
  id(@Root() certificate: CertificateView): string {
    return certificateNodeId(certificate.folio);
  }

  @Authorized('certificate:read')
  @Query(() => Certificate, {
    nullable: true,
    description: 'Signed-in callers: a certificate by its CONOCER folio; null when unknown, or for a REGISTRAR outside its municipality.',
  })
  async certificate(@Arg('folio', () => String, { description: "CONOCER's folio." }) folio: string, @Ctx() context: GraphQLContext): Promise<CertificateView | null> {
    const certificate = await context.loaders.certificates.load(parseFolio(folio));
    return certificate && permits(context.viewer, 'certificate:read', certificate) ? certificate : null;
  }

  @Query(() => CertificateVerification, { description: 'Public: needs no token. Rate limited per client address.' })
  async verifyCertificate(@Arg('folio', () => String, { description: 'The CONOCER folio, or the printed folio (folio preimpreso) of a paper.' }) folio: string, @Ctx() { deps, now }: GraphQLContext): Promise<CertificateVerification> {
    const normalised = parseFolio(folio);
    const check = await deps.readModel.certificateCheck(normalised, now);
    if (!check) {
      return {
        folio: normalised,
        found: false,
        status: null,
        standardCode: null,
        standardTitle: null,
        holderInitials: null,
        municipality: null,
        issuedAt: null,
        validUntil: null,
        printedFolio: null,
        printedFolioReplaced: false,
      };
    }
    const { certificate, standardTitle, holderName, askedPrintedFolio } = check;
    return {
      folio: certificate.folio,
      found: true,
      status: certificate.status,
      standardCode: certificate.standardCode,
      standardTitle,
      holderInitials: holderName === null ? null : holderInitials(holderName),
      municipality: certificate.municipality,
      issuedAt: certificate.issuedAt,
      validUntil: certificate.validUntil,
      printedFolio: certificate.printedFolio,
      printedFolioReplaced: askedPrintedFolio?.replaced ?? false,
    };
  }

  @FieldResolver(() => Servant, { description: 'The holder.' })
  async servant(@Root() certificate: CertificateView, @Ctx() { loaders }: GraphQLContext): Promise<ServantView> {
    return mustExist(await loaders.servants.load(certificate.servantId), `Servant ${certificate.servantId}`);
  }

  @FieldResolver(() => CompetencyStandard, { description: 'The standard it certifies.' })
  async standard(@Root() certificate: CertificateView, @Ctx() { loaders }: GraphQLContext): Promise<StandardView> {
    return mustExist(await loaders.standards.load(certificate.standardCode), `Standard ${certificate.standardCode}`);
  }

  @Authorized('certificate:deliver')
  @Mutation(() => DeliveryPayload, { description: "ADMIN, or a REGISTRAR for its municipality's certificates: records that these certificates were handed over at a ceremony." })
  async deliverCertificates(
    @Arg('input', () => DeliverCertificatesInput, { description: INPUT_DESCRIPTION }) input: DeliverCertificatesInput,
    @Ctx() context: GraphQLContext,
  ): Promise<DeliveryPayload> {
    if (judgesResource(context.viewer, 'certificate:deliver')) {
      // Unknown folios are left to the Office (NOT_FOUND); another municipality's read exactly the same.
      const folios = input.folios.map((folio) => parseFolio(folio));
      const known = await context.loaders.certificates.loadMany(folios);
      known.forEach((certificate, i) => {
        if (certificate instanceof Error) throw certificate;
        if (certificate) authorize(context.viewer, 'certificate:deliver', { name: `Certificate ${folios[i]}`, place: certificate });
      });
    }
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.deliverCertificates(command, ctx));
    const certificates = await Promise.all(
      result.folios.map(async (folio) => mustExist(await context.loaders.certificates.load(folio), `Certificate ${folio}`)),
    );
    return { certificates, position: positionString(result.position) };
  }

  @Authorized('certificate:reissue')
  @Mutation(() => CertificatePayload, { description: 'A reprint on new paper (folio preimpreso); the CONOCER folio and validity stay.' })
  async reissueCertificate(
    @Arg('input', () => ReissueCertificateInput, { description: INPUT_DESCRIPTION }) input: ReissueCertificateInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificatePayload> {
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.reissueCertificate(command, ctx));
    const certificate = mustExist(await context.loaders.certificates.load(result.folio), `Certificate ${result.folio}`);
    return { certificate, position: positionString(result.position) };
  }

  @Authorized('certificate:revoke')
  @Mutation(() => CertificatePayload, { description: "ADMIN: revokes a certificate; it stops counting in every statistic and goal." })
  async revokeCertificate(
    @Arg('input', () => RevokeCertificateInput, { description: INPUT_DESCRIPTION }) input: RevokeCertificateInput,
    @Ctx() context: GraphQLContext,
  ): Promise<CertificatePayload> {
    const result = await runCommand(context, input, (command, ctx) => context.deps.office.revokeCertificate(command, ctx));
    const certificate = mustExist(await context.loaders.certificates.load(result.folio), `Certificate ${result.folio}`);
    return { certificate, position: positionString(result.position) };
  }
}
