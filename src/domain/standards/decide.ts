import type { Decider } from '../shared/decider.js';
import { BusinessRuleError, ConflictError, NotFoundError } from '../shared/errors.js';
import { assertNever } from '../shared/event.js';
import {
  LONG_TEXT_MAX_LENGTH,
  optionalText,
  requireBusinessTime,
  requireLevel,
  requireText,
  requireValidityYears,
} from '../shared/validation.js';
import type { StandardCommand } from './commands.js';
import type { StandardEvent } from './events.js';
import { evolve, initialState, type StandardState } from './state.js';

export function decide(command: StandardCommand, state: StandardState): StandardEvent[] {
  requireBusinessTime(command);
  switch (command.type) {
    case 'PublishStandard': {
      const { data } = command;
      const { code } = data;
      const published = {
        code,
        title: requireText(data.title, 'title'),
        level: requireLevel(data.level),
        sector: optionalText(data.sector, 'sector'),
        validityYears: requireValidityYears(data.validityYears),
      };
      // A code is published once, even after withdrawal: certificates already point at it.
      if (state.exists) throw new ConflictError(`Standard ${code} is already published`, { code });
      return [{ type: 'StandardPublished', data: published }];
    }
    case 'WithdrawStandard': {
      const { code } = command.data;
      const reason = requireText(command.data.reason, 'reason', LONG_TEXT_MAX_LENGTH);
      if (!state.exists) throw new NotFoundError(`Standard ${code} does not exist`);
      if (state.status === 'WITHDRAWN') {
        throw new BusinessRuleError('STANDARD_NOT_ACTIVE', `Standard ${code} is already withdrawn`);
      }
      return [{ type: 'StandardWithdrawn', data: { code, reason } }];
    }
    default:
      return assertNever(command);
  }
}

export const standardDecider: Decider<StandardState, StandardCommand, StandardEvent> = {
  initialState,
  evolve,
  decide,
};
