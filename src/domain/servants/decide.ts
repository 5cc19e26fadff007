import type { Decider } from '../shared/decider.js';
import { BadUserInputError, BusinessRuleError, ConflictError, NotFoundError } from '../shared/errors.js';
import { assertNever } from '../shared/event.js';
import {
  LONG_TEXT_MAX_LENGTH,
  optionalText,
  requireBoolean,
  requireBusinessTime,
  requireName,
  requireOneOf,
  requireText,
  type ServantId,
} from '../shared/validation.js';
import { EMPLOYMENT_REGIMES } from '../shared/vocabulary.js';
import type { ChangeEmployment, RegisterServant, ServantCommand } from './commands.js';
import type { EmploymentChanged, PersonalData, ServantEvent } from './events.js';
import { evolve, initialState, type RegisteredServant, type ServantState } from './state.js';

/** What RegisterServant needs: a sealer bound to the new servant's data key (prepared by the application). */
export interface ServantDeps {
  seal: (data: PersonalData) => string;
}

/**
 * Everything of a registration that does not depend on the stream, normalised:
 * the application checks it before claiming the CURP and sealing, so nothing
 * personal is claimed, sealed (or logged) for a refused command.
 */
export function checkRegistration(command: RegisterServant) {
  requireBusinessTime(command);
  const { data } = command;
  const personal: PersonalData = { curp: data.curp, fullName: requireName(data.fullName) };
  const employment = {
    state: requireText(data.state, 'state'),
    municipality: requireText(data.municipality, 'municipality'),
    department: requireText(data.department, 'department'),
    position: optionalText(data.position, 'position'),
    regime: requireOneOf(data.regime, EMPLOYMENT_REGIMES, 'regime'),
    unionized: requireBoolean(data.unionized, 'unionized'),
  };
  return { personal, employment };
}

export function decide(command: ServantCommand, state: ServantState, deps?: ServantDeps): ServantEvent[] {
  requireBusinessTime(command);
  switch (command.type) {
    case 'RegisterServant': {
      const { personal, employment } = checkRegistration(command);
      // The same words whoever holds the id, so a caller learns nothing of another municipality's servant.
      if (state.exists) throw new ConflictError('This servant id is already taken; leave id out to get a new one');
      if (!deps) throw new Error('RegisterServant needs deps.seal');
      return [{ type: 'ServantRegistered', data: { servantId: command.data.servantId, personalData: deps.seal(personal), ...employment } }];
    }
    case 'ChangeEmployment': {
      const changes = employmentChanges(command.data);
      const servant = requireActive(state, command.data.servantId);
      const changed = Object.fromEntries(
        Object.entries(changes).filter(([field, value]) => servant[field as keyof typeof changes] !== value),
      ) as Omit<EmploymentChanged['data'], 'servantId'>;
      // Asking for what already holds records nothing (and is not an error: a retry is harmless).
      if (Object.keys(changed).length === 0) return [];
      return [{ type: 'EmploymentChanged', data: { servantId: servant.servantId, ...changed } }];
    }
    case 'SeparateServant': {
      const reason = requireText(command.data.reason, 'reason', LONG_TEXT_MAX_LENGTH);
      const { servantId } = requireActive(state, command.data.servantId);
      return [{ type: 'ServantSeparated', data: { servantId, reason } }];
    }
    case 'ErasePersonalData': {
      const reason = requireText(command.data.reason, 'reason', LONG_TEXT_MAX_LENGTH);
      const { servantId, erased } = requireExisting(state, command.data.servantId);
      // Separated servants may be erased too: the right to erasure outlives employment.
      if (erased) {
        throw new BusinessRuleError('PERSONAL_DATA_ERASED', `Personal data of servant ${servantId} is already erased`);
      }
      return [{ type: 'PersonalDataErased', data: { servantId, reason } }];
    }
    default:
      return assertNever(command);
  }
}

/** The fields given, validated; at least one is required. */
function employmentChanges(data: ChangeEmployment['data']): Omit<EmploymentChanged['data'], 'servantId'> {
  const changes: Omit<EmploymentChanged['data'], 'servantId'> = {};
  if (data.department != null) changes.department = requireText(data.department, 'department');
  // Explicit null clears the position; absent leaves it.
  if (data.position !== undefined) changes.position = optionalText(data.position, 'position');
  if (data.regime != null) changes.regime = requireOneOf(data.regime, EMPLOYMENT_REGIMES, 'regime');
  if (data.unionized != null) changes.unionized = requireBoolean(data.unionized, 'unionized');
  if (Object.keys(changes).length === 0) {
    throw new BadUserInputError('Give at least one of department, position, regime or unionized');
  }
  return changes;
}

function requireExisting(state: ServantState, servantId: ServantId): RegisteredServant {
  if (!state.exists) throw new NotFoundError(`Servant ${servantId} does not exist`);
  return state;
}

function requireActive(state: ServantState, servantId: ServantId): RegisteredServant {
  const servant = requireExisting(state, servantId);
  if (!servant.active) throw new BusinessRuleError('SERVANT_NOT_ACTIVE', `Servant ${servantId} was separated`);
  return servant;
}

export const servantDecider: Decider<ServantState, ServantCommand, ServantEvent, ServantDeps | undefined> = {
  initialState,
  evolve,
  decide,
};
