/**
 * Projection specs run against both read-model dialects: a real SQLite file in a
 * temp folder and a fresh PostgreSQL schema, both opened by openReadDatabase.
 */
import { afterAll, beforeAll, beforeEach, describe } from 'vitest';
import type { Projection, ReadDatabase, SqlDialect } from '../../src/projections/projection.js';
import { openReadDatabase } from '../../src/projections/database.js';
import { SqlReadModel } from '../../src/projections/sql-read-model.js';
import type { RecordedEvent } from '../../src/eventstore/types.js';
import { postgresTestSchema } from '../support/postgres.js';
import { temporarySqliteFile } from '../support/sqlite.js';
import { untyped } from './fixtures/projections.js';

export const DIALECTS: readonly SqlDialect[] = ['sqlite', 'postgres'];

export interface ReadFixture {
  db: ReadDatabase;
  dialect: SqlDialect;
  close(): Promise<void>;
}

/** Null only when PostgreSQL is unreachable outside CI (postgresTestSchema warns). */
export async function openReadFixture(dialect: SqlDialect): Promise<ReadFixture | null> {
  if (dialect === 'sqlite') {
    const file = await temporarySqliteFile('read.sqlite');
    const store = await openReadDatabase(`sqlite:${file.path}`);
    return { db: store.db, dialect, close: async () => (await store.close(), await file.remove()) };
  }
  const schema = await postgresTestSchema();
  if (!schema) return null;
  const store = await openReadDatabase(schema.url, { schema: schema.schema, maxConnections: 4 });
  return { db: store.db, dialect, close: async () => (await store.close(), await schema.drop()) };
}

/** Applies `events` in batches of `batchSize`, one transaction per batch, like the runner. */
export async function project(
  db: ReadDatabase,
  projections: readonly Projection[],
  events: readonly RecordedEvent[],
  batchSize = events.length,
): Promise<void> {
  for (let i = 0; i < events.length; i += Math.max(1, batchSize)) {
    const batch = events.slice(i, i + Math.max(1, batchSize));
    await db.transaction().execute(async (trx) => {
      for (const projection of projections) await projection.apply(trx, batch);
    });
  }
}

/**
 * One describe per dialect. `projections` are migrated once and emptied before
 * each test; a test on an unreachable PostgreSQL (outside CI) is skipped.
 */
export function forEachDialect(
  makeProjections: () => readonly Projection[],
  body: (context: { fixture: () => ReadFixture; projections: readonly Projection[] }) => void,
): void {
  describe.each(DIALECTS)('%s', (dialect) => {
    let fixture: ReadFixture | null = null;
    const projections = makeProjections();
    beforeAll(async () => {
      fixture = await openReadFixture(dialect);
      for (const projection of projections) if (fixture) await projection.migrate(fixture.db, dialect);
    });
    afterAll(async () => {
      await fixture?.close();
    });
    beforeEach(async (context) => {
      if (!fixture) return context.skip();
      await emptyTables(fixture.db, projections);
    });
    body({ fixture: () => fixture!, projections });
  });
}

/** Deletes every row of the projections' tables, in one transaction. */
export async function emptyTables(db: ReadDatabase, projections: readonly Projection[]): Promise<void> {
  await db.transaction().execute(async (trx) => {
    for (const table of projections.flatMap((projection) => projection.tables)) await untyped(trx).deleteFrom(table).execute();
  });
}

/** The ReadModel over a fixture; specs project synchronously, so there is nothing to wait for. */
export function readModelOf(fixture: ReadFixture, now?: () => Date): SqlReadModel {
  return new SqlReadModel({
    db: fixture.db,
    dialect: fixture.dialect,
    runner: { status: async () => [], waitFor: async () => {} },
    now,
  });
}
