/**
 * Webhook registrations and the delivery log, as ADMIN sees and changes them
 * (registerWebhook, removeWebhook, redeliverWebhook, webhooks, webhookDeliveries).
 */
import { randomUUID } from 'node:crypto';
import { BadUserInputError, ConflictError, NotFoundError } from '../../domain/shared/errors.js';
import type { EventStore } from '../../eventstore/types.js';
import type { ReadDatabase } from '../../projections/projection.js';
import { inWriteTransaction, type WriteLock } from '../../projections/transaction.js';
import { DELIVERABLE_TYPES, isKnownType } from './events.js';
import type { WebhookSecrets } from './secrets.js';
import { newWebhookSecret } from './signing.js';
import { DELIVERIES_TABLE, type DeliveryRow, type DeliveryStatus, ENDPOINTS_TABLE, type EndpointRow, positionKey } from './tables.js';
import { checkWebhookUrl } from './url-guard.js';

export interface WebhookView {
  id: string;
  url: string;
  eventTypes: string[];
  municipality: string | null;
  active: boolean;
  createdAt: string;
  failures: number;
}

export interface WebhookDeliveryView {
  id: string;
  eventId: string;
  position: string;
  type: string;
  attempts: number;
  status: DeliveryStatus;
  responseStatus: number | null;
  deliveredAt: string | null;
  nextAttemptAt: string | null;
}

export interface RegisterWebhook {
  url: string;
  eventTypes: string[];
  municipality?: string | null;
}

export interface DeliveryPage {
  items: WebhookDeliveryView[];
  endCursor: string | null;
  hasNextPage: boolean;
}

export interface WebhookRegistryOptions {
  db: ReadDatabase;
  writeLock: WriteLock;
  store: EventStore;
  secrets: WebhookSecrets;
  allowPrivate: boolean;
  /** Told when a delivery is queued again, so the sender looks at once. */
  onQueued?: () => void;
}

const MAX_EVENT_TYPES = 50;
const CURSOR = /^(\d{30}):([0-9a-f-]{36})$/;

export const toWebhookView = (row: EndpointRow): WebhookView => ({
  id: row.id,
  url: row.url,
  eventTypes: JSON.parse(row.event_types) as string[],
  municipality: row.municipality,
  active: row.active === 1,
  createdAt: row.created_at,
  failures: row.failures,
});

const toDeliveryView = (row: DeliveryRow): WebhookDeliveryView => ({
  id: row.id,
  eventId: row.event_id,
  position: row.position,
  type: row.type,
  attempts: row.attempts,
  status: row.status,
  responseStatus: row.response_status,
  deliveredAt: row.delivered_at,
  nextAttemptAt: row.next_attempt_at,
});

function checkEventTypes(types: string[]): string[] {
  if (types.length > MAX_EVENT_TYPES) throw new BadUserInputError(`At most ${MAX_EVENT_TYPES} event types`, 'eventTypes');
  const unknown = types.filter((type) => !isKnownType(type));
  if (unknown.length > 0) {
    throw new BadUserInputError(`Unknown event type ${JSON.stringify(unknown[0].slice(0, 80))}; known: ${DELIVERABLE_TYPES.join(', ')}`, 'eventTypes');
  }
  return [...new Set(types)];
}

function checkMunicipality(municipality: string | null | undefined): string | null {
  if (municipality == null) return null;
  const trimmed = municipality.trim();
  if (trimmed === '' || trimmed.length > 200) throw new BadUserInputError('municipality must be 1 to 200 characters', 'municipality');
  return trimmed;
}

export class WebhookRegistry {
  constructor(private readonly options: WebhookRegistryOptions) {}

  /** The secret is returned here and nowhere else (a replay by the same actor gets the first result again). */
  async register(input: RegisterWebhook, by: { actor: string; commandId: string | null }): Promise<{ webhook: WebhookView; secret: string }> {
    const { db, writeLock, store, secrets } = this.options;
    if (by.commandId !== null) {
      const first = await this.byCommandId(by.commandId, by.actor);
      if (first) return first;
    }
    const url = await checkWebhookUrl(input.url, this.options.allowPrivate);
    const eventTypes = checkEventTypes(input.eventTypes);
    const municipality = checkMunicipality(input.municipality);
    const id = randomUUID();
    const secret = newWebhookSecret();
    const row: EndpointRow = {
      id,
      url: url.href,
      event_types: JSON.stringify(eventTypes),
      municipality,
      active: 1,
      created_at: new Date().toISOString(),
      failures: 0,
      secret_sealed: secrets.seal(id, secret),
      created_by: by.actor,
      command_id: by.commandId,
      removed_at: null,
      after_position_key: positionKey(await store.headPosition()),
    };
    try {
      await inWriteTransaction(db, writeLock, (trx) => trx.insertInto(ENDPOINTS_TABLE).values(row).execute());
    } catch (error) {
      // The same commandId, committed by a concurrent call in between.
      const first = by.commandId === null ? null : await this.byCommandId(by.commandId, by.actor);
      if (first) return first;
      throw error;
    }
    return { webhook: toWebhookView(row), secret };
  }

  /** Registered endpoints not removed, oldest first. */
  async list(): Promise<WebhookView[]> {
    const rows = await this.options.db.selectFrom(ENDPOINTS_TABLE).selectAll().where('removed_at', 'is', null).orderBy('created_at').orderBy('id').execute();
    return rows.map(toWebhookView);
  }

  /** Stops deliveries to it (pending ones included); its delivery log stays readable. */
  async remove(id: string): Promise<WebhookView> {
    const row = await this.endpoint(id);
    const removedAt = new Date().toISOString();
    await inWriteTransaction(this.options.db, this.options.writeLock, (trx) =>
      trx.updateTable(ENDPOINTS_TABLE).set({ removed_at: removedAt, active: 0 }).where('id', '=', id).execute(),
    );
    return toWebhookView({ ...row, removed_at: removedAt, active: 0 });
  }

  /** Newest first (by the event's position). */
  async deliveries(webhookId: string, first: number, after: string | null): Promise<DeliveryPage> {
    await this.endpoint(webhookId, { removedToo: true });
    let query = this.options.db.selectFrom(DELIVERIES_TABLE).selectAll().where('webhook_id', '=', webhookId);
    if (after !== null) {
      const cursor = CURSOR.exec(after);
      if (!cursor) throw new BadUserInputError('The cursor is not one this connection gave', 'after');
      const [, key, id] = cursor;
      query = query.where((eb) => eb.or([eb('position_key', '<', key), eb.and([eb('position_key', '=', key), eb('id', '<', id)])]));
    }
    const rows = await query.orderBy('position_key', 'desc').orderBy('id', 'desc').limit(first + 1).execute();
    const items = rows.slice(0, first);
    const last = items.at(-1);
    return { items: items.map(toDeliveryView), endCursor: last ? `${last.position_key}:${last.id}` : null, hasNextPage: rows.length > first };
  }

  /** The cursor of a delivery in `deliveries` (for edges). */
  static cursorOf(delivery: WebhookDeliveryView): string {
    return `${positionKey(BigInt(delivery.position))}:${delivery.id}`;
  }

  /**
   * Queues the delivery again, now, with the same webhook-id, and a fresh day
   * of retries. An endpoint disabled after failures is enabled again: redelivering
   * is how an admin says it is fixed.
   */
  async redeliver(deliveryId: string): Promise<WebhookDeliveryView> {
    const { db, writeLock } = this.options;
    const row = await db.selectFrom(DELIVERIES_TABLE).selectAll().where('id', '=', deliveryId).executeTakeFirst();
    if (!row) throw new NotFoundError(`No webhook delivery ${deliveryId}`);
    const endpoint = await this.endpoint(row.webhook_id, { removedToo: true });
    if (endpoint.removed_at !== null) throw new NotFoundError(`The webhook of delivery ${deliveryId} was removed`);
    const now = new Date().toISOString();
    await inWriteTransaction(db, writeLock, async (trx) => {
      await trx
        .updateTable(DELIVERIES_TABLE)
        .set({ status: 'PENDING', next_attempt_at: now, first_attempt_at: null, lease_until: null, leased_by: null })
        .where('id', '=', deliveryId)
        .execute();
      await trx.updateTable(ENDPOINTS_TABLE).set({ active: 1, failures: 0 }).where('id', '=', row.webhook_id).execute();
    });
    this.options.onQueued?.();
    return toDeliveryView({ ...row, status: 'PENDING', next_attempt_at: now, first_attempt_at: null });
  }

  private async endpoint(id: string, options: { removedToo?: boolean } = {}): Promise<EndpointRow> {
    const row = await this.options.db.selectFrom(ENDPOINTS_TABLE).selectAll().where('id', '=', id).executeTakeFirst();
    if (!row || (row.removed_at !== null && !options.removedToo)) throw new NotFoundError(`No webhook ${id}`);
    return row;
  }

  private async byCommandId(commandId: string, actor: string): Promise<{ webhook: WebhookView; secret: string } | null> {
    const row = await this.options.db.selectFrom(ENDPOINTS_TABLE).selectAll().where('command_id', '=', commandId).executeTakeFirst();
    if (!row) return null;
    // Another actor's commandId: refused, revealing nothing of the first command.
    if (row.created_by !== actor) throw new ConflictError('This commandId was already used for another command');
    return { webhook: toWebhookView(row), secret: this.options.secrets.open(row.id, row.secret_sealed) };
  }
}
