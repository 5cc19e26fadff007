import type { EmploymentRegime } from '../shared/vocabulary.js';
import type { ServantEvent } from './events.js';

export interface ServantState {
  exists: boolean;
  servantId: string;
  state: string;
  municipality: string;
  department: string;
  position: string | null;
  regime: EmploymentRegime;
  unionized: boolean;
  /** False once separated. */
  active: boolean;
  /** True once the data key was destroyed. */
  erased: boolean;
  /** CURP and name sealed with the servant's key; null once erased (the key is gone anyway). */
  personalData: string | null;
}

export const initialState = (): ServantState => ({
  exists: false,
  servantId: '',
  state: '',
  municipality: '',
  department: '',
  position: null,
  regime: 'BASE',
  unionized: false,
  active: false,
  erased: false,
  personalData: null,
});

export function evolve(state: ServantState, event: ServantEvent): ServantState {
  switch (event.type) {
    case 'ServantRegistered':
      return { ...event.data, exists: true, active: true, erased: false };
    case 'EmploymentChanged':
      // Only the changed fields are present (servantId is the same).
      return { ...state, ...event.data };
    case 'ServantSeparated':
      return { ...state, active: false };
    case 'PersonalDataErased':
      return { ...state, erased: true, personalData: null };
  }
}
