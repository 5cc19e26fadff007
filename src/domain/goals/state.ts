import { assertNever } from '../shared/event.js';
import type { GoalEvent, GoalSet } from './events.js';

/** Never set, or the last GoalSet's data: setting a goal again replaces it whole. */
export type GoalState = { exists: false } | (GoalSet['data'] & { exists: true });

export const initialState = (): GoalState => ({ exists: false });

export function evolve(_state: GoalState, event: GoalEvent): GoalState {
  switch (event.type) {
    case 'GoalSet':
      return { ...event.data, exists: true };
    default:
      return assertNever(event.type);
  }
}
