/**
 * Who the bench log is about: the demo's places, departments and standards
 * (src/app/demo), weighted so Tijuana has the most servants, as in 2018.
 */
import { PersonGenerator, pick, type Random } from '../../src/app/demo/people.js';
import { DEPARTMENTS, OTHER_MUNICIPALITIES, STANDARDS, TIJUANA } from '../../src/app/demo/scenario.js';
import type { EmploymentRegime, Modality } from '../../src/domain/shared/vocabulary.js';

export interface BenchPlace {
  state: string;
  municipality: string;
  /** Birth states of people living there (null: mostly Baja California). */
  birthStates: readonly string[] | null;
}

/** Tijuana four times over, every other municipality of the demo once. */
export const PLACES: readonly BenchPlace[] = [
  ...Array.from({ length: 4 }, () => ({ ...TIJUANA, birthStates: null })),
  ...OTHER_MUNICIPALITIES.map(({ state, municipality, birthStates }) => ({ state, municipality, birthStates })),
];

export const DEPARTMENT_NAMES: readonly string[] = Object.values(DEPARTMENTS);
export const STANDARD_LIST = Object.values(STANDARDS);
/** EC0105 (atención al ciudadano) is what most servants are certified in. */
export const STANDARD_WEIGHTS: readonly string[] = ['EC0105', 'EC0105', 'EC0105', 'EC0105', 'EC0217', 'EC0369', 'EC0587', 'EC0076'];
export const REGIMES: readonly EmploymentRegime[] = ['BASE', 'BASE', 'BASE', 'CONFIANZA', 'CONFIANZA', 'EVENTUAL', 'HONORARIOS'];
export const MODALITIES: readonly Modality[] = ['PRESENTIAL', 'PRESENTIAL', 'VIRTUAL', 'BLENDED'];
export const PROVIDERS: readonly string[] = [
  'Ayuntamiento, Oficialía Mayor (capacitación)',
  'Universidad Tecnológica de Tijuana (UTT), aulas virtuales',
  'Instituto de Capacitación para el Trabajo (ficticio)',
];
export const CERTIFICATION_BODIES: readonly string[] = ['UTT', 'UABC', 'OCR'];
export const POSITIONS: readonly string[] = ['Auxiliar administrativo', 'Cajera de recaudación', 'Promotor social', 'Inspectora', 'Analista de egresos', 'Recepcionista'];

/** A servant as registered: a fictitious person with a valid CURP, in a place. */
export function newServantFacts(people: PersonGenerator, random: Random) {
  const place = pick(random, PLACES);
  const person = people.next(place.birthStates ? { birthStates: place.birthStates } : {});
  const regime = pick(random, REGIMES);
  return {
    person,
    state: place.state,
    municipality: place.municipality,
    department: pick(random, DEPARTMENT_NAMES),
    position: random() < 0.8 ? pick(random, POSITIONS) : null,
    regime,
    unionized: regime === 'BASE' && random() < 0.75,
  };
}
