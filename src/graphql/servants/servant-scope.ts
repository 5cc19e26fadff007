/** The REGISTRAR municipality scope applied to servants, shared by every feature that reaches one. */
import { NotFoundError } from '../../domain/shared/errors.js';
import type { ServantView } from '../../projections/read-model.js';
import { inScope } from '../auth.js';
import type { GraphQLContext } from '../context.js';

/** The servant if the viewer may see it; a REGISTRAR gets null outside its municipality (no existence leak). */
export function visibleServant(context: GraphQLContext, servant: ServantView | null): ServantView | null {
  return servant && inScope(context.viewer, servant) ? servant : null;
}

/**
 * Before a REGISTRAR's command on an existing servant: the servant must be in
 * its municipality. Another municipality's servant is answered exactly as one
 * that does not exist (the Office's own words), so nothing confirms it exists.
 * Other roles go straight to the Office, which knows NOT_FOUND.
 */
export async function assertServantInScope(context: GraphQLContext, servantId: string): Promise<void> {
  if (context.viewer?.role !== 'REGISTRAR') return;
  const servant = await context.loaders.servants.load(servantId);
  if (!servant || !inScope(context.viewer, servant)) throw new NotFoundError(`Servant ${servantId} does not exist`);
}
