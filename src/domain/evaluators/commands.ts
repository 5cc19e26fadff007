import type { EvaluatorId, Folio, StandardCode } from '../shared/validation.js';
import type { Command } from '../shared/time.js';

/** Accrediting an evaluator again replaces the standards and the validity. */
export type AccreditEvaluator = Command<
  'AccreditEvaluator',
  {
    evaluatorId: EvaluatorId;
    fullName: string;
    certificationBody: string;
    ec0076Folio: Folio;
    /** At least one, no duplicates (parseStandardCodes). */
    standardCodes: StandardCode[];
    validUntil: Date;
  }
>;

export type EvaluatorCommand = AccreditEvaluator;
