import { describe, expect, it } from 'vitest';
import type { EvaluatorCommand } from '../../src/domain/evaluators/commands.js';
import { evaluatorDecider, type EvaluatorDeps } from '../../src/domain/evaluators/decide.js';
import type { EvaluatorAccredited } from '../../src/domain/evaluators/events.js';
import { isAccreditedFor } from '../../src/domain/evaluators/state.js';
import { standardDecider } from '../../src/domain/standards/decide.js';
import type { StandardEvent } from '../../src/domain/standards/events.js';
import type { StandardState } from '../../src/domain/standards/state.js';
import type { Input } from '../../src/application/office.js';
import { BadUserInputError } from '../../src/domain/shared/errors.js';
import { parseEvaluatorId, parseFolio, parseStandardCode, parseStandardCodes } from '../../src/domain/shared/validation.js';
import { given } from '../support/decider-spec.js';

const now = new Date('2025-01-10T12:00:00Z');
const occurredAt = new Date('2017-01-15T16:00:00Z');
const evaluatorId = '0b7f4d5e-2f53-4a43-9b0e-6a8f0d7c1e21';

const fold = (...events: StandardEvent[]): StandardState =>
  events.reduce(standardDecider.evolve, standardDecider.initialState());
const published = (code: string): StandardEvent => ({
  type: 'StandardPublished',
  data: { code, title: code, level: 2, sector: null, validityYears: 5 },
});
const deps: EvaluatorDeps = {
  standards: new Map([
    [parseStandardCode('EC0105'), fold(published('EC0105'))],
    [parseStandardCode('EC0217'), fold(published('EC0217'))],
    [parseStandardCode('EC0999'), fold(published('EC0999'), { type: 'StandardWithdrawn', data: { code: 'EC0999', reason: 'Old' } })],
  ]),
};

/** The command as the edge receives it; accredit parses it as the application does. */
type Data = Input<EvaluatorCommand>;
const data: Data = {
  evaluatorId,
  fullName: 'Lucía Ñañez Ortiz',
  certificationBody: 'Universidad Tecnológica de Tijuana (UTT)',
  ec0076Folio: 'D-0000123',
  standardCodes: ['ec0105', 'EC0217', 'EC0105'],
  validUntil: new Date('2019-12-31T23:59:59.000Z'),
};
const accredit = (change: Partial<Data> = {}, at = occurredAt): EvaluatorCommand => ({
  type: 'AccreditEvaluator',
  data: ((raw) => ({
    ...raw,
    evaluatorId: parseEvaluatorId(raw.evaluatorId, 'id'),
    ec0076Folio: parseFolio(raw.ec0076Folio, 'ec0076Folio'),
    standardCodes: parseStandardCodes(raw.standardCodes),
  }))({ ...data, ...change }),
  occurredAt: at,
  now,
});

const accredited: EvaluatorAccredited = {
  type: 'EvaluatorAccredited',
  data: {
    evaluatorId,
    fullName: 'Lucía Ñañez Ortiz',
    certificationBody: 'Universidad Tecnológica de Tijuana (UTT)',
    ec0076Folio: 'D-0000123',
    standardCodes: ['EC0105', 'EC0217'],
    validUntil: '2019-12-31T23:59:59.000Z',
  },
};

describe('AccreditEvaluator', () => {
  it('accredits for the normalised, de-duplicated standards', () => {
    given(evaluatorDecider, [], deps).when(accredit()).then([accredited]);
  });

  it('accredits again to renew: the new accreditation replaces the old', () => {
    const renewal = accredit({ standardCodes: ['EC0105'], validUntil: new Date('2022-12-31T00:00:00Z') }, new Date('2019-12-01T00:00:00Z'));
    const renewed: EvaluatorAccredited = {
      type: 'EvaluatorAccredited',
      data: { ...accredited.data, standardCodes: ['EC0105'], validUntil: '2022-12-31T00:00:00.000Z' },
    };
    given(evaluatorDecider, [accredited], deps).when(renewal).then([renewed]);
    const { state } = given(evaluatorDecider, [accredited, renewed], deps);
    expect(state).toMatchObject({ standardCodes: ['EC0105'], validUntil: '2022-12-31T00:00:00.000Z' });
  });

  it('refuses an unknown standard (NOT_FOUND) and a withdrawn one (STANDARD_NOT_ACTIVE)', () => {
    given(evaluatorDecider, [], deps).when(accredit({ standardCodes: ['EC0105', 'EC0404'] })).thenThrows('NOT_FOUND');
    given(evaluatorDecider, [], deps)
      .when(accredit({ standardCodes: ['EC0999'] }))
      .thenThrows('BUSINESS_RULE', 'STANDARD_NOT_ACTIVE');
  });

  it('refuses ids, folios and codes that do not parse at the edge, naming the field', () => {
    const cases: [Partial<Data>, string][] = [
      [{ evaluatorId: 'x' }, 'id'],
      [{ ec0076Folio: '' }, 'ec0076Folio'],
      [{ standardCodes: [] }, 'standardCodes'],
      [{ standardCodes: ['EC0105', 'E0217'] }, 'standardCodes'],
    ];
    for (const [change, field] of cases) {
      expect(() => accredit(change)).toThrow(BadUserInputError);
      expect(() => accredit(change)).toThrow(expect.objectContaining({ details: { field } }));
    }
  });

  it('refuses bad input, naming the field', () => {
    const cases: [Partial<Data>, string][] = [
      [{ fullName: '' }, 'fullName'],
      [{ certificationBody: ' ' }, 'certificationBody'],
      [{ validUntil: new Date('nope') }, 'validUntil'],
      [{ validUntil: occurredAt }, 'validUntil'],
    ];
    for (const [change, field] of cases) {
      given(evaluatorDecider, [], deps).when(accredit(change)).thenThrows('BAD_USER_INPUT', { field });
    }
    given(evaluatorDecider, [], deps)
      .when(accredit({}, new Date('2026-01-01T00:00:00Z')))
      .thenThrows('BAD_USER_INPUT', { field: 'occurredAt' });
  });
});

describe('isAccreditedFor', () => {
  const { state } = given(evaluatorDecider, [accredited], deps);

  it('holds for an accredited standard up to and including validUntil', () => {
    expect(isAccreditedFor(state, 'EC0105', new Date('2018-09-01T00:00:00Z'))).toBe(true);
    expect(isAccreditedFor(state, 'EC0105', new Date('2019-12-31T23:59:59.000Z'))).toBe(true);
  });

  it('fails after validUntil, for another standard, and for no evaluator', () => {
    expect(isAccreditedFor(state, 'EC0105', new Date('2020-01-01T00:00:00Z'))).toBe(false);
    expect(isAccreditedFor(state, 'EC0076', new Date('2018-09-01T00:00:00Z'))).toBe(false);
    expect(isAccreditedFor(evaluatorDecider.initialState(), 'EC0105', new Date('2018-09-01T00:00:00Z'))).toBe(false);
  });
});
