import type { Decider } from '../shared/decider.js';
import { BadUserInputError, BusinessRuleError, NotFoundError } from '../shared/errors.js';
import { assertNever } from '../shared/event.js';
import {
  parseFolio,
  parseStandardCode,
  requireBusinessTime,
  requireDate,
  requireId,
  requireName,
  requireText,
} from '../shared/validation.js';
import type { StandardState } from '../standards/state.js';
import type { EvaluatorCommand } from './commands.js';
import type { EvaluatorEvent } from './events.js';
import { evolve, initialState, type EvaluatorState } from './state.js';

/** The standards named in the command, by normalised code, as the handler folded them. */
export interface EvaluatorDeps {
  standards: Record<string, StandardState>;
}

export function decide(command: EvaluatorCommand, _state: EvaluatorState, deps: EvaluatorDeps): EvaluatorEvent[] {
  requireBusinessTime(command);
  switch (command.type) {
    case 'AccreditEvaluator': {
      const { data } = command;
      const standardCodes = parseStandardCodes(data.standardCodes);
      const validUntil = requireDate(data.validUntil, 'validUntil');
      if (validUntil.getTime() <= command.occurredAt.getTime()) {
        throw new BadUserInputError('validUntil must be after occurredAt', 'validUntil');
      }
      const accredited = {
        evaluatorId: requireId(data.evaluatorId, 'id'),
        fullName: requireName(data.fullName),
        certificationBody: requireText(data.certificationBody, 'certificationBody'),
        ec0076Folio: parseFolio(data.ec0076Folio, 'ec0076Folio'),
        standardCodes,
        validUntil: validUntil.toISOString(),
      };
      for (const code of standardCodes) {
        const standard = deps.standards[code];
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

/** At least one, each a valid EC code; duplicates dropped, order kept. */
function parseStandardCodes(codes: string[]): string[] {
  if (!Array.isArray(codes) || codes.length === 0) {
    throw new BadUserInputError('Name at least one standard code', 'standardCodes');
  }
  return [...new Set(codes.map((code) => parseStandardCode(code, 'standardCodes')))];
}

export const evaluatorDecider: Decider<EvaluatorState, EvaluatorCommand, EvaluatorEvent, EvaluatorDeps> = {
  initialState,
  evolve,
  decide,
};
