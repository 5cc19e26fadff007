/**
 * Fictitious but well-formed CURPs, built the way RENAPO builds real ones from a
 * person's names, birth date, sex and birth state, with the real check digit.
 * Only the differentiator (the 17th character) is chosen by the caller: RENAPO
 * assigns it to tell apart people whose first 16 characters coincide.
 */
import { curpCheckDigit } from '../../domain/shared/validation.js';

export interface CurpPerson {
  givenNames: string;
  firstSurname: string;
  /** Empty when the person has a single surname (X stands in for it). */
  secondSurname: string;
  /** UTC calendar date of birth. */
  birthDate: Date;
  sex: 'H' | 'M';
  /** Two-letter birth state code, e.g. BC for Baja California. */
  birthState: string;
}

/** Words skipped in compound names and surnames (María DE LOS Ángeles, DE LA Cruz). */
const PARTICLES = new Set(['DA', 'DAS', 'DE', 'DEL', 'DER', 'DI', 'DIE', 'DD', 'EL', 'LA', 'LOS', 'LAS', 'LE', 'LES', 'MAC', 'MC', 'VAN', 'VON', 'Y']);
/** First given names passed over when a second one exists, as RENAPO does. */
const COMMON_FIRST_NAMES = new Set(['MARIA', 'MA', 'MA.', 'JOSE', 'J', 'J.']);
/** Four-letter words RENAPO never prints: their second letter becomes X. */
const INCONVENIENT = new Set(
  ('BACA BAKA BUEI BUEY CACA CACO CAGA CAGO CAKA CAKO COGE COGI COJA COJE COJI COJO COLA CULO FALO FETO GETA GUEI ' +
    'GUEY JETA JOTO KACA KACO KAGA KAGO KAKA KAKO KOGE KOGI KOJA KOJE KOJI KOJO KOLA KULO LILO LOCA LOCO LOKA LOKO ' +
    'MAME MAMO MEAR MEAS MEON MIAR MION MOCO MOKO MULA MULO NACA NACO PEDA PEDO PENE PIPI PITO POPO PUTA PUTO QULO ' +
    'RATA ROBA ROBE ROBO RUIN SENO TETA VACA VAGA VAGO VAKA VUEI VUEY WUEI WUEY').split(' '),
);
const VOWELS = 'AEIOU';

/** Upper case, Ñ as X (CURP has no Ñ), accents and dieresis dropped, particles removed. */
function words(text: string): string[] {
  const plain = text
    .toUpperCase()
    .replace(/Ñ/g, 'X')
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Z. ]/g, ' ');
  const all = plain.split(/\s+/).filter(Boolean);
  const kept = all.filter((word) => !PARTICLES.has(word));
  return kept.length > 0 ? kept : all;
}

function significantGivenName(givenNames: string): string {
  const names = words(givenNames);
  return (names.length > 1 && COMMON_FIRST_NAMES.has(names[0]) ? names[1] : names[0]).replace(/\./g, '');
}

const surname = (text: string): string => words(text).join('').replace(/\./g, '');

function firstInternal(word: string, isWanted: (letter: string) => boolean): string {
  for (const letter of word.slice(1)) if (isWanted(letter)) return letter;
  return 'X';
}
const isVowel = (letter: string) => VOWELS.includes(letter);
const isConsonant = (letter: string) => /[A-Z]/.test(letter) && !isVowel(letter);

/** The first 16 characters: everything RENAPO derives from the person. */
export function curpStem(person: CurpPerson): string {
  const first = surname(person.firstSurname);
  const second = person.secondSurname.trim() === '' ? '' : surname(person.secondSurname);
  const given = significantGivenName(person.givenNames);
  let letters = first[0] + firstInternal(first, isVowel) + (second[0] ?? 'X') + given[0];
  if (INCONVENIENT.has(letters)) letters = letters[0] + 'X' + letters.slice(2);
  const date = person.birthDate.toISOString();
  const yymmdd = date.slice(2, 4) + date.slice(5, 7) + date.slice(8, 10);
  const consonants = firstInternal(first, isConsonant) + (second ? firstInternal(second, isConsonant) : 'X') + firstInternal(given, isConsonant);
  return letters + yymmdd + person.sex + person.birthState + consonants;
}

/** Digits for people born before 2000, letters from 2000 on. */
export function differentiatorAlphabet(birthDate: Date): string {
  return birthDate.getUTCFullYear() < 2000 ? '0123456789' : 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
}

/** A complete CURP: the stem, the `index`-th differentiator of the person's alphabet and the check digit. */
export function buildCurp(person: CurpPerson, index = 0): string {
  const alphabet = differentiatorAlphabet(person.birthDate);
  if (index < 0 || index >= alphabet.length) throw new RangeError(`No CURP differentiator number ${index}`);
  const first17 = curpStem(person) + alphabet[index];
  return first17 + curpCheckDigit(first17);
}
