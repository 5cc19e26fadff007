import { Field, Int, ObjectType } from 'type-graphql';
import type { JsonObject, RecordedEvent } from '../../eventstore/types.js';
import { DateTimeScalar, JSONScalar, positionString } from '../scalars.js';
import { PageInfo } from '../shared/page-info.type.js';

@ObjectType({ description: 'One recorded event, as auditors see it.', simpleResolvers: true })
export class AuditEvent {
  @Field(() => String, { description: 'The stream it belongs to, e.g. servant-<uuid>, certification-<servantId>-<code>, standard-<code> (docs/events.md).' })
  streamId!: string;

  @Field(() => Int, { description: '0-based position of the event within its stream.' })
  revision!: number;

  @Field(() => String, { description: 'Global position in the whole log, as a decimal string (may exceed 2^53).' })
  position!: string;

  @Field(() => String, { description: 'Event type, e.g. CertificateIssued.' })
  type!: string;

  @Field(() => JSONScalar, { description: "The event's payload as stored; a servant's name and CURP are sealed (encrypted), never in clear." })
  data!: JsonObject;

  @Field(() => DateTimeScalar, { description: 'Business time: when it happened, as the command said (may be long before recordedAt).' })
  occurredAt!: string;

  @Field(() => DateTimeScalar, { description: 'When the event store committed it.' })
  recordedAt!: string;

  @Field(() => String, { nullable: true, description: 'Subject of the token that issued the command.' })
  actor!: string | null;

  @Field(() => String, { nullable: true, description: "The client's commandId of the mutation that recorded it; null when none was sent." })
  commandId!: string | null;

  @Field(() => String, { nullable: true, description: 'The request id (x-request-id) of the request that recorded it: events of one request share it.' })
  correlationId!: string | null;

  @Field(() => String, {
    description: "sha256 over this event's content and the previous event's hash in the same stream.",
  })
  hash!: string;

  @Field(() => String, { nullable: true, description: "The previous event's hash in the same stream; null for a stream's first event." })
  previousHash!: string | null;
}

export function toAuditEvent(event: RecordedEvent): AuditEvent {
  return {
    streamId: event.streamId,
    revision: event.revision,
    position: positionString(event.position),
    type: event.type,
    data: event.data,
    occurredAt: event.metadata.occurredAt,
    recordedAt: event.recordedAt,
    actor: event.metadata.actor,
    commandId: event.metadata.commandId,
    correlationId: event.metadata.correlationId,
    hash: event.hash,
    previousHash: event.previousHash,
  };
}

@ObjectType({ description: 'One event of an auditLog page, with its cursor.', simpleResolvers: true })
export class AuditEventEdge {
  @Field(() => String, { description: "The event's global position (a decimal string): pass it as after or before." })
  cursor!: string;

  @Field(() => AuditEvent, { description: 'The event.' })
  node!: AuditEvent;
}

@ObjectType({ description: 'A page of the log, oldest first (Relay connection).', simpleResolvers: true })
export class AuditEventConnection {
  @Field(() => [AuditEventEdge], { description: 'The page, oldest first, whichever way it was paged.' })
  edges!: AuditEventEdge[];

  @Field(() => PageInfo, { description: 'Cursors and flags to page forwards (after) or back (before).' })
  pageInfo!: PageInfo;
}
