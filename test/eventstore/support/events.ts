import { randomUUID } from 'node:crypto';
import type { EventMetadata, JsonObject, NewEvent } from '../../../src/eventstore/types.js';
import { validateAppend, type ValidEvent } from '../../../src/eventstore/validation.js';

export function testMetadata(overrides: Partial<EventMetadata> = {}): EventMetadata {
  return {
    occurredAt: '2018-03-01T16:00:00.000Z',
    actor: 'auditor-test',
    commandId: null,
    correlationId: null,
    causationId: null,
    schemaVersion: 1,
    ...overrides,
  };
}

export function newEvent(type = 'SomethingHappened', data: JsonObject = {}): NewEvent {
  return { id: randomUUID(), type, data, metadata: testMetadata() };
}

/** `count` events numbered from `from`, so readers can check order. */
export function numberedEvents(count: number, from = 0, type = 'Numbered'): NewEvent[] {
  return Array.from({ length: count }, (_, index) => newEvent(type, { n: from + index }));
}

/** Events as an append hands them to a backend (validated, data and metadata as canonical JSON). */
export function validEvents(events: NewEvent[]): ValidEvent[] {
  return validateAppend('any', events, undefined).events;
}
