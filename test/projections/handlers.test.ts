/**
 * A projection's handlers are keyed by the domain's event types: tsc (which
 * checks test/) rejects a missing or misspelt type, and the runner reads
 * exactly the types that have a handler.
 */
import { describe, expect, it } from 'vitest';
import type { DomainEventType } from '../../src/domain/events.js';
import { createAllProjections } from '../../src/projections/all.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import { CERTIFICATION_EVENT_SCHEMAS } from '../../src/domain/certifications/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from '../../src/domain/evaluators/events.js';
import { GOAL_EVENT_SCHEMAS } from '../../src/domain/goals/events.js';
import { SERVANT_EVENT_SCHEMAS } from '../../src/domain/servants/events.js';
import { STANDARD_EVENT_SCHEMAS } from '../../src/domain/standards/events.js';
import { type EventHandlers, foldingProjection, IGNORED, ignoring, type ReadTransaction } from '../../src/projections/projection.js';

// Every feature ignored as a whole: what a read model writes for the features it does not read.
const EVERY_TYPE_IGNORED = ignoring(
  STANDARD_EVENT_SCHEMAS,
  SERVANT_EVENT_SCHEMAS,
  EVALUATOR_EVENT_SCHEMAS,
  CERTIFICATION_EVENT_SCHEMAS,
  GOAL_EVENT_SCHEMAS,
) satisfies EventHandlers<unknown>;

const definition = { name: 'typed', version: 1, tables: [], migrate: async () => {}, open: async () => [] as string[] };

const recorded = (position: bigint, type: string, data: Record<string, unknown>) => ({ position, type, data }) as unknown as RecordedEvent;

describe('projection handlers', () => {
  it('do not compile with an event type missing or misspelt', () => {
    const { GoalSet: _forgotten, ...missingGoalSet } = EVERY_TYPE_IGNORED;
    // @ts-expect-error GoalSet has neither a handler nor IGNORED
    const missing: EventHandlers<string[]> = missingGoalSet;
    // @ts-expect-error 'GoalSett' is no event type of the domain
    const misspelt: EventHandlers<string[]> = { ...EVERY_TYPE_IGNORED, GoalSett: IGNORED };
    // @ts-expect-error a handler's event is narrowed by its key: GoalSet has no folio
    const mistyped: EventHandlers<string[]> = { ...EVERY_TYPE_IGNORED, GoalSet: (seen, event) => seen.push(event.data.folio) };
    expect([missing, misspelt, mistyped]).toHaveLength(3);
  });

  it('make the runner read exactly the handled types, and fold them in order', async () => {
    const closed: string[][] = [];
    const projection = foldingProjection<string[]>({
      ...definition,
      close: async (seen) => void closed.push(seen),
      handlers: {
        ...EVERY_TYPE_IGNORED,
        GoalSet: (seen, event) => void seen.push(`goal ${event.data.goalId}`),
        StandardPublished: (seen, event) => void seen.push(`standard ${event.data.code}`),
      },
    });
    expect(projection.reads).toEqual(new Set<DomainEventType>(['GoalSet', 'StandardPublished']));
    // Open and close need no database here: the batch is an array.
    const trx = {} as ReadTransaction;
    await projection.apply(trx, [recorded(1n, 'ServantRegistered', {}), recorded(2n, 'GoalSet', { goalId: 'g' }), recorded(3n, 'StandardPublished', { code: 'EC0105' })]);
    await projection.apply(trx, [recorded(4n, 'CurpClaimed', {})]);
    expect(closed).toEqual([['goal g', 'standard EC0105']]);
  });

  it('are declared by every read model of the domain, with a version', () => {
    const vault = {} as Parameters<typeof createAllProjections>[0]['vault'];
    for (const projection of createAllProjections({ dialect: 'sqlite', vault })) {
      expect(Number.isInteger(projection.version), projection.name).toBe(true);
      expect(projection.tables.length, projection.name).toBeGreaterThan(0);
      if (projection.name === 'transparency') expect(projection.reads).toBe('every event');
      else expect((projection.reads as Set<string>).size, projection.name).toBeGreaterThan(0);
    }
  });
});
