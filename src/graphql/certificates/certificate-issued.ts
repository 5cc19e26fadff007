/**
 * `certificateIssued`: fed by the committed log (every CertificateIssued,
 * whoever appended it), pushed once the read models include it. The
 * certificate is read once per event for all of this process's subscribers.
 */
import { Arg, Ctx, Resolver, Root, Subscription } from 'type-graphql';
import type { CertificateView } from '../../projections/read-model.js';
import { permits } from '../../application/authorization.js';
import { Authorized } from '../auth.js';
import { refreshReads, type GraphQLContext } from '../context.js';
import { Certificate } from './certificate.type.js';

interface CertificateIssuedArgs {
  municipality?: string | null;
}

@Resolver()
export class CertificateIssuedResolver {
  @Authorized('certificate:read')
  @Subscription(() => Certificate, {
    description: 'Pushed once the read models include the new certificate (graphql-ws, same /graphql path).',
    subscribe: ({ args, context }: { args: CertificateIssuedArgs; context: GraphQLContext }) => {
      const { live, deps } = context;
      return live.values(
        (event) => event.type === 'CertificateIssued',
        async (event) => {
          const folio = String(event.data.folio);
          const certificate = await live.once(`certificate:${event.position}`, async () => {
            const [found] = await deps.readModel.certificatesByFolios([folio], deps.clock.now());
            return found;
          });
          if (!certificate || !permits(context.viewer, 'certificate:read', certificate)) return null;
          return args.municipality == null || certificate.municipality === args.municipality ? certificate : null;
        },
      );
    },
  })
  certificateIssued(
    @Root() certificate: CertificateView,
    // Used by subscribe; declared here so the schema has the argument.
    @Arg('municipality', () => String, { nullable: true, description: "Only this municipality's certificates; a REGISTRAR only ever receives its own." }) _municipality: string | null,
    @Ctx() context: GraphQLContext,
  ): CertificateView {
    // Each push reads afresh: the subscription's context outlives many events.
    refreshReads(context);
    return certificate;
  }
}
