import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { parseFolio, parseStandardCode } from '../../domain/shared/validation.js';
import type { GraphQLContext } from '../context.js';
import { visibleServant } from '../servants/servant-scope.js';
import { permits } from '../../application/authorization.js';
import { Node, asNode, parseStatsNodeId } from './node.type.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CERTIFICATION = /^certification-([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})-(EC\d{4}(?:\.\d{2})?)$/i;

/** A parse error of a part of an id means no such object, not bad input: ids are opaque to clients. */
const orNull = <T>(parse: () => T): T | null => {
  try {
    return parse();
  } catch {
    return null;
  }
};

@Resolver()
export class NodeResolver {
  /**
   * Any object by its global id, for what the caller may read anyway: the same
   * roles and municipality scope as the object's own query, and null (never
   * an error) for an id that names nothing the caller may see.
   */
  @Query(() => Node, { nullable: true, description: 'Refetch any object by its global id.' })
  async node(@Arg('id', () => ID, { description: 'An `id` this API handed out.' }) id: string, @Ctx() context: GraphQLContext): Promise<Node | null> {
    const found = await this.find(id, context);
    return found as Node | null;
  }

  private async find(id: string, context: GraphQLContext): Promise<object | null> {
    const { loaders, deps, viewer, now } = context;
    if (id.startsWith('CompetencyStandard:')) {
      const code = orNull(() => parseStandardCode(id.slice('CompetencyStandard:'.length)));
      const standard = code && (await loaders.standards.load(code));
      return standard ? asNode(standard, 'CompetencyStandard') : null;
    }
    if (id.startsWith('CertificationStats:')) {
      const scope = parseStatsNodeId(id);
      if (!scope) return null;
      const stats = await deps.readModel.certificationStats(scope, scope.asOf ?? now);
      return asNode({ ...stats, id }, 'CertificationStats');
    }
    if (UUID.test(id) && !viewer) {
      // Goals are public; servants and evaluators need a signed-in caller, as their own queries do.
      const progress = await deps.readModel.goalProgress(id.toLowerCase());
      return progress ? asNode(progress.goal, 'Goal') : null;
    }
    if (!viewer) return null;
    if (id.startsWith('Certificate:')) {
      const folio = orNull(() => parseFolio(id.slice('Certificate:'.length)));
      const certificate = folio && (await loaders.certificates.load(folio));
      return certificate && permits(viewer, 'certificate:read', certificate) ? asNode(certificate, 'Certificate') : null;
    }
    const certification = CERTIFICATION.exec(id);
    if (certification) {
      const [, servantId, code] = certification;
      if (!visibleServant(context, 'certification:read', await loaders.servants.load(servantId!.toLowerCase()))) return null;
      const found = await deps.readModel.certification(servantId!.toLowerCase(), code!.toUpperCase(), now);
      return found ? asNode(found, 'Certification') : null;
    }
    if (!UUID.test(id)) return null;
    const uuid = id.toLowerCase();
    const [servant, evaluators, progress] = await Promise.all([loaders.servants.load(uuid), deps.readModel.evaluators(), deps.readModel.goalProgress(uuid)]);
    const visible = visibleServant(context, 'servant:read', servant);
    if (visible) return asNode(visible, 'Servant');
    const evaluator = evaluators.find((candidate) => candidate.id === uuid);
    if (evaluator && permits(viewer, 'evaluator:read')) return asNode(evaluator, 'Evaluator');
    return progress ? asNode(progress.goal, 'Goal') : null;
  }
}

