import { describe, expect, it } from 'vitest';
import { AcreditaError } from '../../../src/domain/shared/errors.js';
import { addYears } from '../../../src/domain/shared/time.js';
import {
  curpCheckDigit,
  optionalText,
  parseCurp,
  parseFolio,
  parseStandardCode,
  requireBusinessTime,
  requireId,
  requireLevel,
  requireName,
  requireNonNegativeInt,
  requireOneOf,
  requirePositiveInt,
  requireText,
  requireTrainingHours,
  requireValidityYears,
} from '../../../src/domain/shared/validation.js';

/** Runs `fn`, expecting BAD_USER_INPUT on `field`; returns the message. */
function refused(fn: () => unknown, field: string): string {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AcreditaError);
    expect((error as AcreditaError).code).toBe('BAD_USER_INPUT');
    expect((error as AcreditaError).details).toEqual({ field });
    return (error as AcreditaError).message;
  }
  throw new Error('expected BAD_USER_INPUT');
}

const withCheckDigit = (first17: string): string => first17 + curpCheckDigit(first17);

describe('CURP', () => {
  it('accepts a published example and computes its RENAPO check digit', () => {
    expect(curpCheckDigit('HEGG560427MVZRRL0')).toBe('4');
    expect(parseCurp('HEGG560427MVZRRL04')).toBe('HEGG560427MVZRRL04');
  });

  it('accepts valid fictitious CURPs: born abroad (NE), after 2000 on 29 February, sex X', () => {
    for (const first17 of ['PEGJ800101HBCRRN0', 'LOMM000229MBCPRRA', 'RAXX850615XNEMXS0']) {
      const curp = withCheckDigit(first17);
      expect(parseCurp(curp)).toBe(curp);
    }
  });

  it('trims and upper-cases', () => {
    expect(parseCurp('  hegg560427mvzrrl04 ')).toBe('HEGG560427MVZRRL04');
  });

  it('refuses a wrong check digit without echoing the CURP', () => {
    const message = refused(() => parseCurp('HEGG560427MVZRRL05'), 'curp');
    expect(message).toMatch(/check digit/);
    expect(message).not.toContain('HEGG');
  });

  it('refuses impossible birth dates, using the century the differentiator tells', () => {
    refused(() => parseCurp(withCheckDigit('PEGJ801301HBCRRN0')), 'curp'); // month 13
    refused(() => parseCurp(withCheckDigit('PEGJ800431HBCRRN0')), 'curp'); // 31 April
    // 29 February 1900 never happened (digit differentiator), 29 February 2000 did (letter).
    expect(() => parseCurp(withCheckDigit('PEGJ000229HBCRRNA'))).not.toThrow();
    expect(refused(() => parseCurp(withCheckDigit('PEGJ000229HBCRRN0')), 'curp')).toMatch(/birth date/);
  });

  it('refuses wrong lengths, shapes and state codes', () => {
    expect(refused(() => parseCurp('HEGG560427MVZRRL0'), 'curp')).toMatch(/18/);
    refused(() => parseCurp('HEGG560427MVZRRL045'), 'curp');
    refused(() => parseCurp(''), 'curp');
    refused(() => parseCurp(withCheckDigit('HBGG560427MVZRRL0')), 'curp'); // second letter must be a vowel
    refused(() => parseCurp(withCheckDigit('HEGG560427MVZARL0')), 'curp'); // internal consonants only
    refused(() => parseCurp(withCheckDigit('HEGG560427PVZRRL0')), 'curp'); // sex H, M or X
    expect(refused(() => parseCurp(withCheckDigit('HEGG560427MXXRRL0')), 'curp')).toMatch(/state/);
    refused(() => parseCurp(12 as unknown as string), 'curp');
    refused(() => curpCheckDigit('HEGG560427MVZRRL'), 'curp');
  });

  it('reports the field name it was given', () => {
    refused(() => parseCurp('nope', 'rows[3].curp'), 'rows[3].curp');
  });
});

describe('standard codes and folios', () => {
  it('normalises EC codes with and without version', () => {
    expect(parseStandardCode('EC0105')).toBe('EC0105');
    expect(parseStandardCode(' ec0217.01 ')).toBe('EC0217.01');
  });

  it('refuses other shapes', () => {
    for (const bad of ['EC105', 'EC01050', 'EC0105.1', 'EC0105.', 'XX0105', 'EC 0105', '']) {
      refused(() => parseStandardCode(bad, 'code'), 'code');
    }
  });

  it('keeps a folio trimmed and refuses empty, long or odd ones', () => {
    expect(parseFolio(' UTT-2018/000179 ')).toBe('UTT-2018/000179');
    for (const bad of ['', '   ', 'A B', '-A1', 'A1/', 'Ñ1', 'x'.repeat(65)]) refused(() => parseFolio(bad), 'folio');
    expect(parseFolio('x'.repeat(64))).toHaveLength(64);
  });

  it('takes UUIDs as ids', () => {
    expect(requireId('6f1c1a44-3c1e-4bb0-9a55-0c1c3f6f2d10', 'id')).toBe('6f1c1a44-3c1e-4bb0-9a55-0c1c3f6f2d10');
    refused(() => requireId('../etc', 'servantId'), 'servantId');
  });
});

describe('text and names', () => {
  it('trims, keeps accents and Ñ, composes decomposed accents', () => {
    expect(requireName('  María de los Ángeles Ordóñez Peña ')).toBe('María de los Ángeles Ordóñez Peña');
    expect(requireName('Jose\u0301   Nun\u0303ez')).toBe('José Nuñez');
    expect(requireName("Ana O'Neil-Gómez")).toBe("Ana O'Neil-Gómez");
  });

  it('refuses empty, too long, control characters and digits in names', () => {
    refused(() => requireName('   '), 'fullName');
    refused(() => requireName('a'.repeat(151)), 'fullName');
    refused(() => requireName('Ana\u0000Ruiz'), 'fullName');
    refused(() => requireName('R2D2'), 'fullName');
    refused(() => requireName('-Ana'), 'fullName');
    refused(() => requireText('Oficialía\nMayor', 'department'), 'department');
    refused(() => requireText('x'.repeat(301), 'title'), 'title');
  });

  it('treats absent optional text as null but checks given text', () => {
    expect(optionalText(undefined, 'sector')).toBeNull();
    expect(optionalText(null, 'sector')).toBeNull();
    expect(optionalText(' Gobierno ', 'sector')).toBe('Gobierno');
    refused(() => optionalText(' ', 'sector'), 'sector');
  });
});

describe('numbers and choices', () => {
  it('checks ranges', () => {
    expect(requireLevel(1)).toBe(1);
    expect(requireLevel(5)).toBe(5);
    for (const bad of [0, 6, 2.5, Number.NaN]) refused(() => requireLevel(bad), 'level');
    expect(requireTrainingHours(2000)).toBe(2000);
    refused(() => requireTrainingHours(0), 'hours');
    refused(() => requireTrainingHours(2001), 'hours');
    expect(requireValidityYears(null)).toBeNull();
    expect(requireValidityYears(undefined)).toBeNull();
    expect(requireValidityYears(50)).toBe(50);
    refused(() => requireValidityYears(0), 'validityYears');
    refused(() => requireValidityYears(51), 'validityYears');
    expect(requireNonNegativeInt(0, 'expectedVersion')).toBe(0);
    refused(() => requireNonNegativeInt(-1, 'expectedVersion'), 'expectedVersion');
    refused(() => requirePositiveInt(0, 'target'), 'target');
  });

  it('checks enumerations', () => {
    expect(requireOneOf('BASE', ['BASE', 'CONFIANZA'], 'regime')).toBe('BASE');
    refused(() => requireOneOf('base' as 'BASE', ['BASE', 'CONFIANZA'], 'regime'), 'regime');
  });
});

describe('time', () => {
  const now = new Date('2025-01-10T12:00:00Z');

  it('accepts business time up to the wall clock and refuses the future or an invalid date', () => {
    expect(() => requireBusinessTime({ occurredAt: new Date('2018-09-18T17:00:00Z'), now })).not.toThrow();
    expect(() => requireBusinessTime({ occurredAt: now, now })).not.toThrow();
    refused(() => requireBusinessTime({ occurredAt: new Date(now.getTime() + 1), now }), 'occurredAt');
    refused(() => requireBusinessTime({ occurredAt: new Date('garbage'), now }), 'occurredAt');
  });

  it('adds years in UTC, 29 February landing on 28 February', () => {
    expect(addYears(new Date('2018-09-18T17:00:00.000Z'), 5).toISOString()).toBe('2023-09-18T17:00:00.000Z');
    expect(addYears(new Date('2020-02-29T10:00:00.000Z'), 1).toISOString()).toBe('2021-02-28T10:00:00.000Z');
    expect(addYears(new Date('2020-02-29T10:00:00.000Z'), 4).toISOString()).toBe('2024-02-29T10:00:00.000Z');
  });
});
