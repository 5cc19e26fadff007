import type { Event } from '../shared/event.js';

/** Stream `standard-{code}`. */
export type StandardPublished = Event<
  'StandardPublished',
  {
    code: string;
    title: string;
    level: number;
    sector: string | null;
    /** Years a certificate stays valid; null means permanent. */
    validityYears: number | null;
  }
>;

export type StandardWithdrawn = Event<'StandardWithdrawn', { code: string; reason: string }>;

export type StandardEvent = StandardPublished | StandardWithdrawn;

export const standardStreamId = (code: string): string => `standard-${code}`;

/** Each event type of the feature with the schemaVersion written today (upcasting.ts): a new type fails to compile until listed. */
export const STANDARD_EVENT_SCHEMAS = { StandardPublished: 1, StandardWithdrawn: 1 } as const satisfies Record<StandardEvent['type'], number>;
