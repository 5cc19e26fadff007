import { toTime } from '../shared/time.js';
import type { EvaluatorEvent } from './events.js';

export interface EvaluatorState {
  exists: boolean;
  evaluatorId: string;
  fullName: string;
  certificationBody: string;
  ec0076Folio: string;
  standardCodes: string[];
  /** ISO-8601; null until accredited. */
  validUntil: string | null;
}

export const initialState = (): EvaluatorState => ({
  exists: false,
  evaluatorId: '',
  fullName: '',
  certificationBody: '',
  ec0076Folio: '',
  standardCodes: [],
  validUntil: null,
});

export function evolve(_state: EvaluatorState, event: EvaluatorEvent): EvaluatorState {
  switch (event.type) {
    case 'EvaluatorAccredited':
      return { ...event.data, standardCodes: [...event.data.standardCodes], exists: true };
  }
}

/** Accredited for the standard and not expired at `at` (the accreditation holds through validUntil). */
export function isAccreditedFor(evaluator: EvaluatorState, standardCode: string, at: Date): boolean {
  return (
    evaluator.exists &&
    evaluator.validUntil !== null &&
    evaluator.standardCodes.includes(standardCode) &&
    at.getTime() <= toTime(evaluator.validUntil)
  );
}
