import { Arg, Args, Authorized, Ctx, Query, Resolver } from 'type-graphql';
import { verifyIntegrity } from '../../eventstore/integrity.js';
import { AUDITORS } from '../auth.js';
import type { GraphQLContext } from '../context.js';
import { DateTimeScalar } from '../scalars.js';
import { AuditEvent, AuditEventConnection, toAuditEvent } from './audit-event.type.js';
import { AuditLogArgs } from './audit.input.js';
import { readAuditLog } from '../../eventstore/audit.js';
import { parsePositionCursor } from './audit-log.js';
import { IntegrityReport } from './integrity-report.type.js';

const DEFAULT_PAGE = 50;

/** Auditors read the events themselves, not the read models. */
@Authorized(AUDITORS)
@Resolver()
export class AuditResolver {
  @Query(() => AuditEventConnection, { description: 'Auditors: the global log, oldest first.' })
  async auditLog(@Args(() => AuditLogArgs) args: AuditLogArgs, @Ctx() { deps }: GraphQLContext): Promise<AuditEventConnection> {
    const first = args.first ?? DEFAULT_PAGE;
    // One more than asked tells whether another page exists.
    const events = await readAuditLog(deps.store, args.filter ?? {}, { after: parsePositionCursor(args.after), limit: first + 1 });
    const edges = events.slice(0, first).map((event) => {
      const node = toAuditEvent(event);
      return { cursor: node.position, node };
    });
    return { edges, pageInfo: { hasNextPage: events.length > first, endCursor: edges.at(-1)?.cursor ?? null } };
  }

  @Query(() => [AuditEvent], { description: "Auditors: one stream's events, optionally only those recorded up to asOf." })
  async streamHistory(
    @Arg('streamId', () => String) streamId: string,
    @Arg('asOf', () => DateTimeScalar, { nullable: true }) asOf: Date | null,
    @Ctx() { deps }: GraphQLContext,
  ): Promise<AuditEvent[]> {
    const events = await deps.store.readStream(streamId, asOf ? { recordedUntil: asOf } : {});
    return events.map(toAuditEvent);
  }

  @Query(() => IntegrityReport, { description: 'Auditors: re-hash stored events and report the first broken link.' })
  async verifyIntegrity(
    @Arg('streamId', () => String, { nullable: true }) streamId: string | null,
    @Ctx() { deps }: GraphQLContext,
  ): Promise<IntegrityReport> {
    const report = await verifyIntegrity(deps.store, streamId ? { streamId } : {});
    return { ...report, brokenPosition: report.brokenPosition?.toString() ?? null };
  }
}
