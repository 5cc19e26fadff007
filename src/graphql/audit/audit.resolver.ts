import { Arg, Args, Ctx, Query, Resolver } from 'type-graphql';
import { verifyIntegrity } from '../../eventstore/integrity.js';
import { Authorized } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { DateTimeScalar } from '../scalars.js';
import { AuditEvent, AuditEventConnection, toAuditEvent } from './audit-event.type.js';
import { AuditLogArgs } from './audit.input.js';
import { readAuditLog } from '../../eventstore/audit.js';
import { parsePositionCursor } from './audit-log.js';
import { IntegrityReport } from './integrity-report.type.js';
import { BadUserInputError } from '../../domain/shared/errors.js';
import { pageInfoOf } from '../shared/page-info.type.js';

const DEFAULT_PAGE = 50;

/** Auditors read the events themselves, not the read models. */
@Authorized('audit:read')
@Resolver()
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'Auditors: the global log, oldest first; last/before pages back from the newest.' })
  async auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() { deps }: GraphQLContext): Promise<AuditEventConnection> {
    if (args.first != null && args.last != null) throw new BadUserInputError('Give first or last, not both', 'last');
    const backwards = args.last != null;
    const size = (backwards ? args.last : args.first) ?? DEFAULT_PAGE;
    const after = parsePositionCursor(args.after, 'after');
    const before = args.before == null ? undefined : parsePositionCursor(args.before, 'before');
    // One more than asked tells whether another page exists in the direction of travel.
    const events = await readAuditLog(deps.store, args.filter ?? {}, { after, before, newestFirst: backwards, limit: size + 1 });
    const page = events.slice(0, size);
    const edges = (backwards ? page.reverse() : page).map((event) => {
      const node = toAuditEvent(event);
      return { cursor: node.position, node };
    });
    const more = events.length > size;
    // The edge a cursor names exists on the other side, so a page reached through one has a neighbour there.
    return {
      edges,
      pageInfo: pageInfoOf(edges, { hasNextPage: backwards ? args.before != null : more, hasPreviousPage: backwards ? more : args.after != null }),
    };
  }

  @Query(() => [AuditEvent], { description: "Auditors: one stream's events, optionally only those recorded up to asOf." })
  async streamHistory(
    @Arg('streamId', () => String, { description: 'The stream, e.g. servant-<uuid> or certification-<servantId>-EC0105.' }) streamId: string,
    @Arg('asOf', () => DateTimeScalar, { nullable: true, description: 'Only events recorded up to this instant; absent: all.' }) asOf: Date | null,
    @Ctx() { deps }: GraphQLContext,
  ): Promise<AuditEvent[]> {
    const events = await deps.store.readStream(streamId, asOf ? { recordedUntil: asOf } : {});
    return events.map(toAuditEvent);
  }

  @Query(() => IntegrityReport, { description: 'Auditors: re-hash stored events and report the first broken link.' })
  async verifyIntegrity(
    @Arg('streamId', () => String, { nullable: true, description: 'Check only this stream; absent: the whole log.' }) streamId: string | null,
    @Ctx() { deps }: GraphQLContext,
  ): Promise<IntegrityReport> {
    const report = await verifyIntegrity(deps.store, streamId ? { streamId } : {});
    return { ...report, brokenPosition: report.brokenPosition?.toString() ?? null };
  }
}
