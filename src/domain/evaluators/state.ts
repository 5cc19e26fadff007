import { assertNever } from '../shared/event.js';
import { toTime } from '../shared/time.js';
import type { EvaluatorAccredited, EvaluatorEvent } from './events.js';

/** Never accredited, or the last accreditation (accrediting again replaces it). */
export type EvaluatorState = { exists: false } | (EvaluatorAccredited['data'] & { exists: true });

export const initialState = (): EvaluatorState => ({ exists: false });

export function evolve(_state: EvaluatorState, event: EvaluatorEvent): EvaluatorState {
  switch (event.type) {
    case 'EvaluatorAccredited':
      return { ...event.data, standardCodes: [...event.data.standardCodes], exists: true };
    default:
      return assertNever(event.type);
  }
}

/** Accredited for the standard and not expired at `at` (the accreditation holds through validUntil). */
export function isAccreditedFor(evaluator: EvaluatorState, standardCode: string, at: Date): boolean {
  return evaluator.exists && evaluator.standardCodes.includes(standardCode) && at.getTime() <= toTime(evaluator.validUntil);
}
