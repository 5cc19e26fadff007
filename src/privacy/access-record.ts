/**
 * The personal-data access record a public body must be able to show
 * (LGPDPPSO): each time a servant's CURP was shown to someone, who, when,
 * which servant, through which operation and request. It names the servant by
 * id only, never the CURP or the name, so an erasure leaves it as it is and it
 * reveals nothing the erasure removed. Kept next to the read models (not in
 * the event log: it records reads, not facts of the domain), outside every
 * projection, so no rebuild touches it.
 */
import type { Generated } from 'kysely';
import type { ReadDatabase, SqlDialect } from '../projections/projection.js';
import { noWriteLock, type WriteLock } from '../projections/transaction.js';

export interface PersonalDataAccess {
  at: Date;
  /** Token subject, or the CLI user. */
  actor: string;
  role: string;
  servantId: string;
  /** GraphQL operation name, or the CLI command. */
  operation: string | null;
  requestId: string;
}

export interface RecordedAccess extends PersonalDataAccess {
  /** Grows with every entry: the record's own order, newest highest. */
  sequence: number;
}

export interface AccessTables {
  personal_data_access: {
    sequence: Generated<number>;
    at: string;
    actor: string;
    role: string;
    servant_id: string;
    operation: string | null;
    request_id: string;
  };
}

export interface AccessRecordOptions {
  /** Where entries are written: on SQLite sharing the events' file, the events' connection. */
  writeDb: ReadDatabase;
  readDb: ReadDatabase;
  dialect: SqlDialect;
  writeLock?: WriteLock;
}

export class PersonalDataAccessRecord {
  private readonly writeDb: ReadDatabase;
  private readonly readDb: ReadDatabase;
  private readonly writeLock: WriteLock;

  constructor(private readonly options: AccessRecordOptions) {
    this.writeDb = options.writeDb;
    this.readDb = options.readDb;
    this.writeLock = options.writeLock ?? noWriteLock;
  }

  async migrate(): Promise<void> {
    const sqlite = this.options.dialect === 'sqlite';
    await this.writeLock(async () => {
      await this.writeDb.schema
        .createTable('personal_data_access')
        .ifNotExists()
        .addColumn('sequence', sqlite ? 'integer' : 'bigserial', (column) => (sqlite ? column.primaryKey().autoIncrement() : column.primaryKey()))
        .addColumn('at', 'text', (column) => column.notNull())
        .addColumn('actor', 'text', (column) => column.notNull())
        .addColumn('role', 'text', (column) => column.notNull())
        .addColumn('servant_id', 'text', (column) => column.notNull())
        .addColumn('operation', 'text')
        .addColumn('request_id', 'text', (column) => column.notNull())
        .execute();
      await this.writeDb.schema.createIndex('personal_data_access_by_servant').ifNotExists().on('personal_data_access').columns(['servant_id', 'sequence']).execute();
    });
  }

  async record(entries: readonly PersonalDataAccess[]): Promise<void> {
    if (entries.length === 0) return;
    const rows = entries.map((entry) => ({
      at: entry.at.toISOString(),
      actor: entry.actor,
      role: entry.role,
      servant_id: entry.servantId,
      operation: entry.operation,
      request_id: entry.requestId,
    }));
    await this.writeLock(() => this.writeDb.insertInto('personal_data_access').values(rows).execute());
  }

  /** Newest first; `before` is a sequence from an earlier page (exclusive). */
  async list(filter: { servantId?: string | null }, page: { before?: number | null; limit: number }): Promise<RecordedAccess[]> {
    let query = this.readDb.selectFrom('personal_data_access').selectAll().orderBy('sequence', 'desc').limit(page.limit);
    if (filter.servantId) query = query.where('servant_id', '=', filter.servantId);
    if (page.before !== null && page.before !== undefined) query = query.where('sequence', '<', page.before);
    const rows = await query.execute();
    return rows.map((row) => ({
      sequence: Number(row.sequence),
      at: new Date(row.at),
      actor: row.actor,
      role: row.role,
      servantId: row.servant_id,
      operation: row.operation,
      requestId: row.request_id,
    }));
  }
}
