import type BetterSqlite3 from 'better-sqlite3';
import { BusinessRuleError } from '../domain/shared/errors.js';
import type { DataKeyStore } from './data-key-store.js';

type WriteLock = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Data keys in the SQLite file, in their own tables (never in the event log).
 * Writes go through the store's write lock so they never wait on a read-model
 * transaction of this process; secure_delete overwrites erased keys on disk.
 */
export class SqliteKeyStore implements DataKeyStore {
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly withWriteLock: WriteLock,
  ) {}

  async migrate(): Promise<void> {
    await this.withWriteLock(async () => {
      this.db.pragma('secure_delete = ON');
      this.db.exec(`
        CREATE TABLE IF NOT EXISTS personal_data_keys (servant_id TEXT PRIMARY KEY, wrapped_key BLOB NOT NULL);
        CREATE TABLE IF NOT EXISTS erased_personal_data_keys (servant_id TEXT PRIMARY KEY, erased_at TEXT NOT NULL);
      `);
    });
  }

  async get(servantId: string): Promise<Buffer | null> {
    const row = this.db.prepare('SELECT wrapped_key FROM personal_data_keys WHERE servant_id = ?').get(servantId) as
      | { wrapped_key: Buffer }
      | undefined;
    return row?.wrapped_key ?? null;
  }

  async putIfAbsent(servantId: string, wrapped: Buffer): Promise<Buffer> {
    return this.withWriteLock(async () => {
      const erased = this.db.prepare('SELECT 1 FROM erased_personal_data_keys WHERE servant_id = ?').get(servantId);
      if (erased) throw new BusinessRuleError('PERSONAL_DATA_ERASED', 'This servant’s personal data was erased');
      this.db.prepare('INSERT OR IGNORE INTO personal_data_keys (servant_id, wrapped_key) VALUES (?, ?)').run(servantId, wrapped);
      return (await this.get(servantId)) as Buffer;
    });
  }

  async erase(servantId: string): Promise<void> {
    await this.withWriteLock(async () => {
      this.db.transaction(() => {
        this.db.prepare('DELETE FROM personal_data_keys WHERE servant_id = ?').run(servantId);
        this.db
          .prepare('INSERT OR IGNORE INTO erased_personal_data_keys (servant_id, erased_at) VALUES (?, ?)')
          .run(servantId, new Date().toISOString());
      })();
      // Push the overwritten pages out of the WAL into the main file now.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }
}
