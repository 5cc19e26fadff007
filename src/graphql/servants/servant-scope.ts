/** The REGISTRAR municipality scope applied to servants, shared by every feature that reaches one. */
import type { ServantView } from '../../projections/read-model.js';
import { authorize, judgesResource, permits } from '../../application/authorization.js';
import type { GraphQLContext } from '../context.js';

/** Reads that show a servant or what it holds: their REGISTRAR rule is the servant's municipality. */
type ServantRead = 'servant:read' | 'servant:read-curp' | 'certification:read';
/** Commands on an existing servant: their REGISTRAR rule is the servant's municipality. */
type ServantChange = 'servant:change-employment' | 'servant:separate' | 'training:enroll' | 'training:complete';

/** The servant if the viewer may see it; a REGISTRAR gets null outside its municipality (no existence leak). */
export function visibleServant(context: GraphQLContext, action: ServantRead, servant: ServantView | null): ServantView | null {
  return servant && permits(context.viewer, action, servant) ? servant : null;
}

/**
 * Before a REGISTRAR's command on an existing servant: the servant must be in
 * its municipality. Another municipality's servant is answered exactly as one
 * that does not exist (the Office's own words), so nothing confirms it exists.
 * Roles the policy grants the action outright go straight to the Office, which knows NOT_FOUND.
 */
export async function assertServantInScope(context: GraphQLContext, action: ServantChange, servantId: string): Promise<void> {
  if (!judgesResource(context.viewer, action)) return;
  const servant = await context.loaders.servants.load(servantId);
  authorize(context.viewer, action, { name: `Servant ${servantId}`, place: servant });
}
