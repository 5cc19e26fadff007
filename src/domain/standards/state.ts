import type { StandardEvent } from './events.js';

export type StandardStatus = 'ACTIVE' | 'WITHDRAWN';

export interface StandardState {
  exists: boolean;
  code: string;
  title: string;
  level: number;
  sector: string | null;
  /** null: certificates in this standard never expire. */
  validityYears: number | null;
  status: StandardStatus;
}

export const initialState = (): StandardState => ({
  exists: false,
  code: '',
  title: '',
  level: 0,
  sector: null,
  validityYears: null,
  status: 'ACTIVE',
});

export function evolve(state: StandardState, event: StandardEvent): StandardState {
  switch (event.type) {
    case 'StandardPublished':
      return { ...event.data, exists: true, status: 'ACTIVE' };
    case 'StandardWithdrawn':
      return { ...state, status: 'WITHDRAWN' };
  }
}
