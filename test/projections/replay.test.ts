/**
 * Replay equivalence: a seeded history of 20,000 domain events projected in small
 * batches leaves exactly the rows that one rebuild-sized batch from zero leaves,
 * and that rebuildProjections (with the projections' rebuild fast paths) leaves,
 * table by table, on both dialects.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventStore, ReadAllOptions, RecordedEvent } from '../../src/eventstore/types.js';
import { createAllProjections } from '../../src/projections/all.js';
import { CERTIFICATES_TABLE } from '../../src/projections/certificates/tables.js';
import { CERTIFICATIONS_TABLE } from '../../src/projections/certifications/tables.js';
import { EVALUATOR_VERDICTS_TABLE, EVALUATORS_TABLE } from '../../src/projections/evaluators/tables.js';
import { GOALS_TABLE } from '../../src/projections/goals/tables.js';
import type { ReadDatabase } from '../../src/projections/projection.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { SERVANTS_TABLE } from '../../src/projections/servants/tables.js';
import { STANDARDS_TABLE } from '../../src/projections/standards/tables.js';
import {
  STATS_CERTIFICATES_TABLE,
  STATS_CERTIFICATIONS_TABLE,
  STATS_DAILY_TABLE,
  STATS_SERVANTS_TABLE,
} from '../../src/projections/statistics/tables.js';
import { seededRandom } from '../../src/app/demo/people.js';
import type { DomainEventType } from '../../src/domain/events.js';
import { CURRENT_SCHEMA_VERSION } from '../../src/domain/upcasting.js';
import { generateDomainLog } from '../support/event-factory.js';
import { createTestVault } from '../support/test-vault.js';
import { DIALECTS, openReadFixture, project, type ReadFixture } from './dialects.js';
import { untyped } from './fixtures/projections.js';

const TABLES = [
  STANDARDS_TABLE,
  SERVANTS_TABLE,
  EVALUATORS_TABLE,
  EVALUATOR_VERDICTS_TABLE,
  CERTIFICATIONS_TABLE,
  CERTIFICATES_TABLE,
  GOALS_TABLE,
  STATS_SERVANTS_TABLE,
  STATS_CERTIFICATIONS_TABLE,
  STATS_CERTIFICATES_TABLE,
  STATS_DAILY_TABLE,
];

const vault = createTestVault();
let events: RecordedEvent[] = [];

beforeAll(async () => {
  events = await generateDomainLog({ seed: 20180918, events: 20_000, vault });
});

/** Every row of a table, as sorted JSON lines (row order is not part of the model). */
async function dump(db: ReadDatabase, table: string): Promise<string[]> {
  const rows = await untyped(db).selectFrom(table).selectAll().execute();
  return rows.map((row) => JSON.stringify(row, (_, value) => (typeof value === 'bigint' ? String(value) : value))).sort();
}

/** Small batches of 1 to 100 events, sized by a seeded draw that favours the smallest. */
async function projectInSmallBatches(db: ReadDatabase, projections: ReturnType<typeof createAllProjections>) {
  const size = seededRandom(7);
  for (let i = 0; i < events.length; ) {
    const n = 1 + Math.floor(size() ** 2 * 100);
    await project(db, projections, events.slice(i, i + n));
    i += n;
  }
}

it('the generated history is realistic: every event type, erasures, back-dated revocations', () => {
  const types = new Set(events.map((e) => e.type));
  for (const type of [
    'StandardPublished',
    'StandardWithdrawn',
    'ServantRegistered',
    'EmploymentChanged',
    'ServantSeparated',
    'PersonalDataErased',
    'CurpClaimed',
    'EvaluatorAccredited',
    'TrainingEnrolled',
    'TrainingCompleted',
    'VerdictRecorded',
    'CertificateIssued',
    'CertificateDelivered',
    'CertificateRevoked',
    'FolioAssigned',
    'GoalSet',
  ]) {
    expect(types, type).toContain(type);
  }
  expect(events.length).toBeGreaterThanOrEqual(20_000);
  const backDated = events.filter((e) => e.type === 'CertificateRevoked' && e.metadata.occurredAt < events[events.indexOf(e) - 1].metadata.occurredAt);
  expect(backDated.length).toBeGreaterThan(0);
});

/**
 * The generated log, read the way rebuildProjections reads a store (it only
 * pages readAll). Its data is today's shape, so it says today's schemaVersion.
 */
const generatedLog = {
  readAll: async ({ after = 0n, limit }: ReadAllOptions) =>
    events
      .filter((e) => e.position > after)
      .slice(0, limit)
      .map((e) => ({ ...e, metadata: { ...e.metadata, schemaVersion: CURRENT_SCHEMA_VERSION[e.type as DomainEventType] } })),
} as EventStore;

describe.each(DIALECTS)('%s', (dialect) => {
  let small: ReadFixture | null = null;
  let oneBatch: ReadFixture | null = null;
  let rebuilt: ReadFixture | null = null;

  beforeAll(async () => {
    small = await openReadFixture(dialect);
    oneBatch = await openReadFixture(dialect);
    rebuilt = await openReadFixture(dialect);
  });
  afterAll(async () => {
    await small?.close();
    await oneBatch?.close();
    await rebuilt?.close();
  });

  it('small batches, one rebuild-sized batch and rebuildProjections leave identical tables', async (context) => {
    if (!small || !oneBatch || !rebuilt) return context.skip();
    const incremental = createAllProjections({ dialect, vault });
    const whole = createAllProjections({ dialect, vault });
    for (const projection of incremental) await projection.migrate(small.db, dialect);
    for (const projection of whole) await projection.migrate(oneBatch.db, dialect);

    await Promise.all([
      projectInSmallBatches(small.db, incremental),
      project(oneBatch.db, whole, events),
      rebuildProjections({ store: generatedLog, db: rebuilt.db, dialect, projections: createAllProjections({ dialect, vault }) }),
    ]);

    for (const table of TABLES) {
      const [a, b, c] = await Promise.all([dump(small.db, table), dump(oneBatch.db, table), dump(rebuilt.db, table)]);
      expect(a.length, `${table} has rows`).toBeGreaterThan(0);
      expect(b, table).toEqual(a);
      expect(c, `${table} after rebuildProjections`).toEqual(a);
    }
  }, 300_000);
});
