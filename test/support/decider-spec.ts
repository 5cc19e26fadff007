/**
 * Given/when/then for pure deciders, Emmett style:
 *   given(decider, [events], deps).when(command).then([events])
 *   given(decider, [events], deps).when(command).thenThrows('BUSINESS_RULE', 'ALREADY_CERTIFIED')
 * Every run also checks that decide left the folded state untouched.
 */
import { expect } from 'vitest';
import type { Decider } from '../../src/domain/shared/decider.js';
import { AcreditaError, type BusinessRule, type ErrorCode } from '../../src/domain/shared/errors.js';
import type { Event } from '../../src/domain/shared/event.js';

/** A rule name for BUSINESS_RULE, or the offending field for BAD_USER_INPUT. */
export type Expectation = BusinessRule | { field: string };

export function given<State, Command, E extends Event, Deps>(
  decider: Decider<State, Command, E, Deps>,
  events: readonly E[],
  ...deps: undefined extends Deps ? [deps?: Deps] : [deps: Deps]
) {
  const state = events.reduce((folded, event) => decider.evolve(folded, event), decider.initialState());
  return {
    state,
    when(command: Command) {
      const run = (): E[] => {
        const before = structuredClone(state);
        try {
          return decider.decide(command, state, deps[0] as Deps);
        } finally {
          expect(state, 'decide must not change the state it was given').toEqual(before);
        }
      };
      return {
        then(expected: readonly E[]): void {
          expect(run()).toEqual(expected);
        },
        thenThrows(code: ErrorCode, expectation?: Expectation): AcreditaError {
          let thrown: unknown;
          try {
            run();
          } catch (error) {
            thrown = error;
          }
          expect(thrown, 'decide should have thrown').toBeInstanceOf(AcreditaError);
          const error = thrown as AcreditaError;
          expect({ code: error.code, message: error.message }).toMatchObject({ code });
          if (typeof expectation === 'string') expect(error.rule).toBe(expectation);
          else if (expectation) expect(error.details?.field).toBe(expectation.field);
          return error;
        },
      };
    },
  };
}
