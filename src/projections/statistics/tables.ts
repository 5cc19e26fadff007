import { sql } from 'kysely';
import type { EmploymentRegime } from '../../domain/shared/vocabulary.js';
import type { ReadDatabase, SqlDialect } from '../projection.js';
import { withoutRowidOn } from '../sql-support.js';

/** What the statistics model keeps of each servant, certification and certificate (its own copies). */
export const STATS_SERVANTS_TABLE = 'rm_stats_servants';
export const STATS_CERTIFICATIONS_TABLE = 'rm_stats_certifications';
export const STATS_CERTIFICATES_TABLE = 'rm_stats_certificates';
/** Per scope, metric, key and UTC day: the change of the figure on that day. */
export const STATS_DAILY_TABLE = 'rm_stats_daily';

export interface StatsServantRow {
  servant_id: string;
  state: string;
  municipality: string;
}

export interface StatsCertificationRow {
  id: string;
  servant_id: string;
  /** Earliest business time among the stream's events. */
  started_at: string;
}

export interface StatsCertificateRow {
  folio: string;
  servant_id: string;
  certification_id: string;
  standard_code: string;
  state: string;
  municipality: string;
  department: string;
  regime: EmploymentRegime;
  issued_at: string;
  valid_until: string | null;
  revoked_at: string | null;
}

export interface StatsDailyRow {
  /** '' for every state. */
  state: string;
  /** '' for the whole state (or everything). */
  municipality: string;
  metric: string;
  /** '' for metrics without a breakdown. */
  key: string;
  day: string;
  delta: number;
}

export interface StatisticsTables {
  [STATS_SERVANTS_TABLE]: StatsServantRow;
  [STATS_CERTIFICATIONS_TABLE]: StatsCertificationRow;
  [STATS_CERTIFICATES_TABLE]: StatsCertificateRow;
  [STATS_DAILY_TABLE]: StatsDailyRow;
}

export async function migrateStatistics(db: ReadDatabase, dialect: SqlDialect): Promise<void> {
  await db.schema
    .createTable(STATS_SERVANTS_TABLE)
    .ifNotExists()
    .addColumn('servant_id', 'text', (c) => c.primaryKey())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('municipality', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(STATS_CERTIFICATIONS_TABLE)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('servant_id', 'text', (c) => c.notNull())
    .addColumn('started_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(STATS_CERTIFICATES_TABLE)
    .ifNotExists()
    .addColumn('folio', 'text', (c) => c.primaryKey())
    .addColumn('servant_id', 'text', (c) => c.notNull())
    .addColumn('certification_id', 'text', (c) => c.notNull())
    .addColumn('standard_code', 'text', (c) => c.notNull())
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('municipality', 'text', (c) => c.notNull())
    .addColumn('department', 'text', (c) => c.notNull())
    .addColumn('regime', 'text', (c) => c.notNull())
    .addColumn('issued_at', 'text', (c) => c.notNull())
    .addColumn('valid_until', 'text')
    .addColumn('revoked_at', 'text')
    .execute();
  for (const table of [STATS_CERTIFICATIONS_TABLE, STATS_CERTIFICATES_TABLE]) {
    await db.schema.createIndex(`${table}_servant`).ifNotExists().on(table).column('servant_id').execute();
  }
  await db.schema
    .createTable(STATS_DAILY_TABLE)
    .ifNotExists()
    .addColumn('state', 'text', (c) => c.notNull())
    .addColumn('municipality', 'text', (c) => c.notNull())
    .addColumn('metric', 'text', (c) => c.notNull())
    .addColumn('key', 'text', (c) => c.notNull())
    .addColumn('day', 'text', (c) => c.notNull())
    .addColumn('delta', 'integer', (c) => c.notNull())
    // Serves certificationStats: one scope, every metric, days up to asOf.
    .addPrimaryKeyConstraint('rm_stats_daily_pk', ['state', 'municipality', 'metric', 'key', 'day'])
    // So that query reads delta without a table lookup per row.
    .$call(withoutRowidOn(dialect))
    .execute();
  // Serves ranking (one metric across municipalities) and certifiedCountsByStandard.
  await db.schema
    .createIndex('rm_stats_daily_metric')
    .ifNotExists()
    .on(STATS_DAILY_TABLE)
    .columns(['metric', 'key', 'state', 'municipality', 'day'])
    .execute();
  // Changes that cancel out are deleted, so the table only holds real changes.
  await db.schema
    .createIndex('rm_stats_daily_zero')
    .ifNotExists()
    .on(STATS_DAILY_TABLE)
    .column('day')
    .where(sql.ref('delta'), '=', 0)
    .execute();
}
