/**
 * The same-run baselines: plain SQL on the same database, same pragmas (SQLite:
 * WAL, synchronous=NORMAL) or the same server, into a copy of the events table
 * with the same columns and indexes. No hashing, no checks, no JSON encoding
 * beyond what the rows already hold.
 */
import Database from 'better-sqlite3';
import pg from 'pg';
import type { BenchDatabase } from './backend.js';
import { DATABASE_URL } from './backend.js';

/** An events row as stored, without the columns the database assigns. */
export type RawRow = Record<string, unknown>;

export interface RawSql {
  /**
   * Creates bench_raw_events like events (columns, constraints, indexes) holding
   * the log's rows up to `through` (not timed), so a baseline inserts into indexes
   * as large as the ones the store inserts into.
   */
  createCopyTable(through: bigint): Promise<void>;
  /** One single-row insert in its own transaction. */
  insertOne(row: RawRow): Promise<void>;
  /** One multi-row insert statement in its own transaction. */
  insertMany(rows: RawRow[]): Promise<void>;
  /** Rows of the events table (data and metadata as JSON text, plus position), for baselines that insert "the same rows". */
  eventRows(after: bigint, limit: number): Promise<RawRow[]>;
  /** Reads the whole events table in position order in pages and JSON-decodes data and metadata; returns the count. */
  scanDecoded(pageSize: number): Promise<number>;
  /**
   * Writes every read-model table's rows (`rm_*`) again, with SQL alone, into
   * empty twins with the same columns, keys and indexes, in one transaction that
   * is then rolled back: what writing the rebuilt rows costs the database, with no
   * event read, no JavaScript and each row written once. Returns the rows written.
   */
  rewriteReadModels(): Promise<number>;
  close(): Promise<void>;
}

const ASSIGNED = new Set(['position', 'transaction_id']);
const COPY = 'bench_raw_events';

export async function openRawSql(bench: BenchDatabase): Promise<RawSql> {
  return bench.backend === 'sqlite' ? sqliteRaw(bench.path!) : postgresRaw(bench.config.databaseSchema);
}

function sqliteRaw(path: string): RawSql {
  const db = new Database(path);
  db.pragma('busy_timeout = 5000');
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('secure_delete = ON');
  // The store flushes its WAL in a worker thread, never inside a commit; the baselines do
  // not flush at all while timed (the strictest reading of "same pragmas").
  db.pragma('wal_autocheckpoint = 0');
  const columns = (db.pragma('table_info(events)') as { name: string }[]).map((c) => c.name).filter((name) => !ASSIGNED.has(name));
  const list = columns.join(', ');
  const placeholders = (n: number) => Array.from({ length: n }, () => `(${columns.map(() => '?').join(', ')})`).join(', ');
  const values = (rows: RawRow[]) => rows.flatMap((row) => columns.map((c) => row[c] ?? null));
  const many = new Map<number, Database.Statement>();
  let one: Database.Statement | null = null;
  return {
    async createCopyTable(through) {
      db.exec(`drop table if exists ${COPY}`);
      createTwin(db, 'events', COPY);
      db.prepare(`insert into ${COPY} (${list}) select ${list} from events where position <= ? order by position`).run(through);
      // The copy's pages go to the file now, not in a WAL flush inside the first timed commit.
      db.pragma('wal_checkpoint(TRUNCATE)');
      one = db.prepare(`insert into ${COPY} (${list}) values ${placeholders(1)}`);
    },
    async insertOne(row) {
      db.transaction(() => one!.run(values([row]))).immediate();
    },
    async insertMany(rows) {
      let statement = many.get(rows.length);
      if (!statement) many.set(rows.length, (statement = db.prepare(`insert into ${COPY} (${list}) values ${placeholders(rows.length)}`)));
      db.transaction(() => statement!.run(values(rows))).immediate();
    },
    async eventRows(after, limit) {
      return db.prepare(`select position, ${list} from events where position > ? order by position limit ?`).all(after, limit) as RawRow[];
    },
    async scanDecoded(pageSize) {
      const page = db.prepare<[bigint, number], { position: bigint; data: string; metadata: string }>(
        `select position, ${list} from events where position > ? order by position limit ?`,
      ).safeIntegers(true);
      let count = 0;
      for (let after = 0n; ; ) {
        const rows = page.all(after, pageSize);
        if (rows.length === 0) return count;
        for (const row of rows) {
          JSON.parse(row.data);
          JSON.parse(row.metadata);
        }
        count += rows.length;
        after = rows[rows.length - 1].position;
      }
    },
    async rewriteReadModels() {
      const tables = db.prepare<[], { name: string }>("select name from sqlite_master where type = 'table' and name like 'rm\\_%' escape '\\'").all();
      let written = 0;
      db.exec('begin immediate');
      try {
        for (const { name } of tables) {
          const twin = `${name}_twin`;
          createTwin(db, name, twin);
          written += Number(db.prepare(`insert into ${twin} select * from ${name}`).run().changes);
        }
      } finally {
        db.exec('rollback');
      }
      return written;
    },
    async close() {
      db.close();
    },
  };
}

/** Creates `twin` with `table`'s columns, constraints and indexes (each index named after the twin). */
function createTwin(db: Database.Database, table: string, twin: string): void {
  const ddl = db.prepare<[string], { sql: string }>('select sql from sqlite_master where tbl_name = ? and sql is not null order by type desc').all(table);
  for (const { sql } of ddl) {
    db.exec(
      sql
        .replace(new RegExp(`\\b${table}\\b`, 'g'), twin)
        .replace(/\bindex (if not exists )?"?(\w+)"?/i, (_m, ine = '', index) => `index ${ine}"${twin}_${index}"`),
    );
  }
}

async function postgresRaw(schema: string): Promise<RawSql> {
  const client = new pg.Client({ connectionString: DATABASE_URL });
  await client.connect();
  const { rows: cols } = await client.query<{ column_name: string; data_type: string }>(
    `select column_name, data_type from information_schema.columns where table_schema = $1 and table_name = 'events' order by ordinal_position`,
    [schema],
  );
  const columns = cols.map((c) => c.column_name).filter((name) => !ASSIGNED.has(name));
  const list = columns.join(', ');
  const events = `"${schema}".events`;
  const copy = `"${schema}".${COPY}`;
  const insert = (rows: RawRow[]) => {
    const params = rows.flatMap((row) => columns.map((c) => row[c] ?? null));
    const tuples = rows.map((_, r) => `(${columns.map((_c, i) => `$${r * columns.length + i + 1}`).join(', ')})`).join(', ');
    return client.query(`insert into ${copy} (${list}) values ${tuples}`, params);
  };
  return {
    async createCopyTable(through) {
      await client.query(`drop table if exists ${copy}`);
      await client.query(`create table ${copy} (like ${events} including all)`);
      await client.query(`insert into ${copy} (${list}) select ${list} from ${events} where position <= $1 order by events.position`, [through.toString()]);
    },
    async insertOne(row) {
      // Autocommit: one statement is one transaction (one round trip).
      await insert([row]);
    },
    async insertMany(rows) {
      await insert(rows);
    },
    async eventRows(after, limit) {
      // JSON as text, as an application would send it back.
      const select = columns.map((c) => (c === 'data' || c === 'metadata' ? `${c}::text as ${c}` : c)).join(', ');
      const { rows } = await client.query(`select position::text as position, ${select} from ${events} where position > $1 order by events.position limit $2`, [after.toString(), limit]);
      return rows;
    },
    async scanDecoded(pageSize) {
      // pg decodes jsonb columns with JSON.parse.
      let count = 0;
      for (let after = '0'; ; ) {
        const { rows } = await client.query<{ position: string }>(`select position::text as position, ${list} from ${events} where position > $1 order by events.position limit $2`, [after, pageSize]);
        if (rows.length === 0) return count;
        count += rows.length;
        after = rows[rows.length - 1].position;
      }
    },
    async rewriteReadModels() {
      const { rows: tables } = await client.query<{ name: string }>(
        "select table_name as name from information_schema.tables where table_schema = $1 and table_name like 'rm\\_%'",
        [schema],
      );
      let written = 0;
      await client.query('begin');
      try {
        for (const { name } of tables) {
          await client.query(`create table "${schema}"."${name}_twin" (like "${schema}"."${name}" including all)`);
          written += (await client.query(`insert into "${schema}"."${name}_twin" select * from "${schema}"."${name}"`)).rowCount ?? 0;
        }
      } finally {
        await client.query('rollback');
      }
      return written;
    },
    async close() {
      await client.end();
    },
  };
}
