import { describe, expect, it } from 'vitest';
import type { StandardCommand } from '../../src/domain/standards/commands.js';
import { standardDecider } from '../../src/domain/standards/decide.js';
import type { StandardPublished, StandardWithdrawn } from '../../src/domain/standards/events.js';
import { parseStandardCode } from '../../src/domain/shared/validation.js';
import { given } from '../support/decider-spec.js';

const now = new Date('2025-01-10T12:00:00Z');
const occurredAt = new Date('2016-11-01T00:00:00Z');

// Codes come parsed from the edge (validation.test.ts covers the parse).
const publish = (data: Omit<Extract<StandardCommand, { type: 'PublishStandard' }>['data'], 'code'> & { code: string }): StandardCommand => ({
  type: 'PublishStandard',
  data: { ...data, code: parseStandardCode(data.code, 'code') },
  occurredAt,
  now,
});
const withdraw = (code: string, reason: string, at = occurredAt): StandardCommand => ({
  type: 'WithdrawStandard',
  data: { code: parseStandardCode(code, 'code'), reason },
  occurredAt: at,
  now,
});

const ec0105: StandardPublished = {
  type: 'StandardPublished',
  data: { code: 'EC0105', title: 'Atención al ciudadano en el sector público', level: 2, sector: null, validityYears: 5 },
};
const withdrawn: StandardWithdrawn = { type: 'StandardWithdrawn', data: { code: 'EC0105', reason: 'Replaced' } };

describe('PublishStandard', () => {
  it('publishes a new standard, normalising the code and the text', () => {
    given(standardDecider, [])
      .when(publish({ code: 'ec0105', title: ' Atención al ciudadano en el sector público ', level: 2, validityYears: 5 }))
      .then([ec0105]);
  });

  it('publishes a permanent, versioned standard in a sector', () => {
    given(standardDecider, [])
      .when(publish({ code: 'EC0217.01', title: 'Impartición de cursos', level: 3, sector: 'Educación', validityYears: null }))
      .then([
        {
          type: 'StandardPublished',
          data: { code: 'EC0217.01', title: 'Impartición de cursos', level: 3, sector: 'Educación', validityYears: null },
        },
      ]);
  });

  it('refuses a code already published, even withdrawn (CONFLICT)', () => {
    given(standardDecider, [ec0105]).when(publish({ ...ec0105.data })).thenThrows('CONFLICT');
    given(standardDecider, [ec0105, withdrawn]).when(publish({ ...ec0105.data })).thenThrows('CONFLICT');
  });

  it('refuses bad input, naming the field', () => {
    const ok = { code: 'EC0105', title: 'T', level: 2, validityYears: 5 };
    given(standardDecider, []).when(publish({ ...ok, title: ' ' })).thenThrows('BAD_USER_INPUT', { field: 'title' });
    given(standardDecider, []).when(publish({ ...ok, level: 6 })).thenThrows('BAD_USER_INPUT', { field: 'level' });
    given(standardDecider, []).when(publish({ ...ok, level: 0 })).thenThrows('BAD_USER_INPUT', { field: 'level' });
    given(standardDecider, [])
      .when(publish({ ...ok, validityYears: 0 }))
      .thenThrows('BAD_USER_INPUT', { field: 'validityYears' });
    given(standardDecider, []).when(publish({ ...ok, sector: '' })).thenThrows('BAD_USER_INPUT', { field: 'sector' });
  });

  it('refuses an occurredAt in the future', () => {
    given(standardDecider, [])
      .when({ ...publish({ ...ec0105.data }), occurredAt: new Date(now.getTime() + 60_000) })
      .thenThrows('BAD_USER_INPUT', { field: 'occurredAt' });
  });
});

describe('WithdrawStandard', () => {
  it('withdraws an active standard', () => {
    given(standardDecider, [ec0105]).when(withdraw('ec0105', ' Replaced ')).then([withdrawn]);
  });

  it('refuses an unknown standard (NOT_FOUND)', () => {
    given(standardDecider, []).when(withdraw('EC0105', 'Replaced')).thenThrows('NOT_FOUND');
  });

  it('refuses withdrawing twice (STANDARD_NOT_ACTIVE)', () => {
    given(standardDecider, [ec0105, withdrawn])
      .when(withdraw('EC0105', 'Again'))
      .thenThrows('BUSINESS_RULE', 'STANDARD_NOT_ACTIVE');
  });

  it('requires a reason', () => {
    given(standardDecider, [ec0105]).when(withdraw('EC0105', '')).thenThrows('BAD_USER_INPUT', { field: 'reason' });
  });
});

describe('standard state', () => {
  it('folds to the published fields and the status', () => {
    expect(given(standardDecider, [ec0105, withdrawn]).state).toEqual({ ...ec0105.data, exists: true, status: 'WITHDRAWN' });
  });
});
