/**
 * The body of a crash test's child process: project `projections` from the
 * store at STORE_URL (STORE_SCHEMA on PostgreSQL) in batches of BATCH_SIZE
 * until killed with SIGKILL. Prints "ready" once it runs; logs go to stderr.
 */
import pino from 'pino';
import { createEventStore } from '../../src/eventstore/factory.js';
import { SqliteEventStore } from '../../src/eventstore/sqlite.js';
import { openReadDatabase } from '../../src/projections/database.js';
import type { Projection } from '../../src/projections/projection.js';
import { ProjectionRunner } from '../../src/projections/runner.js';

export async function projectUntilKilled(projections: Projection[]): Promise<void> {
  const url = process.env.STORE_URL!;
  const schema = process.env.STORE_SCHEMA || undefined;
  const store = await createEventStore(url, { schema });
  const read = await openReadDatabase(url, { schema });
  const runner = new ProjectionRunner({
    store,
    db: read.db,
    dialect: read.dialect,
    projections,
    writeLock: store instanceof SqliteEventStore ? (section) => store.withWriteLock(section) : undefined,
    logger: pino({ level: 'warn' }, pino.destination(2)),
    batchSize: Number(process.env.BATCH_SIZE ?? 50),
    lockCheckMs: 100,
  });
  await runner.start();
  process.stdout.write('ready\n');
}
