import type { ReadDatabase } from '../projection.js';

export const EVALUATORS_TABLE = 'rm_evaluators';
/** Verdicts already counted, by event id: a replayed batch never counts one twice. */
export const EVALUATOR_VERDICTS_TABLE = 'rm_evaluator_verdicts';

export interface EvaluatorRow {
  id: string;
  full_name: string;
  certification_body: string;
  ec0076_folio: string;
  /** JSON array of EC codes. */
  standard_codes: string;
  valid_until: string;
  verdicts_recorded: number;
}

export interface EvaluatorVerdictRow {
  event_id: string;
  evaluator_id: string;
}

export interface EvaluatorsTables {
  [EVALUATORS_TABLE]: EvaluatorRow;
  [EVALUATOR_VERDICTS_TABLE]: EvaluatorVerdictRow;
}

export async function migrateEvaluators(db: ReadDatabase): Promise<void> {
  await db.schema
    .createTable(EVALUATORS_TABLE)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('full_name', 'text', (c) => c.notNull())
    .addColumn('certification_body', 'text', (c) => c.notNull())
    .addColumn('ec0076_folio', 'text', (c) => c.notNull())
    .addColumn('standard_codes', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text', (c) => c.notNull())
    .addColumn('verdicts_recorded', 'integer', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(EVALUATOR_VERDICTS_TABLE)
    .ifNotExists()
    .addColumn('event_id', 'text', (c) => c.primaryKey())
    .addColumn('evaluator_id', 'text', (c) => c.notNull())
    .execute();
}
