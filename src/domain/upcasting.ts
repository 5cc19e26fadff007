/**
 * Events are stored forever in the shape they had when written. On read (command
 * handler and projections alike) `upcast` brings older shapes to the current one,
 * one version step at a time, so evolve only ever knows the current shapes.
 */
import { CERTIFICATION_EVENT_SCHEMAS } from './certifications/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from './evaluators/events.js';
import type { DomainEventType } from './events.js';
import { GOAL_EVENT_SCHEMAS } from './goals/events.js';
import { SERVANT_EVENT_SCHEMAS } from './servants/events.js';
import { STANDARD_EVENT_SCHEMAS } from './standards/events.js';
import type { Modality } from './shared/vocabulary.js';

/** The schemaVersion written today for each event type, as each feature's events.ts lists it. */
export const CURRENT_SCHEMA_VERSION = {
  ...STANDARD_EVENT_SCHEMAS,
  ...SERVANT_EVENT_SCHEMAS,
  ...EVALUATOR_EVENT_SCHEMAS,
  ...CERTIFICATION_EVENT_SCHEMAS,
  ...GOAL_EVENT_SCHEMAS,
} as const satisfies Record<DomainEventType, number>;

type Upcaster = (data: Readonly<Record<string, unknown>>) => Record<string, unknown>;

/** The first HR import wrote the modality in Spanish and no provider: training was the city hall's. */
const SPANISH_MODALITIES: Record<string, Modality> = { presencial: 'PRESENTIAL', virtual: 'VIRTUAL', mixta: 'BLENDED' };

const trainingEnrolledV1: Upcaster = ({ modality, ...rest }) => {
  const current = typeof modality === 'string' ? SPANISH_MODALITIES[modality.trim().toLowerCase()] : undefined;
  if (!current) throw new Error(`TrainingEnrolled v1 has an unknown modality: ${JSON.stringify(modality)}`);
  return { ...rest, provider: 'Ayuntamiento', modality: current };
};

/** UPCASTERS[type][v] turns the data of version v into version v + 1. */
const UPCASTERS: Partial<Record<DomainEventType, Record<number, Upcaster>>> = {
  TrainingEnrolled: { 1: trainingEnrolledV1 },
};

const isKnownType = (type: string): type is DomainEventType => Object.hasOwn(CURRENT_SCHEMA_VERSION, type);

/**
 * The data in its current shape and the version it now has. Types this catalogue
 * does not know pass through untouched; a version newer than this code knows is an
 * error (this process is older than the writer and must not guess).
 */
export function upcast<D extends object>(type: string, data: D, schemaVersion: number): { data: D; schemaVersion: number } {
  if (!isKnownType(type)) return { data, schemaVersion };
  const current = CURRENT_SCHEMA_VERSION[type];
  if (!Number.isInteger(schemaVersion) || schemaVersion < 1 || schemaVersion > current) {
    throw new Error(`${type} schemaVersion ${schemaVersion} is not readable here (current is ${current})`);
  }
  let shaped = data as Record<string, unknown>;
  for (let version = schemaVersion; version < current; version++) {
    const step = UPCASTERS[type]?.[version];
    if (!step) throw new Error(`No upcaster for ${type} from schemaVersion ${version}`);
    shaped = step(shaped);
  }
  // Stored JSON in, stored JSON out: the shape changed, the kind did not.
  return { data: shaped as D, schemaVersion: current };
}
