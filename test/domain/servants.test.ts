import { describe, expect, it } from 'vitest';
import type { ServantCommand } from '../../src/domain/servants/commands.js';
import { servantDecider, type ServantDeps } from '../../src/domain/servants/decide.js';
import type {
  EmploymentChanged,
  PersonalData,
  PersonalDataErased,
  ServantRegistered,
  ServantSeparated,
} from '../../src/domain/servants/events.js';
import { BadUserInputError } from '../../src/domain/shared/errors.js';
import { curpCheckDigit, parseCurp, parseServantId } from '../../src/domain/shared/validation.js';
import { given } from '../support/decider-spec.js';

const now = new Date('2025-01-10T12:00:00Z');
const occurredAt = new Date('2017-02-01T16:00:00Z');
const servantId = parseServantId('6f1c1a44-3c1e-4bb0-9a55-0c1c3f6f2d10');
const rawCurp = 'PEGJ800101HBCRRN0' + curpCheckDigit('PEGJ800101HBCRRN0');
// Parsed at the edge: the decider takes it normalised.
const curp = parseCurp(rawCurp.toLowerCase());

type Data<T extends ServantCommand['type']> = Extract<ServantCommand, { type: T }>['data'];
const command = <T extends ServantCommand['type']>(type: T, data: Data<T>, at = occurredAt) =>
  ({ type, data, occurredAt: at, now }) as ServantCommand;

/** Stands in for the handler's sealer: keeps what it was given, returns an opaque token. */
function sealer(): ServantDeps & { sealed: PersonalData[] } {
  const sealed: PersonalData[] = [];
  return { sealed, seal: (data) => `sealed#${sealed.push(data)}` };
}

const registration: Data<'RegisterServant'> = {
  servantId,
  curp,
  fullName: ' Juan Pérez Guerrero ',
  state: 'Baja California',
  municipality: 'Tijuana',
  department: 'Oficialía Mayor',
  position: null,
  regime: 'BASE',
  unionized: true,
};

const registered: ServantRegistered = {
  type: 'ServantRegistered',
  data: {
    servantId,
    personalData: 'sealed#1',
    state: 'Baja California',
    municipality: 'Tijuana',
    department: 'Oficialía Mayor',
    position: null,
    regime: 'BASE',
    unionized: true,
  },
};
const separated: ServantSeparated = { type: 'ServantSeparated', data: { servantId, reason: 'Resigned' } };
const erased: PersonalDataErased = { type: 'PersonalDataErased', data: { servantId, reason: 'ARCO 2024/17' } };

describe('RegisterServant', () => {
  it('seals the normalised CURP and name; the event holds neither in clear', () => {
    const deps = sealer();
    given(servantDecider, [], deps).when(command('RegisterServant', registration)).then([registered]);
    expect(deps.sealed).toEqual([{ curp, fullName: 'Juan Pérez Guerrero' }]);
  });

  it('takes no id nor CURP that does not parse at the edge', () => {
    expect(() => parseServantId('not-a-uuid', 'id')).toThrow(BadUserInputError);
    for (const bad of [rawCurp.slice(0, 17) + ((Number(rawCurp[17]) + 1) % 10), 'PEGJ801301HBCRRN0' + curpCheckDigit('PEGJ801301HBCRRN0'), rawCurp.slice(0, 17)]) {
      expect(() => parseCurp(bad)).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT', details: { field: 'curp' } }));
    }
  });

  it('refuses bad input before sealing anything', () => {
    const cases: [Partial<Data<'RegisterServant'>>, string][] = [
      [{ fullName: '  ' }, 'fullName'],
      [{ state: '' }, 'state'],
      [{ municipality: ' ' }, 'municipality'],
      [{ department: '' }, 'department'],
      [{ position: '' }, 'position'],
      [{ regime: 'SINDICALIZADO' as 'BASE' }, 'regime'],
      [{ unionized: 'yes' as unknown as boolean }, 'unionized'],
    ];
    for (const [change, field] of cases) {
      const deps = sealer();
      given(servantDecider, [], deps)
        .when(command('RegisterServant', { ...registration, ...change }))
        .thenThrows('BAD_USER_INPUT', { field });
      expect(deps.sealed).toEqual([]);
    }
  });

  it('refuses a future occurredAt', () => {
    given(servantDecider, [], sealer())
      .when(command('RegisterServant', registration, new Date('2030-01-01T00:00:00Z')))
      .thenThrows('BAD_USER_INPUT', { field: 'occurredAt' });
  });

  it('refuses an id already registered (CONFLICT)', () => {
    given(servantDecider, [registered], sealer()).when(command('RegisterServant', registration)).thenThrows('CONFLICT');
  });
});

describe('ChangeEmployment', () => {
  it('records only the fields that change', () => {
    const expected: EmploymentChanged = {
      type: 'EmploymentChanged',
      data: { servantId, department: 'Tesorería Municipal', regime: 'CONFIANZA', unionized: false },
    };
    given(servantDecider, [registered])
      .when(
        command('ChangeEmployment', {
          servantId,
          department: ' Tesorería Municipal ',
          regime: 'CONFIANZA',
          unionized: false,
          position: undefined,
        }),
      )
      .then([expected]);
  });

  it('sets and clears the position; null elsewhere means unchanged', () => {
    const withPosition: EmploymentChanged = { type: 'EmploymentChanged', data: { servantId, position: 'Cajero' } };
    given(servantDecider, [registered])
      .when(command('ChangeEmployment', { servantId, position: 'Cajero', department: null }))
      .then([withPosition]);
    given(servantDecider, [registered, withPosition])
      .when(command('ChangeEmployment', { servantId, position: null }))
      .then([{ type: 'EmploymentChanged', data: { servantId, position: null } }]);
  });

  it('records nothing when nothing differs', () => {
    given(servantDecider, [registered])
      .when(command('ChangeEmployment', { servantId, department: 'Oficialía Mayor', unionized: true }))
      .then([]);
  });

  it('refuses an empty change, bad values, unknown and separated servants', () => {
    given(servantDecider, [registered]).when(command('ChangeEmployment', { servantId })).thenThrows('BAD_USER_INPUT');
    given(servantDecider, [registered])
      .when(command('ChangeEmployment', { servantId, department: '' }))
      .thenThrows('BAD_USER_INPUT', { field: 'department' });
    given(servantDecider, []).when(command('ChangeEmployment', { servantId, unionized: false })).thenThrows('NOT_FOUND');
    given(servantDecider, [registered, separated])
      .when(command('ChangeEmployment', { servantId, unionized: false }))
      .thenThrows('BUSINESS_RULE', 'SERVANT_NOT_ACTIVE');
  });
});

describe('SeparateServant', () => {
  it('separates an active servant', () => {
    given(servantDecider, [registered]).when(command('SeparateServant', { servantId, reason: 'Resigned' })).then([separated]);
  });

  it('refuses twice (SERVANT_NOT_ACTIVE), unknown servants and an empty reason', () => {
    given(servantDecider, [registered, separated])
      .when(command('SeparateServant', { servantId, reason: 'Again' }))
      .thenThrows('BUSINESS_RULE', 'SERVANT_NOT_ACTIVE');
    given(servantDecider, []).when(command('SeparateServant', { servantId, reason: 'x' })).thenThrows('NOT_FOUND');
    given(servantDecider, [registered])
      .when(command('SeparateServant', { servantId, reason: '' }))
      .thenThrows('BAD_USER_INPUT', { field: 'reason' });
  });
});

describe('ErasePersonalData', () => {
  it('erases, also for a separated servant', () => {
    given(servantDecider, [registered]).when(command('ErasePersonalData', { servantId, reason: 'ARCO 2024/17' })).then([erased]);
    given(servantDecider, [registered, separated])
      .when(command('ErasePersonalData', { servantId, reason: 'ARCO 2024/17' }))
      .then([erased]);
  });

  it('refuses twice (PERSONAL_DATA_ERASED) and an unknown servant (NOT_FOUND)', () => {
    given(servantDecider, [registered, erased])
      .when(command('ErasePersonalData', { servantId, reason: 'Again' }))
      .thenThrows('BUSINESS_RULE', 'PERSONAL_DATA_ERASED');
    given(servantDecider, []).when(command('ErasePersonalData', { servantId, reason: 'x' })).thenThrows('NOT_FOUND');
  });

  it('forgets the sealed data in the folded state; employment facts stay', () => {
    const { state } = given(servantDecider, [registered, separated, erased]);
    expect(state).toMatchObject({ exists: true, active: false, erased: true, personalData: null, department: 'Oficialía Mayor' });
  });
});
