import type { DomainEventType } from '../domain/events.js';
import type { CommandContext, Event } from '../domain/shared/event.js';
import { CURRENT_SCHEMA_VERSION } from '../domain/upcasting.js';
import type { StreamEvent } from './event-streams.js';
import { derivedUuid, randomId } from './ids.js';

/** Wraps domain events with metadata; ids derive from the commandId so a repeat appends nothing. */
export function envelope(streamId: string, events: readonly Event[], context: CommandContext): StreamEvent[] {
  return events.map((event, index) => ({
    id: context.commandId ? derivedUuid('event', context.commandId, streamId, String(index)) : randomId(),
    type: event.type,
    data: event.data,
    metadata: {
      occurredAt: context.occurredAt.toISOString(),
      actor: context.actor,
      commandId: context.commandId,
      correlationId: context.correlationId,
      causationId: context.commandId,
      schemaVersion: CURRENT_SCHEMA_VERSION[event.type as DomainEventType] ?? 1,
    },
  }));
}
