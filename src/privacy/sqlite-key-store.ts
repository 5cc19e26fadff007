import type BetterSqlite3 from 'better-sqlite3';
import { BusinessRuleError } from '../domain/shared/errors.js';
import type { CurpClaim } from '../domain/servants/personal-data.js';
import type { CurpClaimRequest, DataKeyStore, LegacyClaimBatch } from './data-key-store.js';

type WriteLock = <T>(fn: () => Promise<T>) => Promise<T>;

/**
 * Data keys and CURP claims in the SQLite file, in their own tables (never in the event log).
 * Writes go through the store's write lock so they never wait on a read-model
 * transaction of this process; secure_delete overwrites erased keys and claims on disk.
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
        CREATE TABLE IF NOT EXISTS curp_claims (curp_digest TEXT PRIMARY KEY, servant_id TEXT NOT NULL, claimed_at TEXT NOT NULL);
        CREATE INDEX IF NOT EXISTS curp_claims_by_servant ON curp_claims (servant_id);
        CREATE TABLE IF NOT EXISTS legacy_curp_claims_import (id INTEGER PRIMARY KEY CHECK (id = 1), position TEXT NOT NULL, done INTEGER NOT NULL);
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
        statements.deleteClaims.run(servantId);
        statements.markErased.run(servantId, new Date().toISOString());
      })();
      // Push the overwritten pages out of the WAL into the main file now.
      this.db.pragma('wal_checkpoint(TRUNCATE)');
    });
  }

  async claimCurp(curpDigest: string, servantId: string, at: Date, wrapped: Buffer): Promise<CurpClaim & { wrappedKey: Buffer | null }> {
    const [holder] = await this.claimCurps([{ curpDigest, servantId, wrapped }], at);
    if (!holder) throw new BusinessRuleError('PERSONAL_DATA_ERASED', 'This servant’s personal data was erased');
    return holder;
  }

  async claimCurps(claims: readonly CurpClaimRequest[], at: Date): Promise<Array<(CurpClaim & { wrappedKey: Buffer | null }) | null>> {
    const statements = this.prepared();
    const claimedAt = at.toISOString();
    return this.withWriteLock(async () =>
      // One transaction: each claim and, when it is the servant's, its key.
      this.db.transaction(() =>
        claims.map(({ curpDigest, servantId, wrapped }) => {
          statements.claim.run(curpDigest, servantId, claimedAt, servantId);
          const holder = statements.holder.get(curpDigest);
          if (!holder) return null;
          const own = holder.servant_id === servantId;
          const wrappedKey = own ? (statements.insertUnlessErased.get(servantId, wrapped, servantId) ?? statements.get.get(servantId) ?? null) : null;
          return { servantId: holder.servant_id, claimedAt: new Date(holder.claimed_at), wrappedKey };
        }),
      )(),
    );
  }

  async takeOverCurp(curpDigest: string, holder: string, servantId: string, at: Date): Promise<boolean> {
    const statements = this.prepared();
    return this.withWriteLock(async () => statements.takeOver.run(servantId, at.toISOString(), curpDigest, holder).changes === 1);
  }

  async importLegacyClaims(batch: LegacyClaimBatch): Promise<void> {
    const statements = this.prepared();
    await this.withWriteLock(async () => {
      // IMMEDIATE: another process's erasure cannot slip between the erased check and the insert.
      this.db
        .transaction(() => {
          for (const claim of batch.claims) {
            statements.importClaim.run(claim.curpDigest, claim.servantId, claim.claimedAt.toISOString(), claim.servantId);
          }
          for (const servantId of batch.erased) statements.deleteClaims.run(servantId);
          statements.saveImport.run(String(batch.position), batch.done ? 1 : 0);
        })
        .immediate();
    });
  }

  async legacyImportProgress(): Promise<{ position: bigint; done: boolean } | null> {
    const row = this.prepared().importProgress.get();
    return row ? { position: BigInt(row.position), done: row.done === 1 } : null;
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
    claim: db.prepare<[string, string, string, string]>(
      `INSERT INTO curp_claims (curp_digest, servant_id, claimed_at)
       SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM erased_personal_data_keys WHERE servant_id = ?)
       ON CONFLICT (curp_digest) DO NOTHING`,
    ),
    holder: db.prepare<[string], { servant_id: string; claimed_at: string }>('SELECT servant_id, claimed_at FROM curp_claims WHERE curp_digest = ?'),
    takeOver: db.prepare<[string, string, string, string]>('UPDATE curp_claims SET servant_id = ?, claimed_at = ? WHERE curp_digest = ? AND servant_id = ?'),
    deleteClaims: db.prepare<[string]>('DELETE FROM curp_claims WHERE servant_id = ?'),
    // A later claim of the same CURP in the log took an abandoned one over: the latest wins.
    importClaim: db.prepare<[string, string, string, string]>(
      `INSERT INTO curp_claims (curp_digest, servant_id, claimed_at)
       SELECT ?, ?, ? WHERE NOT EXISTS (SELECT 1 FROM erased_personal_data_keys WHERE servant_id = ?)
       ON CONFLICT (curp_digest) DO UPDATE SET servant_id = excluded.servant_id, claimed_at = excluded.claimed_at
       WHERE excluded.claimed_at >= curp_claims.claimed_at`,
    ),
    saveImport: db.prepare<[string, number]>(
      `INSERT INTO legacy_curp_claims_import (id, position, done) VALUES (1, ?, ?)
       ON CONFLICT (id) DO UPDATE SET position = excluded.position, done = excluded.done`,
    ),
    importProgress: db.prepare<[], { position: string; done: number }>('SELECT position, done FROM legacy_curp_claims_import WHERE id = 1'),
  };
}
