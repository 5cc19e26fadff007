import type pg from 'pg';
import { BusinessRuleError } from '../domain/shared/errors.js';
import type { DataKeyStore } from './data-key-store.js';

/** Data keys in PostgreSQL, in their own tables of the given schema (never in the event log). */
export class PostgresKeyStore implements DataKeyStore {
  private readonly keys: string;
  private readonly erased: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    const quoted = `"${schema.replace(/"/g, '""')}"`;
    this.keys = `${quoted}.personal_data_keys`;
    this.erased = `${quoted}.erased_personal_data_keys`;
  }

  async migrate(): Promise<void> {
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS ${this.keys} (servant_id TEXT PRIMARY KEY, wrapped_key BYTEA NOT NULL);
      CREATE TABLE IF NOT EXISTS ${this.erased} (servant_id TEXT PRIMARY KEY, erased_at TIMESTAMPTZ NOT NULL DEFAULT now());
    `);
  }

  async getMany(servantIds: readonly string[]): Promise<Map<string, Buffer>> {
    const { rows } = await this.pool.query<{ servant_id: string; wrapped_key: Buffer }>(
      `SELECT servant_id, wrapped_key FROM ${this.keys} WHERE servant_id = ANY($1::text[])`,
      [servantIds],
    );
    return new Map(rows.map((row) => [row.servant_id, row.wrapped_key]));
  }

  /**
   * Commits without waiting for its WAL flush (synchronous_commit off for this
   * statement alone). A key matters only once an event sealed with it is
   * committed, and that later commit waits for the WAL up to itself, which
   * holds this key's commit record before it: a crash can lose only a key that
   * nothing uses yet. One disk flush less per registration.
   */
  async putIfAbsent(servantId: string, wrapped: Buffer): Promise<Buffer> {
    const { rows } = await this.pool.query<{ wrapped_key: Buffer | null; erased: boolean }>(
      `WITH inserted AS (
         INSERT INTO ${this.keys} (servant_id, wrapped_key)
         SELECT $1, $2 WHERE NOT EXISTS (SELECT 1 FROM ${this.erased} WHERE servant_id = $1)
         ON CONFLICT (servant_id) DO NOTHING
         RETURNING wrapped_key)
       SELECT COALESCE((SELECT wrapped_key FROM inserted), (SELECT wrapped_key FROM ${this.keys} WHERE servant_id = $1)) AS wrapped_key,
              EXISTS (SELECT 1 FROM ${this.erased} WHERE servant_id = $1) AS erased
       FROM (SELECT set_config('synchronous_commit', 'off', true)) AS relaxed`,
      [servantId, wrapped],
    );
    const row = rows[0];
    if (row?.erased) throw new BusinessRuleError('PERSONAL_DATA_ERASED', 'This servant’s personal data was erased');
    // A concurrent insert committed after this statement's snapshot: read it now.
    const stored = row?.wrapped_key ?? (await this.getMany([servantId])).get(servantId);
    if (!stored) throw new Error(`data key for servant ${servantId} could not be stored`);
    return stored;
  }

  async erase(servantId: string): Promise<void> {
    await this.pool.query(
      `WITH gone AS (DELETE FROM ${this.keys} WHERE servant_id = $1)
       INSERT INTO ${this.erased} (servant_id) VALUES ($1) ON CONFLICT (servant_id) DO NOTHING`,
      [servantId],
    );
    // Rewrite the small key table so the deleted key's bytes leave the data files.
    await this.pool.query(`VACUUM FULL ${this.keys}`);
  }
}
