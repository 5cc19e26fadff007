import type { Event } from '../shared/event.js';

/** Stream `evaluator-{uuid}`. Accrediting again replaces the standards and the validity. */
export type EvaluatorAccredited = Event<
  'EvaluatorAccredited',
  {
    evaluatorId: string;
    fullName: string;
    certificationBody: string;
    /** Folio of the evaluator's own EC0076 certificate. */
    ec0076Folio: string;
    standardCodes: string[];
    /** ISO-8601. */
    validUntil: string;
  }
>;

export type EvaluatorEvent = EvaluatorAccredited;

export const evaluatorStreamId = (evaluatorId: string): string => `evaluator-${evaluatorId}`;

/** Each event type of the feature with the schemaVersion written today (upcasting.ts): a new type fails to compile until listed. */
export const EVALUATOR_EVENT_SCHEMAS = { EvaluatorAccredited: 1 } as const satisfies Record<EvaluatorEvent['type'], number>;
