import type { Event } from '../shared/event.js';

/** Stream `goal-{uuid}`. Setting a goal again replaces it. */
export type GoalSet = Event<
  'GoalSet',
  {
    goalId: string;
    state: string;
    municipality: string;
    target: number;
    startsAt: string;
    deadline: string;
    description: string | null;
  }
>;

export type GoalEvent = GoalSet;

export const goalStreamId = (goalId: string): string => `goal-${goalId}`;
