import type { Command } from '../shared/time.js';

/** Accrediting an evaluator again replaces the standards and the validity. */
export type AccreditEvaluator = Command<
  'AccreditEvaluator',
  {
    evaluatorId: string;
    fullName: string;
    certificationBody: string;
    ec0076Folio: string;
    standardCodes: string[];
    validUntil: Date;
  }
>;

export type EvaluatorCommand = AccreditEvaluator;
