/** Accredited evaluators, with the number of verdicts each recorded. */
import type { EvaluatorAccredited } from '../../domain/evaluators/events.js';
import type { VerdictRecorded } from '../../domain/certifications/events.js';
import type { Projection } from '../projection.js';
import { deleteAll, isoTime, type ProjectedEvent, projectedEvents, RowCache, runInShapes } from '../sql-support.js';
import { EVALUATOR_VERDICTS_TABLE, EVALUATORS_TABLE, type EvaluatorRow, migrateEvaluators } from './tables.js';

type Accredited = ProjectedEvent & EvaluatorAccredited;
type Verdict = ProjectedEvent & VerdictRecorded;

export function createEvaluatorsProjection(): Projection {
  return {
    name: 'evaluators',
    eventTypes: new Set(['EvaluatorAccredited', 'VerdictRecorded']),
    migrate: (db) => migrateEvaluators(db),
    reset: (trx) => deleteAll(trx, [EVALUATORS_TABLE, EVALUATOR_VERDICTS_TABLE]),
    async apply(trx, batch) {
      const events = projectedEvents(batch);
      const accredited = events.filter((e): e is Accredited => e.type === 'EvaluatorAccredited');
      const verdicts = events.filter((e): e is Verdict => e.type === 'VerdictRecorded');

      const rows = new RowCache<EvaluatorRow>(trx, EVALUATORS_TABLE, ['id']);
      await rows.load(accredited.map((e) => e.data.evaluatorId));
      for (const { data } of accredited) {
        // Accrediting again replaces standards and validity; the count stays.
        rows.put({
          id: data.evaluatorId,
          full_name: data.fullName,
          certification_body: data.certificationBody,
          ec0076_folio: data.ec0076Folio,
          standard_codes: JSON.stringify(data.standardCodes),
          valid_until: isoTime(data.validUntil),
          verdicts_recorded: rows.get(data.evaluatorId)?.verdicts_recorded ?? 0,
        });
      }

      // Count only verdicts this table has not seen, then add them up per evaluator.
      const added = new Map<string, number>();
      const entries = verdicts.map((e) => ({ event_id: e.recorded.id, evaluator_id: e.data.evaluatorId }));
      const inserted = await runInShapes(trx, 'count verdicts', entries, 2, (entry) => [entry.event_id, entry.evaluator_id], (n) =>
        trx
          .insertInto(EVALUATOR_VERDICTS_TABLE)
          .values(Array.from({ length: n }, () => ({ event_id: '', evaluator_id: '' })))
          .onConflict((oc) => oc.column('event_id').doNothing())
          .returning('evaluator_id'),
      );
      for (const { evaluator_id } of inserted as { evaluator_id: string }[]) {
        added.set(evaluator_id, (added.get(evaluator_id) ?? 0) + 1);
      }
      // Added in the cache and written in one upsert, not an UPDATE per evaluator.
      await rows.load(added.keys());
      for (const [id, count] of added) {
        const row = rows.get(id);
        if (row) rows.put({ ...row, verdicts_recorded: row.verdicts_recorded + count });
      }
      await rows.flush();
    },
  };
}
