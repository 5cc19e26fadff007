/**
 * The webhooks' tables, next to the read models (the same database as the
 * events on SQLite and PostgreSQL, READ_STORE_URL with KurrentDB), so every
 * process sees the same registrations and deliveries and they survive restarts.
 * Not read models: a rebuild leaves them alone.
 */
import type { ReadDatabase } from '../../projections/projection.js';

export const ENDPOINTS_TABLE = 'webhook_endpoints';
export const DELIVERIES_TABLE = 'webhook_deliveries';
export const DISPATCH_TABLE = 'webhook_dispatch';
/** The one row of DISPATCH_TABLE: how far the log has been turned into deliveries. */
export const DISPATCH_ROW = 'log';

export interface EndpointRow {
  id: string;
  url: string;
  /** JSON array of event types; [] means all. */
  event_types: string;
  municipality: string | null;
  /** 1 or 0. */
  active: number;
  created_at: string;
  failures: number;
  /** The signing secret sealed with a key derived from MASTER_KEY (secrets.ts); never in the clear. */
  secret_sealed: string;
  created_by: string;
  command_id: string | null;
  /** Set by removeWebhook: the row stays so its deliveries keep their endpoint. */
  removed_at: string | null;
  /** The log's head at registration: only later events are delivered to it. */
  after_position_key: string;
}

export type DeliveryStatus = 'PENDING' | 'DELIVERED' | 'FAILED';

export interface DeliveryRow {
  id: string;
  webhook_id: string;
  event_id: string;
  /** Decimal text: the event's global position. */
  position: string;
  /** The position zero-padded, so text order is log order. */
  position_key: string;
  type: string;
  /** The exact JSON body signed and sent. */
  payload: string;
  attempts: number;
  status: DeliveryStatus;
  response_status: number | null;
  last_error: string | null;
  delivered_at: string | null;
  next_attempt_at: string | null;
  first_attempt_at: string | null;
  /** A process holds it until then while it sends (one sender per delivery). */
  lease_until: string | null;
  leased_by: string | null;
  created_at: string;
}

export interface DispatchRow {
  name: string;
  /** Decimal text: the global position of the last event turned into deliveries. */
  position: string;
}

export interface WebhookTables {
  [ENDPOINTS_TABLE]: EndpointRow;
  [DELIVERIES_TABLE]: DeliveryRow;
  [DISPATCH_TABLE]: DispatchRow;
}

export const positionKey = (position: bigint): string => position.toString().padStart(30, '0');

export async function migrateWebhooks(db: ReadDatabase): Promise<void> {
  await db.schema
    .createTable(ENDPOINTS_TABLE)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('url', 'text', (c) => c.notNull())
    .addColumn('event_types', 'text', (c) => c.notNull())
    .addColumn('municipality', 'text')
    .addColumn('active', 'integer', (c) => c.notNull())
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addColumn('failures', 'integer', (c) => c.notNull())
    .addColumn('secret_sealed', 'text', (c) => c.notNull())
    .addColumn('created_by', 'text', (c) => c.notNull())
    .addColumn('command_id', 'text', (c) => c.unique())
    .addColumn('removed_at', 'text')
    .addColumn('after_position_key', 'text', (c) => c.notNull())
    .execute();
  await db.schema
    .createTable(DELIVERIES_TABLE)
    .ifNotExists()
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('webhook_id', 'text', (c) => c.notNull())
    .addColumn('event_id', 'text', (c) => c.notNull())
    .addColumn('position', 'text', (c) => c.notNull())
    .addColumn('position_key', 'text', (c) => c.notNull())
    .addColumn('type', 'text', (c) => c.notNull())
    .addColumn('payload', 'text', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull())
    .addColumn('response_status', 'integer')
    .addColumn('last_error', 'text')
    .addColumn('delivered_at', 'text')
    .addColumn('next_attempt_at', 'text')
    .addColumn('first_attempt_at', 'text')
    .addColumn('lease_until', 'text')
    .addColumn('leased_by', 'text')
    .addColumn('created_at', 'text', (c) => c.notNull())
    .addUniqueConstraint('webhook_deliveries_once', ['webhook_id', 'event_id'])
    .execute();
  await db.schema.createIndex('webhook_deliveries_due').ifNotExists().on(DELIVERIES_TABLE).columns(['status', 'next_attempt_at']).execute();
  await db.schema.createIndex('webhook_deliveries_by_endpoint').ifNotExists().on(DELIVERIES_TABLE).columns(['webhook_id', 'position_key', 'id']).execute();
  await db.schema
    .createTable(DISPATCH_TABLE)
    .ifNotExists()
    .addColumn('name', 'text', (c) => c.primaryKey())
    .addColumn('position', 'text', (c) => c.notNull())
    .execute();
}
