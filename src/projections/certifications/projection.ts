/** Certifications: the domain's own evolve folds each stream, so stage logic exists once. */
import { STANDARD_EVENT_SCHEMAS } from '../../domain/standards/events.js';
import { SERVANT_EVENT_SCHEMAS } from '../../domain/servants/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from '../../domain/evaluators/events.js';
import { GOAL_EVENT_SCHEMAS } from '../../domain/goals/events.js';
import type { CertificationEvent } from '../../domain/certifications/events.js';
import { type CertificationState, evolve, initialState, type StartedCertification } from '../../domain/certifications/state.js';
import { type EventHandler, foldingProjection, IGNORED, ignoring, type Projection } from '../projection.js';
import { isoTime, RowCache } from '../sql-support.js';
import { CERTIFICATIONS_TABLE, type CertificationRow, migrateCertifications, stageColumns } from './tables.js';

function toRow(id: string, state: StartedCertification, version: number): CertificationRow {
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
    updated_at: isoTime(state.updatedAt),
    ...stageColumns(state),
    state: JSON.stringify(state),
  };
}

const certificationState = (row: Pick<CertificationRow, 'state'>): StartedCertification =>
  JSON.parse(row.state) as StartedCertification;

interface Batch {
  rows: RowCache<CertificationRow>;
  /** Each stream's state is decoded and encoded once per batch, not per event. */
  folded: Map<string, { state: CertificationState; version: number; changed: boolean }>;
}

// Every event of the stream moves its version, so the projection takes them all.
const fold: EventHandler<Batch, CertificationEvent['type']> = ({ rows, folded }, event) => {
  const { streamId, revision } = event.recorded;
  let current = folded.get(streamId);
  if (!current) {
    const row = rows.get(streamId);
    current = { state: row ? certificationState(row) : initialState(), version: row?.version ?? 0, changed: false };
    folded.set(streamId, current);
  }
  // Already applied (a replayed batch): rows only move forward.
  if (revision < current.version) return;
  current.state = evolve(current.state, event);
  current.version = revision + 1;
  current.changed = true;
};

export function createCertificationsProjection(): Projection {
  return foldingProjection<Batch>({
    name: 'certifications',
    version: 2,
    tables: [CERTIFICATIONS_TABLE],
    readerIndexes: ['rm_certifications_servant', 'rm_certifications_standard'],
    migrate: (db, dialect) => migrateCertifications(db, dialect),
    handlers: {
      TrainingEnrolled: fold,
      TrainingCompleted: fold,
      VerdictRecorded: fold,
      CertificateIssued: fold,
      CertificateDelivered: fold,
      CertificateRevoked: fold,
      CertificateReissued: fold,
      ...ignoring(STANDARD_EVENT_SCHEMAS, SERVANT_EVENT_SCHEMAS, EVALUATOR_EVENT_SCHEMAS, GOAL_EVENT_SCHEMAS),
      FolioAssigned: IGNORED,
      PrintedFolioAssigned: IGNORED,
    },
    async open(trx, events) {
      const rows = new RowCache<CertificationRow>(trx, CERTIFICATIONS_TABLE, ['id']);
      await rows.load(events.map((e) => e.recorded.streamId));
      return { rows, folded: new Map() };
    },
    async close({ rows, folded }) {
      // A changed state has folded an event, so it is started.
      for (const [id, { state, version, changed }] of folded) if (changed && state.exists) rows.put(toRow(id, state, version));
      await rows.flush();
    },
  });
}
