import type { GoalEvent } from './events.js';

export interface GoalState {
  exists: boolean;
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

export const initialState = (): GoalState => ({
  exists: false,
  goalId: '',
  state: '',
  municipality: '',
  target: 0,
  startsAt: '',
  deadline: '',
  description: null,
});

export function evolve(_state: GoalState, event: GoalEvent): GoalState {
  switch (event.type) {
    case 'GoalSet':
      return { ...event.data, exists: true };
  }
}
