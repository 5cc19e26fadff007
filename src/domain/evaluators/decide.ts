import type { Decider } from '../shared/decider.js';
import { BadUserInputError, BusinessRuleError, NotFoundError } from '../shared/errors.js';
import { assertNever } from '../shared/event.js';
import { requireBusinessTime, requireDate, requireName, requireText, type StandardCode } from '../shared/validation.js';
import type { StandardState } from '../standards/state.js';
import type { EvaluatorCommand } from './commands.js';
import type { EvaluatorEvent } from './events.js';
import { evolve, initialState, type EvaluatorState } from './state.js';

/** The standards named in the command, as the handler folded them. */
export interface EvaluatorDeps {
  standards: ReadonlyMap<StandardCode, StandardState>;
}

export function decide(command: EvaluatorCommand, _state: EvaluatorState, deps: EvaluatorDeps): EvaluatorEvent[] {
  requireBusinessTime(command);
  switch (command.type) {
    case 'AccreditEvaluator': {
      const { data } = command;
      const validUntil = requireDate(data.validUntil, 'validUntil');
      if (validUntil.getTime() <= command.occurredAt.getTime()) {
        throw new BadUserInputError('validUntil must be after occurredAt', 'validUntil');
      }
      const accredited = {
        evaluatorId: data.evaluatorId,
        fullName: requireName(data.fullName),
        certificationBody: requireText(data.certificationBody, 'certificationBody'),
        ec0076Folio: data.ec0076Folio,
        standardCodes: data.standardCodes,
        validUntil: validUntil.toISOString(),
      };
      for (const code of data.standardCodes) {
        const standard = deps.standards.get(code);
        if (!standard?.exists) throw new NotFoundError(`Standard ${code} does not exist`);
        if (standard.status !== 'ACTIVE') {
          throw new BusinessRuleError('STANDARD_NOT_ACTIVE', `Standard ${code} is withdrawn: no evaluator can be accredited in it`);
        }
      }
      // Accrediting again is how an accreditation is renewed or widened: it replaces the last one.
      return [{ type: 'EvaluatorAccredited', data: accredited }];
    }
    default:
      return assertNever(command.type);
  }
}

export const evaluatorDecider: Decider<EvaluatorState, EvaluatorCommand, EvaluatorEvent, EvaluatorDeps> = {
  initialState,
  evolve,
  decide,
};
