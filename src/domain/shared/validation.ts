/**
 * Format checks, run once at the edge (GraphQL, CLI, roster import, demo) or by
 * a decider for the text it keeps. Each returns the normalised value or throws
 * BadUserInputError naming the field. Messages never echo the value: a CURP or a
 * name in an error message would end up in logs, where it could not be erased.
 *
 * Ids, CURPs, codes and folios come out branded: below the edge a `Folio` is
 * known to be one, and nothing parses it again.
 */
import { BadUserInputError } from './errors.js';
import { isValidDate } from './time.js';

declare const brand: unique symbol;
/** A string known to have passed its parse function. */
export type Brand<B extends string> = string & { readonly [brand]: B };

export type ServantId = Brand<'ServantId'>;
export type EvaluatorId = Brand<'EvaluatorId'>;
export type GoalId = Brand<'GoalId'>;
export type Curp = Brand<'Curp'>;
export type StandardCode = Brand<'StandardCode'>;
/** A CONOCER certificate folio (also an evaluator's EC0076 folio). */
export type Folio = Brand<'Folio'>;
/** The folio preimpreso of a certificate's paper. */
export type PrintedFolio = Brand<'PrintedFolio'>;

export const NAME_MAX_LENGTH = 150;
export const TEXT_MAX_LENGTH = 300;
export const LONG_TEXT_MAX_LENGTH = 1000;
export const FOLIO_MAX_LENGTH = 64;

// ---------------------------------------------------------------- ids

// RFC 9562 layout, any version: ids are client-chosen or derived, and end up in stream names.
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A client-chosen or generated id (UUID form). */
export function requireId(value: string, field: string): string {
  if (typeof value !== 'string' || !UUID_PATTERN.test(value)) throw new BadUserInputError('Id must be a UUID', field);
  return value;
}

export const parseServantId = (value: string, field = 'servantId'): ServantId => requireId(value, field) as ServantId;
export const parseEvaluatorId = (value: string, field = 'evaluatorId'): EvaluatorId => requireId(value, field) as EvaluatorId;
export const parseGoalId = (value: string, field = 'goalId'): GoalId => requireId(value, field) as GoalId;

// ---------------------------------------------------------------- CURP

/** RENAPO's dictionary: each character is worth its index. */
const CURP_DICTIONARY = '0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ';

/** Birth state codes (the 32 entidades federativas) plus NE, born abroad. */
const CURP_STATES = new Set([
  'AS', 'BC', 'BS', 'CC', 'CL', 'CM', 'CS', 'CH', 'DF', 'DG', 'GT', 'GR', 'HG', 'JC', 'MC', 'MN', 'MS',
  'NT', 'NL', 'OC', 'PL', 'QT', 'QR', 'SP', 'SL', 'SR', 'TC', 'TS', 'TL', 'VZ', 'YN', 'ZS', 'NE',
]);

/**
 * Surname letter, its first internal vowel (X when none), second surname and name
 * initials; YYMMDD; sex H/M (X since 2022); birth state; the internal consonants of
 * both surnames and the name; a differentiator (digit: born before 2000, letter:
 * from 2000 on); the check digit.
 */
const CURP_PATTERN = /^[A-Z][AEIOUX][A-Z]{2}(\d{2})(\d{2})(\d{2})[HMX]([A-Z]{2})[B-DF-HJ-NP-TV-Z]{3}([0-9A-Z])(\d)$/;

/** RENAPO check digit over the first 17 characters (exported so the demo can make valid fictitious CURPs). */
export function curpCheckDigit(first17: string): string {
  if (first17.length !== 17) throw new BadUserInputError('A CURP check digit needs the first 17 characters', 'curp');
  let sum = 0;
  for (let i = 0; i < 17; i++) {
    const value = CURP_DICTIONARY.indexOf(first17[i]);
    if (value < 0) throw new BadUserInputError('CURP has a character outside its alphabet', 'curp');
    sum += value * (18 - i);
  }
  return String((10 - (sum % 10)) % 10);
}

/** Trims, upper-cases and checks a CURP: pattern, real birth date, state code and check digit. */
export function parseCurp(value: string, field = 'curp'): Curp {
  const curp = requireString(value, field).trim().toUpperCase();
  if (curp.length !== 18) throw new BadUserInputError('CURP must have 18 characters', field);
  const match = CURP_PATTERN.exec(curp);
  if (!match) throw new BadUserInputError('CURP does not follow the official format', field);
  const [, yy, mm, dd, state, differentiator, checkDigit] = match;
  const century = /\d/.test(differentiator) ? 1900 : 2000;
  if (!isRealDate(century + Number(yy), Number(mm), Number(dd))) {
    throw new BadUserInputError('CURP birth date is not a real date', field);
  }
  if (!CURP_STATES.has(state)) throw new BadUserInputError('CURP birth state code is unknown', field);
  if (curpCheckDigit(curp.slice(0, 17)) !== checkDigit) {
    throw new BadUserInputError('CURP check digit does not match', field);
  }
  return curp as Curp;
}

function isRealDate(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

// ---------------------------------------------------------------- codes and folios

const STANDARD_CODE_PATTERN = /^EC\d{4}(\.\d{2})?$/;

/** `EC` + 4 digits, optional `.NN` version; trimmed and upper-cased (`ec0105` is EC0105). */
export function parseStandardCode(value: string, field = 'standardCode'): StandardCode {
  const code = requireString(value, field).trim().toUpperCase();
  if (!STANDARD_CODE_PATTERN.test(code)) {
    throw new BadUserInputError('Standard code must be EC followed by 4 digits, optionally .NN (e.g. EC0105.01)', field);
  }
  return code as StandardCode;
}

/** At least one, each a valid EC code; duplicates dropped, order kept. */
export function parseStandardCodes(codes: readonly string[], field = 'standardCodes'): StandardCode[] {
  if (!Array.isArray(codes) || codes.length === 0) throw new BadUserInputError('Name at least one standard code', field);
  return [...new Set(codes.map((code) => parseStandardCode(code, field)))];
}

// Folios name a stream (`folio-{folio}`), so no spaces or exotic characters.
const FOLIO_PATTERN = /^[A-Za-z0-9](?:[A-Za-z0-9._/-]*[A-Za-z0-9])?$/;

/** A certificate folio: trimmed, 1 to 64 letters, digits and `. _ / -` (not at the ends). */
export function parseFolio(value: string, field = 'folio'): Folio {
  const folio = requireString(value, field).trim();
  if (folio.length === 0) throw new BadUserInputError('Folio may not be empty', field);
  if (folio.length > FOLIO_MAX_LENGTH) {
    throw new BadUserInputError(`Folio may have at most ${FOLIO_MAX_LENGTH} characters`, field);
  }
  if (!FOLIO_PATTERN.test(folio)) {
    throw new BadUserInputError('Folio may only hold letters, digits and . _ / - (not at either end)', field);
  }
  return folio as Folio;
}

/** A printed folio follows the folio's form. */
export const parsePrintedFolio = (value: string, field = 'printedFolio'): PrintedFolio =>
  parseFolio(value, field) as string as PrintedFolio;

// ---------------------------------------------------------------- text

const CONTROL_CHARACTER = /\p{Cc}/u;

/** Trimmed (NFC, so composed and decomposed accents compare equal), non-empty, no control characters. */
export function requireText(value: string, field: string, maxLength = TEXT_MAX_LENGTH): string {
  const text = requireString(value, field).normalize('NFC').trim();
  if (text.length === 0) throw new BadUserInputError(`${field} may not be empty`, field);
  if (text.length > maxLength) throw new BadUserInputError(`${field} may have at most ${maxLength} characters`, field);
  if (CONTROL_CHARACTER.test(text)) throw new BadUserInputError(`${field} may not contain control characters`, field);
  return text;
}

/** Absent or null stays null; anything given must be valid text. */
export function optionalText(value: string | null | undefined, field: string, maxLength = TEXT_MAX_LENGTH): string | null {
  return value === undefined || value === null ? null : requireText(value, field, maxLength);
}

// Letters of any script with their accents (Ñ, Á, Ü...), spaces, apostrophes, hyphens, dots.
const PERSON_NAME_PATTERN = /^[\p{L}\p{M}](?:[\p{L}\p{M} '’.-]*[\p{L}\p{M}.])?$/u;

/** A person's full name: like requireText, inner spaces collapsed, letters and `' - .` only. */
export function requireName(value: string, field = 'fullName'): string {
  const name = requireText(value, field, NAME_MAX_LENGTH).replace(/\s+/gu, ' ');
  if (!PERSON_NAME_PATTERN.test(name)) {
    throw new BadUserInputError(`${field} may only hold letters, spaces, apostrophes, hyphens and dots`, field);
  }
  return name;
}

function requireString(value: unknown, field: string): string {
  if (typeof value !== 'string') throw new BadUserInputError(`${field} must be text`, field);
  return value;
}

// ---------------------------------------------------------------- numbers, choices, dates

/** An integer in [min, max]. */
export function requireInt(value: number, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new BadUserInputError(`${field} must be a whole number from ${min} to ${max}`, field);
  }
  return value;
}

export const requireNonNegativeInt = (value: number, field: string): number =>
  requireInt(value, field, 0, Number.MAX_SAFE_INTEGER);
export const requirePositiveInt = (value: number, field: string): number =>
  requireInt(value, field, 1, Number.MAX_SAFE_INTEGER);
/** CONOCER levels 1 to 5. */
export const requireLevel = (value: number, field = 'level'): number => requireInt(value, field, 1, 5);
export const requireTrainingHours = (value: number, field = 'hours'): number => requireInt(value, field, 1, 2000);

/** 1 to 50 years, or null for a permanent certificate (absent means permanent too). */
export function requireValidityYears(value: number | null | undefined, field = 'validityYears'): number | null {
  return value === undefined || value === null ? null : requireInt(value, field, 1, 50);
}

export function requireBoolean(value: boolean, field: string): boolean {
  if (typeof value !== 'boolean') throw new BadUserInputError(`${field} must be true or false`, field);
  return value;
}

/** One of an enumeration (GraphQL checks enums, but the CLI import and the demo do not pass through it). */
export function requireOneOf<T extends string>(value: T, allowed: readonly T[], field: string): T {
  if (!allowed.includes(value)) throw new BadUserInputError(`${field} must be one of ${allowed.join(', ')}`, field);
  return value;
}

export function requireDate(value: Date, field: string): Date {
  if (!isValidDate(value)) throw new BadUserInputError(`${field} is not a valid date`, field);
  return value;
}

/** A valid date not after the wall clock `now`. */
export function requirePastDate(value: Date, now: Date, field: string): Date {
  requireDate(value, field);
  if (value.getTime() > now.getTime()) throw new BadUserInputError(`${field} may not be in the future`, field);
  return value;
}

/** Refuses an unreadable occurredAt or one after the wall clock, so no fact is recorded from the future. */
export function requireBusinessTime(command: { occurredAt: Date; now: Date }): void {
  if (!isValidDate(command.now)) throw new Error('The command handler must pass a valid `now`');
  requirePastDate(command.occurredAt, command.now, 'occurredAt');
}
