/**
 * At most one runner per projection across processes. A runner that does not
 * get a projection's lock leaves it to the holder and only reads its checkpoint.
 * The locks save work; correctness does not hang on them: every checkpoint move
 * is a compare-and-set (checkpoints.ts), so even two runners never apply a batch twice.
 */
import { sql } from 'kysely';
import { AdvisoryLocks } from './advisory-locks.js';
import { LockFiles } from './lock-files.js';
import type { ReadDatabase, SqlDialect } from './projection.js';

export interface ProjectionLocks {
  /** True when this process holds (now or already) the lock of projection `name`. */
  tryAcquire(name: string): Promise<boolean>;
  /** Renews the held locks; returns the names this process no longer holds. */
  verify(): Promise<string[]>;
  releaseAll(): Promise<void>;
}

export async function openProjectionLocks(db: ReadDatabase, dialect: SqlDialect): Promise<ProjectionLocks> {
  if (dialect === 'postgres') return new AdvisoryLocks(db);
  const { rows } = await sql<{ file: string }>`select file from pragma_database_list where name = 'main'`.execute(db);
  const file = rows[0]?.file;
  if (!file) throw new Error('Projection locks need a SQLite database file, not an in-memory database');
  return new LockFiles(file);
}
