/**
 * The log's live topics besides certificateIssued: a certification after each
 * of its events, a goal's progress after each change that moves it, and the
 * auditors' feed of events (history after a cursor, then live). All read the
 * committed log through this process's LiveLog (src/notifications).
 */
import { Arg, Ctx, ID, Resolver, Root, Subscription } from 'type-graphql';
import { requireId, parseStandardCode } from '../../domain/shared/validation.js';
import { auditFeed } from '../../notifications/audit-feed.js';
import type { CertificationView, GoalProgressView } from '../../projections/read-model.js';
import { parsePositionCursor } from '../audit/audit-log.js';
import { AuditFilter } from '../audit/audit.input.js';
import { AuditEventEdge, toAuditEvent } from '../audit/audit-event.type.js';
import { permits } from '../../application/authorization.js';
import { Authorized } from '../auth.js';
import { Certification } from '../certifications/certification.type.js';
import { refreshReads, type GraphQLContext } from '../context.js';
import { GoalProgress } from '../goals/goal.type.js';
import { mapEvents } from '../pubsub.js';

/** Events that may move a goal's progress: its own GoalSet, and any issuance or revocation. */
const MOVES_GOALS = new Set(['CertificateIssued', 'CertificateRevoked']);

interface SubscribeData<A> {
  args: A;
  context: GraphQLContext;
}

@Resolver()
export class LiveResolver {
  @Authorized('certification:read')
  @Subscription(() => Certification, {
    description: 'The certification after each of its events (any standard when standardCode is null).',
    subscribe: ({ args, context }: SubscribeData<{ servantId: string; standardCode?: string | null }>) => {
      const servantId = requireId(args.servantId, 'servantId');
      const code = args.standardCode == null ? null : parseStandardCode(args.standardCode);
      const stream = `certification-${servantId}-${code ?? ''}`;
      const { live, deps } = context;
      return live.values(
        (event) => (code === null ? event.streamId.startsWith(stream) : event.streamId === stream),
        async (event) => {
          const [servant] = await live.once(`servant:${servantId}:${event.position}`, () => deps.readModel.servantsByIds([servantId]));
          // A REGISTRAR hears nothing of another municipality's servant, exactly as of one that does not exist.
          if (!servant || !permits(context.viewer, 'certification:read', servant)) return null;
          const standardCode = String(event.data.standardCode);
          return live.once(`certification:${event.position}`, () => deps.readModel.certification(servantId, standardCode, deps.clock.now()));
        },
      );
    },
  })
  certificationChanged(
    @Root() certification: CertificationView,
    @Arg('servantId', () => ID, { description: 'Servant.id; a REGISTRAR hears nothing of another municipality\'s servant.' }) _servantId: string,
    @Arg('standardCode', () => String, { nullable: true, description: 'Only this standard (EC code); absent: every certification of the servant.' }) _standardCode: string | null,
    @Ctx() context: GraphQLContext,
  ): CertificationView {
    refreshReads(context);
    return certification;
  }

  @Subscription(() => GoalProgress, {
    description: "A goal's progress after each change that moves it: live ceremony dashboards. Public.",
    subscribe: async ({ args, context }: SubscribeData<{ goalId: string }>) => {
      const goalId = requireId(args.goalId, 'goalId');
      const stream = `goal-${goalId}`;
      const { live, deps } = context;
      let last: string | null = null;
      const changes = live.values(
        (event) => event.streamId === stream || MOVES_GOALS.has(event.type),
        async (event) => {
          const progress = await live.once(`goal:${goalId}:${event.position}`, () => deps.readModel.goalProgress(goalId));
          const seen = progress ? JSON.stringify(progress) : null;
          if (seen === last) return null;
          last = seen;
          return progress;
        },
      );
      // Listening before this read: a change after it is pushed, one before it is in what the client read itself.
      const initial = await deps.readModel.goalProgress(goalId);
      last = initial ? JSON.stringify(initial) : null;
      return changes;
    },
  })
  goalProgressChanged(@Root() progress: GoalProgressView, @Arg('goalId', () => ID, { description: 'Goal.id.' }) _goalId: string): GoalProgressView {
    return progress;
  }

  @Authorized('audit:read')
  @Subscription(() => AuditEventEdge, {
    description: 'Auditors: every matching event after `after` (an auditLog cursor; null: from now), then live, in log order, each once.',
    subscribe: ({ args, context }: SubscribeData<{ filter?: AuditFilter | null; after?: string | null }>) => {
      const after = args.after == null ? null : parsePositionCursor(args.after);
      const feed = auditFeed({ store: context.deps.store, live: context.live.log, filter: args.filter ?? {}, after });
      return mapEvents(feed, async (event) => {
        const node = toAuditEvent(event);
        return { cursor: node.position, node };
      });
    },
  })
  auditEvents(
    @Root() edge: AuditEventEdge,
    @Arg('filter', () => AuditFilter, { nullable: true, description: 'Which events; absent: all.' }) _filter: AuditFilter | null,
    @Arg('after', () => String, { nullable: true, description: 'An auditLog cursor: replay the matching events after it first; absent: only events from now on.' }) _after: string | null,
  ): AuditEventEdge {
    return edge;
  }
}
