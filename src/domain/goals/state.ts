import type { GoalEvent, GoalSet } from './events.js';

/** The last GoalSet's data: setting a goal again replaces it whole. */
export type GoalState = GoalSet['data'] & { exists: boolean };

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
