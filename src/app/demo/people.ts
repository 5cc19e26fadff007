/**
 * Fictitious people for the demo: Spanish names (accents and Ñ included), birth
 * dates and CURPs, drawn from a seeded generator so every run makes the same
 * people. Surnames of the people named in the 2018 press note are left out.
 */
import { buildCurp, curpStem, differentiatorAlphabet, type CurpPerson } from './curp.js';

/** mulberry32: small, fast and deterministic; not for anything secret. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export type Random = () => number;
export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)];

const WOMEN = [
  'María de los Ángeles', 'María José', 'María del Carmen', 'Guadalupe', 'Ana Sofía', 'Verónica', 'Itzel', 'Ximena',
  'Araceli', 'Rocío', 'Mónica', 'Lucía', 'Sofía', 'Andrea', 'Brenda', 'Claudia', 'Diana', 'Elena', 'Fernanda',
  'Gabriela', 'Irma', 'Josefina', 'Karla Iveth', 'Leticia', 'Martha Alicia', 'Norma', 'Patricia', 'Rosa María',
  'Silvia', 'Teresa', 'Yolanda', 'Zoé', 'Dulce María', 'Nayeli', 'Perla', 'Inés', 'Begoña', 'Azucena',
];
const MEN = [
  'José Ángel', 'Juan Pablo', 'José Luis', 'Jesús', 'Ángel', 'Raúl', 'Andrés', 'Óscar', 'Efraín', 'Martín', 'Héctor',
  'Iván', 'Joaquín', 'Julián', 'Rubén', 'Sebastián', 'Tomás', 'Víctor Manuel', 'Luis Fernando', 'Miguel Ángel',
  'Carlos', 'Francisco Javier', 'Ricardo', 'Arturo', 'Emilio', 'Gerardo', 'Hugo', 'Manuel', 'Noé', 'Pedro', 'Rodrigo',
  'Saúl', 'Germán', 'Adrián', 'Ismael', 'Abraham', 'Íñigo', 'Cuauhtémoc',
];
const SURNAMES = [
  'García', 'Hernández', 'Martínez', 'López', 'González', 'Pérez', 'Rodríguez', 'Sánchez', 'Ramírez', 'Cruz',
  'Flores', 'Gómez', 'Muñoz', 'Ibáñez', 'Peña', 'Núñez', 'Zúñiga', 'Montaño', 'Patiño', 'Castañeda', 'Orduño',
  'Villaseñor', 'Treviño', 'Espinoza', 'De la Cruz', 'Del Castillo', 'Gutiérrez', 'Álvarez', 'Ávila', 'Ochoa',
  'Urías', 'Íñiguez', 'Ríos', 'Vázquez', 'Jiménez', 'Mendoza', 'Aguilar', 'Domínguez', 'Chávez', 'Beltrán',
  'Sandoval', 'Valenzuela', 'Quiñónez', 'Meléndez', 'Bautista', 'Cárdenas', 'Escobedo', 'Félix', 'Lugo', 'Yáñez',
];
/** Mostly born in Baja California; many came from Sinaloa, Sonora, Jalisco, Michoacán and Mexico City. */
const BIRTH_STATES = ['BC', 'BC', 'BC', 'BC', 'BC', 'SL', 'SR', 'JC', 'MN', 'DF', 'NT', 'GT'];

export interface Person extends CurpPerson {
  fullName: string;
  curp: string;
}

/** Makes people one after another; CURPs never repeat within one generator. */
export class PersonGenerator {
  private readonly random: Random;
  private readonly stems = new Map<string, number>();

  constructor(seed: number) {
    this.random = seededRandom(seed);
  }

  next(options: { sex?: 'H' | 'M'; birthStates?: readonly string[] } = {}): Person {
    const random = this.random;
    const sex = options.sex ?? (random() < 0.55 ? 'M' : 'H');
    const givenNames = pick(random, sex === 'M' ? WOMEN : MEN);
    const firstSurname = pick(random, SURNAMES);
    const secondSurname = random() < 0.03 ? '' : pick(random, SURNAMES);
    // Working age in 2018: born 1958 to 1997.
    const birthDate = new Date(Date.UTC(1958 + Math.floor(random() * 40), Math.floor(random() * 12), 1 + Math.floor(random() * 28)));
    const birthState = pick(random, options.birthStates ?? BIRTH_STATES);
    const person: CurpPerson = { givenNames, firstSurname, secondSurname, birthDate, sex, birthState };
    const stem = curpStem(person);
    const taken = this.stems.get(stem) ?? 0;
    // Two people may share the first 16 characters: the differentiator tells them apart.
    if (taken >= differentiatorAlphabet(birthDate).length) return this.next(options);
    this.stems.set(stem, taken + 1);
    return { ...person, fullName: [givenNames, firstSurname, secondSurname].filter(Boolean).join(' '), curp: buildCurp(person, taken) };
  }
}
