/** Pushing a newly issued certificate to `certificateIssued` subscribers of this process. */
import type { CertificationView } from '../../projections/read-model.js';
import type { GraphQLContext } from '../context.js';
import { CERTIFICATE_ISSUED } from '../pubsub.js';
import { mustExist } from '../shared/command.js';

/** Called after the command's waitFor, so subscribers' reads already include the certificate. */
export async function publishIssuedCertificate(context: GraphQLContext, certification: CertificationView): Promise<void> {
  const folio = mustExist(certification.folio, `Folio of ${certification.id}`);
  const certificate = mustExist(await context.loaders.certificates.load(folio), `Certificate ${folio}`);
  context.pubSub.publish(CERTIFICATE_ISSUED, certificate);
}
