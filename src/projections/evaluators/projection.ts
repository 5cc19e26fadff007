/** Accredited evaluators, with the number of verdicts each recorded. */
import { STANDARD_EVENT_SCHEMAS } from '../../domain/standards/events.js';
import { SERVANT_EVENT_SCHEMAS } from '../../domain/servants/events.js';
import { GOAL_EVENT_SCHEMAS } from '../../domain/goals/events.js';
import { foldingProjection, IGNORED, ignoring, type Projection, type ProjectedEvent, type ReadTransaction } from '../projection.js';
import { isoTime, RowCache, runInShapes } from '../sql-support.js';
import { EVALUATOR_VERDICTS_TABLE, EVALUATORS_TABLE, type EvaluatorRow, migrateEvaluators } from './tables.js';

interface Batch {
  trx: ReadTransaction;
  rows: RowCache<EvaluatorRow>;
  /** The batch's verdicts, counted at close. */
  verdicts: { event_id: string; evaluator_id: string }[];
}

export function createEvaluatorsProjection(): Projection {
  return foldingProjection<Batch>({
    name: 'evaluators',
    version: 1,
    tables: [EVALUATORS_TABLE, EVALUATOR_VERDICTS_TABLE],
    migrate: (db) => migrateEvaluators(db),
    handlers: {
      EvaluatorAccredited({ rows }, { data }) {
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
      },
      VerdictRecorded({ verdicts }, { data, recorded }) {
        verdicts.push({ event_id: recorded.id, evaluator_id: data.evaluatorId });
      },
      ...ignoring(STANDARD_EVENT_SCHEMAS, SERVANT_EVENT_SCHEMAS, GOAL_EVENT_SCHEMAS),
      TrainingEnrolled: IGNORED,
      TrainingCompleted: IGNORED,
      CertificateIssued: IGNORED,
      CertificateDelivered: IGNORED,
      CertificateRevoked: IGNORED,
      CertificateReissued: IGNORED,
      FolioAssigned: IGNORED,
      PrintedFolioAssigned: IGNORED,
    },
    async open(trx, events) {
      const rows = new RowCache<EvaluatorRow>(trx, EVALUATORS_TABLE, ['id']);
      await rows.load(events.flatMap((e) => (e.type === 'EvaluatorAccredited' ? [(e as ProjectedEvent<'EvaluatorAccredited'>).data.evaluatorId] : [])));
      return { trx, rows, verdicts: [] };
    },
    async close({ trx, rows, verdicts }) {
      // Count only verdicts this table has not seen, then add them up per evaluator.
      const added = new Map<string, number>();
      const inserted = await runInShapes(trx, 'count verdicts', verdicts, 2, (entry) => [entry.event_id, entry.evaluator_id], (n) =>
        trx
          .insertInto(EVALUATOR_VERDICTS_TABLE)
          .values(Array.from({ length: n }, () => ({ event_id: '', evaluator_id: '' })))
          .onConflict((oc) => oc.column('event_id').doNothing())
          .returning('evaluator_id'),
      );
      for (const { evaluator_id } of inserted) {
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
  });
}
