import { assertNever } from '../shared/event.js';
import type { ServantId } from '../shared/validation.js';
import type { ServantEvent, ServantRegistered } from './events.js';

export type RegisteredServant = Omit<ServantRegistered['data'], 'servantId' | 'personalData'> & {
  exists: true;
  servantId: ServantId;
  /** False once separated. */
  active: boolean;
  /** True once the data key was destroyed. */
  erased: boolean;
  /** CURP and name sealed with the servant's key; null once erased (the key is gone anyway). */
  personalData: string | null;
};

/** Never registered, or registered (and maybe separated or erased since). */
export type ServantState = { exists: false } | RegisteredServant;

export const initialState = (): ServantState => ({ exists: false });

export function evolve(state: ServantState, event: ServantEvent): ServantState {
  switch (event.type) {
    case 'ServantRegistered':
      // The id was parsed before it named the stream.
      return { ...event.data, servantId: event.data.servantId as ServantId, exists: true, active: true, erased: false };
    case 'EmploymentChanged': {
      // Only the changed fields are present (servantId is the same).
      const { servantId: _same, ...changed } = event.data;
      return state.exists ? { ...state, ...changed } : state;
    }
    case 'ServantSeparated':
      return state.exists ? { ...state, active: false } : state;
    case 'PersonalDataErased':
      return state.exists ? { ...state, erased: true, personalData: null } : state;
    default:
      return assertNever(event);
  }
}
