/**
 * A process that keeps the tree, for crash.test.ts, killed with SIGKILL at
 * random points. Env: STORE_URL, STORE_SCHEMA (PostgreSQL), BATCH_SIZE.
 * Prints "ready" once it runs.
 */
import pino from 'pino';
import { createEventStore } from '../../../src/eventstore/factory.js';
import { SqliteEventStore } from '../../../src/eventstore/sqlite.js';
import { openReadDatabase } from '../../../src/projections/database.js';
import { ProjectionRunner } from '../../../src/projections/runner.js';
import { createTransparencyProjection } from '../../../src/transparency/projection.js';

const url = process.env.STORE_URL!;
const schema = process.env.STORE_SCHEMA || undefined;
const store = await createEventStore(url, { schema });
const read = await openReadDatabase(url, { schema });
const runner = new ProjectionRunner({
  store,
  db: read.db,
  dialect: read.dialect,
  projections: [createTransparencyProjection()],
  writeLock: store instanceof SqliteEventStore ? (section) => store.withWriteLock(section) : undefined,
  logger: pino({ level: 'warn' }, pino.destination(2)),
  batchSize: Number(process.env.BATCH_SIZE ?? 50),
  lockCheckMs: 100,
});
await runner.start();
process.stdout.write('ready\n');
