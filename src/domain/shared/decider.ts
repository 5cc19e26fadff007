import type { Event } from './event.js';

/**
 * A pure decider: fold a stream's events into state, decide a command into new events.
 * `Deps` is what the decision reads from other streams at decision time
 * (standard status, evaluator accreditation, ...), loaded by the command handler.
 */
export interface Decider<State, Command, E extends Event, Deps = undefined> {
  initialState(): State;
  evolve(state: State, event: E): State;
  decide(command: Command, state: State, deps: Deps): E[];
}
