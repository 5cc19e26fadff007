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
  /** Prepared once the tables exist (migrate). */
  private statements: ReturnType<typeof prepare> | null = null;

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
    this.statements = prepare(this.db);
  }

  async getMany(servantIds: readonly string[]): Promise<Map<string, Buffer>> {
    // Synchronous look-ups on the primary key: no round trip to save.
    const { get } = this.prepared();
    const found = new Map<string, Buffer>();
    for (const servantId of servantIds) {
      const wrapped = get.get(servantId);
      if (wrapped) found.set(servantId, wrapped);
    }
    return found;
  }

  async putIfAbsent(servantId: string, wrapped: Buffer): Promise<Buffer> {
    const statements = this.prepared();
    return this.withWriteLock(async () => {
      // One statement for a new servant; the checks below only for a retry or an erased servant.
      const inserted = statements.insertUnlessErased.get(servantId, wrapped, servantId);
      if (inserted) return inserted;
      if (statements.erased.get(servantId)) throw new BusinessRuleError('PERSONAL_DATA_ERASED', 'This servant’s personal data was erased');
      return statements.get.get(servantId) as Buffer;
    });
  }

  async erase(servantId: string): Promise<void> {
    const statements = this.prepared();
    await this.withWriteLock(async () => {
      this.db.transaction(() => {
        statements.delete.run(servantId);
        statements.markErased.run(servantId, new Date().toISOString());
      })();
      // Push the overwritten pages out of the WAL into the main file now.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  private prepared() {
    if (!this.statements) throw new Error('SqliteKeyStore.migrate() must run first');
    return this.statements;
  }
}

function prepare(db: BetterSqlite3.Database) {
  return {
    get: db.prepare<[string], Buffer>('SELECT wrapped_key FROM personal_data_keys WHERE servant_id = ?').pluck(),
    insertUnlessErased: db
      .prepare<[string, Buffer, string], Buffer>(
        `INSERT INTO personal_data_keys (servant_id, wrapped_key)
         SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM erased_personal_data_keys WHERE servant_id = ?)
         ON CONFLICT (servant_id) DO NOTHING
         RETURNING wrapped_key`,
      )
      .pluck(),
    erased: db.prepare<[string], number>('SELECT 1 FROM erased_personal_data_keys WHERE servant_id = ?').pluck(),
    delete: db.prepare<[string]>('DELETE FROM personal_data_keys WHERE servant_id = ?'),
    markErased: db.prepare<[string, string]>('INSERT OR IGNORE INTO erased_personal_data_keys (servant_id, erased_at) VALUES (?, ?)'),
  };
}
