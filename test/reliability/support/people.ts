/** Fictitious servants with names and CURPs we know, so tests can look for them where they must not be. */
import { curpCheckDigit } from '../../../src/domain/shared/validation.js';

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const VOWELS = 'AEIOU';
const CONSONANTS = 'BCDFGHJKLMNPQRSTVWXYZ';
const GIVEN = ['Xóchitl', 'Citlali', 'Cuauhtémoc', 'Itzel', 'Tonatiuh', 'Yaretzi', 'Nezahualcóyotl', 'Ixchel'];

/** A valid CURP (pattern, date, state, check digit), different for every seed below 87,880. */
export function fictitiousCurp(seed: number): string {
  const pick = (alphabet: string, n: number) => alphabet[n % alphabet.length];
  const yy = String(50 + (Math.floor(seed / 87_880) % 49)).padStart(2, '0');
  const first17 =
    pick(LETTERS, seed) +
    pick(VOWELS, Math.floor(seed / 26)) +
    pick(LETTERS, Math.floor(seed / 130)) +
    pick(LETTERS, Math.floor(seed / 3_380)) +
    `${yy}0611` +
    (seed % 2 ? 'H' : 'M') +
    'BC' +
    pick(CONSONANTS, seed) +
    pick(CONSONANTS, Math.floor(seed / 7)) +
    pick(CONSONANTS, Math.floor(seed / 49)) +
    '0';
  return first17 + curpCheckDigit(first17);
}

/** A full name unlikely to appear anywhere by chance: a given name and two invented surnames. */
export function fictitiousName(seed: number): string {
  const word = (n: number) => {
    let text = '';
    for (let i = 0; i < 3; i++, n = Math.floor(n / 21)) text += CONSONANTS[n % 21].toLowerCase() + VOWELS[(n + i) % 5].toLowerCase();
    return text[0].toUpperCase() + text.slice(1);
  };
  return `${GIVEN[seed % GIVEN.length]} ${word(seed)}ztli ${word(seed * 7 + 3)}huatl`;
}
