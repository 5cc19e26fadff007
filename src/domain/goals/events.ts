import type { Event } from '../shared/event.js';

/** Stream `goal-{uuid}`. Setting a goal again replaces it. */
export type GoalSet = Event<
  'GoalSet',
  {
    goalId: string;
    state: string;
    municipality: string;
    target: number;
    /** ISO-8601 business time; certificates issued from here on count. */
    startsAt: string;
    /** ISO-8601 business time; certificates issued up to here count. */
    deadline: string;
    description: string | null;
  }
>;

export type GoalEvent = GoalSet;

export const goalStreamId = (goalId: string): string => `goal-${goalId}`;

/** Each event type of the feature with the schemaVersion written today (upcasting.ts): a new type fails to compile until listed. */
export const GOAL_EVENT_SCHEMAS = { GoalSet: 1 } as const satisfies Record<GoalEvent['type'], number>;
