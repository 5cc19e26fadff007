import { Field, Int, ObjectType } from 'type-graphql';
import type { JsonObject, RecordedEvent } from '../../eventstore/types.js';
import { DateTimeScalar, JSONScalar, positionString } from '../scalars.js';
import { PageInfo } from '../shared/page-info.type.js';

@ObjectType({ description: 'One recorded event, as auditors see it.', simpleResolvers: true })
export class AuditEvent {
  @Field(() => String)
  streamId!: string;

  @Field(() => Int, { description: '0-based position of the event within its stream.' })
  revision!: number;

  @Field(() => String, { description: 'Global position in the whole log, as a decimal string (may exceed 2^53).' })
  position!: string;

  @Field(() => String)
  type!: string;

  @Field(() => JSONScalar)
  data!: JsonObject;

  @Field(() => DateTimeScalar)
  occurredAt!: string;

  @Field(() => DateTimeScalar)
  recordedAt!: string;

  @Field(() => String, { nullable: true, description: 'Subject of the token that issued the command.' })
  actor!: string | null;

  @Field(() => String, { nullable: true })
  commandId!: string | null;

  @Field(() => String, { nullable: true })
  correlationId!: string | null;

  @Field(() => String, {
    description: "sha256 over this event's content and the previous event's hash in the same stream.",
  })
  hash!: string;

  @Field(() => String, { nullable: true })
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

@ObjectType({ simpleResolvers: true })
export class AuditEventEdge {
  @Field(() => String)
  cursor!: string;

  @Field(() => AuditEvent)
  node!: AuditEvent;
}

@ObjectType({ simpleResolvers: true })
export class AuditEventConnection {
  @Field(() => [AuditEventEdge])
  edges!: AuditEventEdge[];

  @Field(() => PageInfo)
  pageInfo!: PageInfo;
}
