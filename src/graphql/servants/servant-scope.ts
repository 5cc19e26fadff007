/** The REGISTRAR municipality scope applied to servants, shared by every feature that reaches one. */
import { NotFoundError } from '../../domain/shared/errors.js';
import type { ServantView } from '../../projections/read-model.js';
import { assertInScope, inScope } from '../auth.js';
import type { GraphQLContext } from '../context.js';

/** The servant if the viewer may see it; a REGISTRAR gets null outside its municipality (no existence leak). */
export function visibleServant(context: GraphQLContext, servant: ServantView | null): ServantView | null {
  return servant && inScope(context.viewer, servant) ? servant : null;
}

/**
 * Before a REGISTRAR's command on an existing servant: the servant must be in
 * its municipality. Other roles go straight to the Office, which knows NOT_FOUND.
 */
export async function assertServantInScope(context: GraphQLContext, servantId: string): Promise<void> {
  if (context.viewer?.role !== 'REGISTRAR') return;
  const servant = await context.loaders.servants.load(servantId);
  if (!servant) throw new NotFoundError('Servant not found');
  assertInScope(context.viewer, servant);
}
