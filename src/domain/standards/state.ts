import { assertNever } from '../shared/event.js';
import type { StandardCode } from '../shared/validation.js';
import type { StandardEvent, StandardPublished } from './events.js';

export type StandardStatus = 'ACTIVE' | 'WITHDRAWN';

/** Never published, or published (and maybe withdrawn since). */
export type StandardState =
  | { exists: false }
  | (Omit<StandardPublished['data'], 'code'> & { exists: true; code: StandardCode; status: StandardStatus });

export const initialState = (): StandardState => ({ exists: false });

export function evolve(state: StandardState, event: StandardEvent): StandardState {
  switch (event.type) {
    case 'StandardPublished':
      // The code was parsed before it named the stream.
      return { ...event.data, code: event.data.code as StandardCode, exists: true, status: 'ACTIVE' };
    case 'StandardWithdrawn':
      return state.exists ? { ...state, status: 'WITHDRAWN' } : state;
    default:
      return assertNever(event);
  }
}
