/**
 * Statistics answerable for any business date without reading certificates per
 * request: rm_stats_daily holds day-grained changes per scope (everything, a
 * state, a municipality), so a figure at D is the sum of its changes up to D.
 * For each servant a batch touches: subtract what the servant contributed
 * before, fold the batch into the servant's facts, add what it contributes now.
 * A rebuild only folds the facts batch by batch, then adds every servant's
 * contribution once at the end: the same sums without the per-batch churn.
 */
import { STANDARD_EVENT_SCHEMAS } from '../../domain/standards/events.js';
import { EVALUATOR_EVENT_SCHEMAS } from '../../domain/evaluators/events.js';
import { GOAL_EVENT_SCHEMAS } from '../../domain/goals/events.js';
import { sql } from 'kysely';
import type { CertificationEvent } from '../../domain/certifications/events.js';
import { type EventHandler, foldingProjection, IGNORED, ignoring, type Projection, type ProjectedEvent, type ReadTransaction } from '../projection.js';
import { type AnyDb, isoTime, RowCache, runInShapes } from '../sql-support.js';
import { addServant, DailyChanges, type ServantFacts } from './contributions.js';
import {
  migrateStatistics,
  STATS_CERTIFICATES_TABLE,
  STATS_CERTIFICATIONS_TABLE,
  STATS_DAILY_TABLE,
  STATS_SERVANTS_TABLE,
  type StatsCertificateRow,
  type StatsCertificationRow,
  type StatsServantRow,
} from './tables.js';

type StatsFact = ProjectedEvent<'ServantRegistered' | CertificationEvent['type']>;

class ServantFactsCache {
  readonly servants: RowCache<StatsServantRow>;
  readonly certifications: RowCache<StatsCertificationRow>;
  readonly certificates: RowCache<StatsCertificateRow>;

  constructor(readonly trx: AnyDb) {
    this.servants = new RowCache(trx, STATS_SERVANTS_TABLE, ['servant_id']);
    this.certifications = new RowCache(trx, STATS_CERTIFICATIONS_TABLE, ['id']);
    this.certificates = new RowCache(trx, STATS_CERTIFICATES_TABLE, ['folio']);
  }

  async load(servantIds: string[]): Promise<void> {
    await this.servants.load(servantIds);
    await this.certifications.load(servantIds, 'servant_id');
    await this.certificates.load(servantIds, 'servant_id');
  }

  /** Only the rows `apply` reads back: the certificates the revocations name. */
  async loadFor(events: readonly StatsFact[]): Promise<void> {
    await this.certificates.load(events.flatMap((e) => (e.type === 'CertificateRevoked' ? [e.data.folio] : [])));
  }

  /** Adds (or removes) what each of `servantIds` contributes now. */
  addTo(changes: DailyChanges, servantIds: string[], sign: 1 | -1): void {
    const facts = new Map<string, ServantFacts>(
      servantIds.map((id) => [id, { servant: this.servants.get(id), certifications: [], certificates: [] }]),
    );
    for (const row of this.certifications.values()) facts.get(row.servant_id)?.certifications.push(row);
    for (const row of this.certificates.values()) facts.get(row.servant_id)?.certificates.push(row);
    for (const servant of facts.values()) addServant(changes, servant, sign);
  }

  apply(event: StatsFact): void {
    const { streamId, metadata } = event.recorded;
    if (event.type === 'ServantRegistered') {
      const { servantId, state, municipality } = event.data;
      this.servants.put({ servant_id: servantId, state, municipality });
      return;
    }
    // A certification starts with its first event; the domain keeps its steps in
    // business-time order, so no later event can start it earlier.
    if (event.recorded.revision === 0) {
      this.certifications.put({ id: streamId, servant_id: event.data.servantId, started_at: isoTime(metadata.occurredAt) });
    }
    if (event.type === 'CertificateIssued') {
      const d = event.data;
      this.certificates.put({
        folio: d.folio,
        servant_id: d.servantId,
        certification_id: streamId,
        standard_code: d.standardCode,
        state: d.holder.state,
        municipality: d.holder.municipality,
        department: d.holder.department,
        regime: d.holder.regime,
        issued_at: isoTime(d.issuedAt),
        valid_until: d.validUntil === null ? null : isoTime(d.validUntil),
        // The folio guard lets a folio be issued once, so it is not yet revoked.
        revoked_at: null,
      });
    } else if (event.type === 'CertificateRevoked') {
      const row = this.certificates.get(event.data.folio);
      if (row) this.certificates.put({ ...row, revoked_at: isoTime(event.data.revokedAt) });
    }
  }

  async flush(): Promise<void> {
    await this.servants.flush();
    await this.certifications.flush();
    await this.certificates.flush();
  }
}

const DAILY_COLUMNS = ['state', 'municipality', 'metric', 'key', 'day', 'delta'] as const;

async function addDailyChanges(trx: AnyDb, changes: DailyChanges): Promise<void> {
  const rows = changes.rows();
  if (rows.length === 0) return;
  const placeholder = Object.fromEntries(DAILY_COLUMNS.map((column) => [column, null]));
  await runInShapes(trx, 'add daily changes', rows, DAILY_COLUMNS.length, (row) => DAILY_COLUMNS.map((column) => row[column]), (n) =>
    trx
      .insertInto(STATS_DAILY_TABLE)
      .values(Array.from({ length: n }, () => placeholder))
      .onConflict((oc) =>
        oc
          .columns(['state', 'municipality', 'metric', 'key', 'day'])
          .doUpdateSet((eb) => ({ delta: eb(`${STATS_DAILY_TABLE}.delta`, '+', eb.ref('excluded.delta')) })),
      ),
  );
  // A literal 0, so both planners can use the partial index rm_stats_daily_zero.
  await trx.deleteFrom(STATS_DAILY_TABLE).where(sql.ref('delta'), '=', sql.lit(0)).execute();
}

/**
 * The events that change a servant's facts: a registration, a certification's
 * first event (it starts counting as in progress), an issuance, a revocation.
 * Later trainings and verdicts change no figure, so they cost no statement.
 */
const changesFacts = (e: ProjectedEvent): boolean =>
  e.recorded.revision === 0 || e.type === 'ServantRegistered' || e.type === 'CertificateIssued' || e.type === 'CertificateRevoked';

/**
 * Servants per page when a rebuild adds up every servant's contribution. Small
 * on purpose: a page's rows must die young. With 2,000 (about 9,000 rows) they
 * outlived the scavenges of their own fold, V8 began allocating them straight
 * into the old generation, and the 1M rebuild's heap grew by 110 MB of garbage
 * before a full GC (peak RSS +50 MB); with 128 nothing piles up, and the fold
 * is no slower (more, smaller statements; measured on a 1M log).
 */
const FOLD_PAGE = 128;

/**
 * After a rebuild's batches: what every servant with facts contributes, written
 * once. The servants come a page at a time, by id: holding every id for the
 * whole fold (about 100,000 on a 1M log) made the live heap larger, and V8
 * lets the heap grow to a multiple of what is live before a full collection;
 * the 1M rebuild's peak RSS was 304 to 320 MB with it, below 300 without.
 */
async function foldEveryServant(trx: ReadTransaction): Promise<void> {
  const changes = new DailyChanges();
  type ServantTable = typeof STATS_SERVANTS_TABLE | typeof STATS_CERTIFICATIONS_TABLE | typeof STATS_CERTIFICATES_TABLE;
  const idsAfter = (table: ServantTable, after: string) => trx.selectFrom(table).select('servant_id').where('servant_id', '>', after);
  for (let after = ''; ; ) {
    const page = await idsAfter(STATS_SERVANTS_TABLE, after)
      .union(idsAfter(STATS_CERTIFICATIONS_TABLE, after))
      .union(idsAfter(STATS_CERTIFICATES_TABLE, after))
      .orderBy('servant_id')
      .limit(FOLD_PAGE)
      .execute();
    if (page.length === 0) break;
    const servantIds = page.map((row) => row.servant_id);
    const cache = new ServantFactsCache(trx);
    await cache.load(servantIds);
    cache.addTo(changes, servantIds, 1);
    after = servantIds[servantIds.length - 1];
  }
  await addDailyChanges(trx, changes);
}

interface Batch {
  cache: ServantFactsCache;
  servantIds: string[];
  changes: DailyChanges;
}

const fold: EventHandler<Batch, StatsFact['type']> = ({ cache }, event) => cache.apply(event);

export function createStatisticsProjection(): Projection {
  return foldingProjection<Batch>({
    name: 'statistics',
    version: 1,
    tables: [STATS_DAILY_TABLE, STATS_CERTIFICATES_TABLE, STATS_CERTIFICATIONS_TABLE, STATS_SERVANTS_TABLE],
    // A rebuild's apply reads certificates by folio; its finish reads by servant, after the indexes are back.
    readerIndexes: [`${STATS_CERTIFICATIONS_TABLE}_servant`, `${STATS_CERTIFICATES_TABLE}_servant`],
    migrate: (db, dialect) => migrateStatistics(db, dialect),
    handlers: {
      ServantRegistered: fold,
      TrainingEnrolled: fold,
      TrainingCompleted: fold,
      VerdictRecorded: fold,
      CertificateIssued: fold,
      CertificateDelivered: fold,
      CertificateRevoked: fold,
      // Changes no figure: the certificate and its validity stay.
      CertificateReissued: IGNORED,
      ...ignoring(STANDARD_EVENT_SCHEMAS, EVALUATOR_EVENT_SCHEMAS, GOAL_EVENT_SCHEMAS),
      EmploymentChanged: IGNORED,
      ServantSeparated: IGNORED,
      PersonalDataErased: IGNORED,
      CurpClaimed: IGNORED,
      FolioAssigned: IGNORED,
      PrintedFolioAssigned: IGNORED,
    },
    folds: changesFacts,
    // Subtract what each servant the batch touches contributed before, fold, add what it contributes now.
    async open(trx, events) {
      const servantIds = [...new Set((events as StatsFact[]).map((e) => e.data.servantId))];
      const cache = new ServantFactsCache(trx);
      await cache.load(servantIds);
      const changes = new DailyChanges();
      cache.addTo(changes, servantIds, -1);
      return { cache, servantIds, changes };
    },
    async close({ cache, servantIds, changes }) {
      cache.addTo(changes, servantIds, 1);
      await cache.flush();
      await addDailyChanges(cache.trx, changes);
    },
    rebuildFold: (trx) => ({
      async open(batchTrx, events) {
        const cache = new ServantFactsCache(batchTrx);
        await cache.loadFor(events as StatsFact[]);
        return { cache, servantIds: [], changes: new DailyChanges() };
      },
      close: ({ cache }) => cache.flush(),
      finish: () => foldEveryServant(trx),
    }),
  });
}
