import type pg from 'pg';
import { BusinessRuleError } from '../domain/shared/errors.js';
import type { CurpClaim } from '../domain/servants/personal-data.js';
import type { CurpClaimRequest, DataKeyStore, LegacyClaimBatch } from './data-key-store.js';

export interface PostgresKeyStoreOptions {
  /**
   * The events are in another database (KurrentDB): a key or claim commit may
   * then not be relaxed, since no later commit of an event in this database
   * flushes it (see putIfAbsent). Default false: the events are here.
   */
  eventsElsewhere?: boolean;
}

/** Data keys and CURP claims in PostgreSQL, in their own tables of the given schema (never in the event log). */
export class PostgresKeyStore implements DataKeyStore {
  private readonly keys: string;
  private readonly erased: string;
  private readonly claims: string;
  private readonly legacyImport: string;
  /** Taken by erasures and by each legacy-import batch, so neither sees the other half done. */
  private readonly claimsLock: string;
  private readonly commitMode: 'on' | 'off';

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
    options: PostgresKeyStoreOptions = {},
  ) {
    const quoted = `"${schema.replace(/"/g, '""')}"`;
    this.keys = `${quoted}.personal_data_keys`;
    this.erased = `${quoted}.erased_personal_data_keys`;
    this.claims = `${quoted}.curp_claims`;
    this.legacyImport = `${quoted}.legacy_curp_claims_import`;
    this.claimsLock = `${schema}.curp_claims`;
    this.commitMode = options.eventsElsewhere ? 'on' : 'off';
  }

  async migrate(): Promise<void> {
    await this.pool.query(`
      CREATE TABLE IF NOT EXISTS ${this.keys} (servant_id TEXT PRIMARY KEY, wrapped_key BYTEA NOT NULL);
      CREATE TABLE IF NOT EXISTS ${this.erased} (servant_id TEXT PRIMARY KEY, erased_at TIMESTAMPTZ NOT NULL DEFAULT now());
      CREATE TABLE IF NOT EXISTS ${this.claims} (curp_digest TEXT PRIMARY KEY, servant_id TEXT NOT NULL, claimed_at TIMESTAMPTZ NOT NULL);
      CREATE INDEX IF NOT EXISTS curp_claims_by_servant ON ${this.claims} (servant_id);
      CREATE TABLE IF NOT EXISTS ${this.legacyImport} (id INT PRIMARY KEY CHECK (id = 1), position BIGINT NOT NULL, done BOOLEAN NOT NULL);
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
       FROM (SELECT set_config('synchronous_commit', $3, true)) AS relaxed`,
      [servantId, wrapped, this.commitMode],
    );
    const row = rows[0];
    if (row?.erased) throw new BusinessRuleError('PERSONAL_DATA_ERASED', 'This servant’s personal data was erased');
    // A concurrent insert committed after this statement's snapshot: read it now.
    const stored = row?.wrapped_key ?? (await this.getMany([servantId])).get(servantId);
    if (!stored) throw new Error(`data key for servant ${servantId} could not be stored`);
    return stored;
  }

  async erase(servantId: string): Promise<void> {
    await this.inClaimsLock(async (client) => {
      await client.query(
        `WITH gone AS (DELETE FROM ${this.keys} WHERE servant_id = $1),
              released AS (DELETE FROM ${this.claims} WHERE servant_id = $1)
         INSERT INTO ${this.erased} (servant_id) VALUES ($1) ON CONFLICT (servant_id) DO NOTHING`,
        [servantId],
      );
    });
    // Rewrite both tables so the deleted key's and claim's bytes leave the data files.
    await this.pool.query(`VACUUM FULL ${this.keys}`);
    await this.pool.query(`VACUUM FULL ${this.claims}`);
  }

  async claimCurp(curpDigest: string, servantId: string, at: Date, wrapped: Buffer): Promise<CurpClaim & { wrappedKey: Buffer | null }> {
    const [holder] = await this.claimCurps([{ curpDigest, servantId, wrapped }], at);
    if (!holder) throw new BusinessRuleError('PERSONAL_DATA_ERASED', 'This servant’s personal data was erased');
    return holder;
  }

  /**
   * Relaxed commit as putIfAbsent's, for the same reason: a claim matters
   * only once the registration after it commits, which flushes the WAL past it.
   */
  async claimCurps(claims: readonly CurpClaimRequest[], at: Date): Promise<Array<(CurpClaim & { wrappedKey: Buffer | null }) | null>> {
    if (claims.length === 0) return [];
    // One statement: the claims and, for each that is the servant's, its key (one round trip for all).
    // The CTEs' inserts are not visible to the statement's own reads: each holder is the inserted row or the one read.
    const { rows } = await this.pool.query<{ n: string; servant_id: string | null; claimed_at: Date | null; wrapped_key: Buffer | null }>(
      `WITH relaxed AS MATERIALIZED (SELECT set_config('synchronous_commit', $5, true)),
       wanted AS (
         SELECT * FROM unnest($1::text[], $2::text[], $4::bytea[]) WITH ORDINALITY AS t(curp_digest, claimant, wrapped, n)),
       inserted AS (
         INSERT INTO ${this.claims} (curp_digest, servant_id, claimed_at)
         SELECT w.curp_digest, w.claimant, $3 FROM wanted w, relaxed
         WHERE NOT EXISTS (SELECT 1 FROM ${this.erased} e WHERE e.servant_id = w.claimant)
         ON CONFLICT (curp_digest) DO NOTHING
         RETURNING curp_digest, servant_id, claimed_at),
       holder AS (
         SELECT w.n, w.claimant, w.wrapped, COALESCE(i.servant_id, c.servant_id) AS servant_id, COALESCE(i.claimed_at, c.claimed_at) AS claimed_at
         FROM wanted w
         LEFT JOIN inserted i ON i.curp_digest = w.curp_digest
         LEFT JOIN ${this.claims} c ON c.curp_digest = w.curp_digest),
       stored AS (
         INSERT INTO ${this.keys} (servant_id, wrapped_key)
         SELECT claimant, wrapped FROM holder WHERE servant_id = claimant
         ON CONFLICT (servant_id) DO NOTHING
         RETURNING servant_id, wrapped_key)
       SELECT h.n::text AS n, h.servant_id, h.claimed_at,
              CASE WHEN h.servant_id = h.claimant THEN COALESCE(s.wrapped_key, k.wrapped_key) END AS wrapped_key
       FROM holder h
       LEFT JOIN stored s ON s.servant_id = h.claimant
       LEFT JOIN ${this.keys} k ON k.servant_id = h.claimant
       ORDER BY h.n`,
      [claims.map((c) => c.curpDigest), claims.map((c) => c.servantId), at, claims.map((c) => c.wrapped), this.commitMode],
    );
    return Promise.all(
      claims.map(async ({ curpDigest, servantId }, k) => {
        const row = rows[k];
        if (row.servant_id !== null) {
          // A key a concurrent retry of this servant committed after this statement's snapshot: read it now.
          const wrappedKey = row.servant_id !== servantId ? null : (row.wrapped_key ?? (await this.getMany([servantId])).get(servantId) ?? null);
          return { servantId: row.servant_id, claimedAt: row.claimed_at!, wrappedKey };
        }
        // A concurrent claim committed after this statement's snapshot: read it now (it is another servant's).
        const holder = (await this.pool.query<{ servant_id: string; claimed_at: Date }>(`SELECT servant_id, claimed_at FROM ${this.claims} WHERE curp_digest = $1`, [curpDigest])).rows[0];
        return holder ? { servantId: holder.servant_id, claimedAt: holder.claimed_at, wrappedKey: null } : null;
      }),
    );
  }

  async takeOverCurp(curpDigest: string, holder: string, servantId: string, at: Date): Promise<boolean> {
    const { rowCount } = await this.pool.query(`UPDATE ${this.claims} SET servant_id = $1, claimed_at = $2 WHERE curp_digest = $3 AND servant_id = $4`, [
      servantId,
      at,
      curpDigest,
      holder,
    ]);
    return rowCount === 1;
  }

  async importLegacyClaims(batch: LegacyClaimBatch): Promise<void> {
    await this.inClaimsLock(async (client) => {
      // A later claim of the same CURP in the log took an abandoned one over: the latest wins.
      await client.query(
        `INSERT INTO ${this.claims} AS claims (curp_digest, servant_id, claimed_at)
         SELECT t.curp_digest, t.servant_id, t.claimed_at
         FROM unnest($1::text[], $2::text[], $3::timestamptz[]) AS t(curp_digest, servant_id, claimed_at)
         WHERE NOT EXISTS (SELECT 1 FROM ${this.erased} e WHERE e.servant_id = t.servant_id)
         ON CONFLICT (curp_digest) DO UPDATE SET servant_id = excluded.servant_id, claimed_at = excluded.claimed_at
         WHERE excluded.claimed_at >= claims.claimed_at`,
        [batch.claims.map((c) => c.curpDigest), batch.claims.map((c) => c.servantId), batch.claims.map((c) => c.claimedAt)],
      );
      await client.query(`DELETE FROM ${this.claims} WHERE servant_id = ANY($1::text[])`, [batch.erased]);
      await client.query(
        `INSERT INTO ${this.legacyImport} (id, position, done) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET position = excluded.position, done = excluded.done`,
        [String(batch.position), batch.done],
      );
    });
  }

  async legacyImportProgress(): Promise<{ position: bigint; done: boolean } | null> {
    const { rows } = await this.pool.query<{ position: string; done: boolean }>(`SELECT position, done FROM ${this.legacyImport} WHERE id = 1`);
    return rows[0] ? { position: BigInt(rows[0].position), done: rows[0].done } : null;
  }

  /** One transaction holding the claims lock (released at its end). */
  private async inClaimsLock(work: (client: pg.PoolClient) => Promise<void>): Promise<void> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [this.claimsLock]);
      await work(client);
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.release();
    }
  }
}
