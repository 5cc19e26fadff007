import type { Decider } from '../shared/decider.js';
import { BadUserInputError } from '../shared/errors.js';
import { assertNever } from '../shared/event.js';
import {
  LONG_TEXT_MAX_LENGTH,
  optionalText,
  requireBusinessTime,
  requireDate,
  requirePositiveInt,
  requireText,
} from '../shared/validation.js';
import type { GoalCommand } from './commands.js';
import type { GoalEvent } from './events.js';
import { evolve, initialState, type GoalState } from './state.js';

export function decide(command: GoalCommand, _state: GoalState): GoalEvent[] {
  requireBusinessTime(command);
  switch (command.type) {
    case 'SetGoal': {
      const { data } = command;
      const startsAt = requireDate(data.startsAt, 'startsAt');
      const deadline = requireDate(data.deadline, 'deadline');
      if (deadline.getTime() <= startsAt.getTime()) throw new BadUserInputError('deadline must be after startsAt', 'deadline');
      // A goal may start and end in the future: only occurredAt (when it was set) is held to the clock.
      return [
        {
          type: 'GoalSet',
          data: {
            goalId: data.goalId,
            state: requireText(data.state, 'state'),
            municipality: requireText(data.municipality, 'municipality'),
            target: requirePositiveInt(data.target, 'target'),
            startsAt: startsAt.toISOString(),
            deadline: deadline.toISOString(),
            description: optionalText(data.description, 'description', LONG_TEXT_MAX_LENGTH),
          },
        },
      ];
    }
    default:
      return assertNever(command.type);
  }
}

export const goalDecider: Decider<GoalState, GoalCommand, GoalEvent> = { initialState, evolve, decide };
