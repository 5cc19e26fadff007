/** Certifications: the domain's own evolve folds each stream, so stage logic exists once. */
import { CERTIFICATION_EVENT_TYPES, type CertificationEvent } from '../../domain/certifications/events.js';
import { type CertificationState, evolve, initialState } from '../../domain/certifications/state.js';
import type { Projection } from '../projection.js';
import { deleteAll, isoTime, type ProjectedEvent, projectedEvents, RowCache } from '../sql-support.js';
import { CERTIFICATIONS_TABLE, type CertificationRow, migrateCertifications, stageColumns } from './tables.js';

type CertificationFact = ProjectedEvent & CertificationEvent;
// Every event of the stream moves its version, so the projection takes them all.
const CERTIFICATION_EVENTS = new Set<string>(CERTIFICATION_EVENT_TYPES);

function toRow(id: string, state: CertificationState, version: number): CertificationRow {
  return {
    id,
    servant_id: state.servantId,
    standard_code: state.standardCode,
    training_provider: state.trainingProvider,
    modality: state.modality,
    training_hours: state.trainingHours,
    attempts: state.attempts,
    last_verdict: state.lastVerdict,
    folio: state.certificate?.folio ?? null,
    version,
    updated_at: isoTime(state.updatedAt!),
    ...stageColumns(state),
    state: JSON.stringify(state),
  };
}

const certificationState = (row: Pick<CertificationRow, 'state'>): CertificationState =>
  JSON.parse(row.state) as CertificationState;

export function createCertificationsProjection(): Projection {
  return {
    name: 'certifications',
    eventTypes: CERTIFICATION_EVENTS,
    readerIndexes: ['rm_certifications_servant', 'rm_certifications_standard'],
    migrate: (db, dialect) => migrateCertifications(db, dialect),
    reset: (trx) => deleteAll(trx, [CERTIFICATIONS_TABLE]),
    async apply(trx, batch) {
      const events = projectedEvents(batch).filter((e): e is CertificationFact => CERTIFICATION_EVENTS.has(e.type));
      if (events.length === 0) return;
      const rows = new RowCache<CertificationRow>(trx, CERTIFICATIONS_TABLE, ['id']);
      await rows.load(events.map((e) => e.recorded.streamId));
      // Each stream's state is decoded and encoded once per batch, not per event.
      const folded = new Map<string, { state: CertificationState; version: number; changed: boolean }>();
      for (const event of events) {
        const { streamId, revision } = event.recorded;
        let current = folded.get(streamId);
        if (!current) {
          const row = rows.get(streamId);
          current = { state: row ? certificationState(row) : initialState(), version: row?.version ?? 0, changed: false };
          folded.set(streamId, current);
        }
        // Already applied (a replayed batch): rows only move forward.
        if (revision < current.version) continue;
        current.state = evolve(current.state, event);
        current.version = revision + 1;
        current.changed = true;
      }
      for (const [id, { state, version, changed }] of folded) if (changed) rows.put(toRow(id, state, version));
      await rows.flush();
    },
  };
}
