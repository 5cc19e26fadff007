/**
 * The webhook dispatcher, in two halves that every API process runs:
 *
 * - Queueing follows the log like a projection: from its position (the
 *   webhook_dispatch row), each batch of events becomes one delivery row per
 *   matching endpoint, in the same transaction that moves the position by
 *   compare-and-set. A process that loses the race re-reads the position;
 *   (webhook, event) is unique besides. A SIGKILL loses nothing: the batch
 *   was queued and the position moved, or neither.
 * - Sending claims due deliveries with a lease (one process per delivery at a
 *   time), signs and POSTs them, and records the outcome; failures are retried
 *   with exponential backoff for a day, and an endpoint that keeps failing is
 *   disabled. A process killed mid-POST leaves its lease to expire, and the
 *   delivery is sent again (at least once: receivers dedupe on webhook-id).
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EventStore, RecordedEvent } from '../../eventstore/types.js';
import { describe, WaitForTimeoutError } from '../../projections/errors.js';
import type { ReadDatabase, SqlDialect } from '../../projections/projection.js';
import type { ReadModel } from '../../projections/read-model.js';
import { inWriteTransaction, type WriteLock } from '../../projections/transaction.js';
import { isDeliverable, servantIdOf, webhookPayload } from './events.js';
import type { WebhookSecrets } from './secrets.js';
import { postWebhook } from './sender.js';
import type { WebhookSettings } from './settings.js';
import { signWebhook } from './signing.js';
import { DELIVERIES_TABLE, type DeliveryRow, DISPATCH_ROW, DISPATCH_TABLE, ENDPOINTS_TABLE, positionKey } from './tables.js';

export interface DispatcherLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface WebhookDispatcherOptions {
  db: ReadDatabase;
  dialect: SqlDialect;
  writeLock: WriteLock;
  store: EventStore;
  readModel: Pick<ReadModel, 'waitFor' | 'servantsByIds'>;
  secrets: WebhookSecrets;
  settings: WebhookSettings;
  logger: DispatcherLogger;
}

const QUEUE_BATCH = 200;
/** How often senders look for due deliveries that another process queued. */
const IDLE_POLL_MS = 500;

/** Another process moved the position first: re-read it and go on from there. */
class PositionMoved extends Error {}

export class WebhookDispatcher {
  /** Names this process in leases (and in logs). */
  readonly processId = randomUUID();
  private readonly stopping = new AbortController();
  private readonly inFlight = new Set<Promise<void>>();
  private wake: (() => void) | null = null;
  private loops: Promise<void>[] = [];

  constructor(private readonly options: WebhookDispatcherOptions) {}

  /** Queues from the position kept in the database (set when the tables were made: webhooks.ts). */
  async start(): Promise<void> {
    this.loops = [this.forever('queue', () => this.queueFromLog()), this.forever('send', () => this.sendDue())];
  }

  /** Stops queueing and claiming; waits for the POSTs in flight. */
  async stop(): Promise<void> {
    this.stopping.abort();
    this.poke();
    await Promise.all(this.loops);
    await Promise.allSettled([...this.inFlight]);
  }

  /** Look for due deliveries now (something was queued). */
  poke(): void {
    this.wake?.();
  }

  private async forever(what: string, run: () => Promise<void>): Promise<void> {
    let failures = 0;
    while (!this.stopping.signal.aborted) {
      try {
        await run();
        failures = 0;
      } catch (error) {
        if (this.stopping.signal.aborted) return;
        if (error instanceof PositionMoved) continue;
        failures += 1;
        const retryInMs = Math.min(10_000, 100 * 2 ** Math.min(failures, 7));
        this.options.logger.warn({ error: describe(error), retryInMs }, `The webhook dispatcher failed to ${what}; retrying`);
        await sleep(retryInMs, undefined, { signal: this.stopping.signal }).catch(() => {});
      }
    }
  }

  // ---- queueing -------------------------------------------------------------

  private async position(): Promise<bigint> {
    const row = await this.options.db.selectFrom(DISPATCH_TABLE).select('position').where('name', '=', DISPATCH_ROW).executeTakeFirstOrThrow();
    return BigInt(row.position);
  }

  private async queueFromLog(): Promise<void> {
    let from = await this.position();
    let pending: RecordedEvent[] = [];
    for await (const item of this.options.store.subscribe({ after: from, signal: this.stopping.signal, batchSize: QUEUE_BATCH })) {
      if (item.kind === 'event') {
        pending.push(item.event);
        if (pending.length < QUEUE_BATCH) continue;
      }
      if (pending.length === 0) continue;
      from = await this.queue(from, pending);
      pending = [];
      this.poke();
    }
    // Retried with backoff by forever(), not at once: a closed store ends the iteration at every try.
    if (!this.stopping.signal.aborted) throw new Error('The event store subscription ended (was the store closed?)');
  }

  /** One transaction: move the position from `from` past `events` and queue their deliveries. */
  private async queue(from: bigint, events: readonly RecordedEvent[]): Promise<bigint> {
    const { db, writeLock } = this.options;
    const to = events[events.length - 1].position;
    const rows = await this.deliveriesFor(events);
    await inWriteTransaction(db, writeLock, async (trx) => {
      const moved = await trx
        .updateTable(DISPATCH_TABLE)
        .set({ position: to.toString() })
        .where('name', '=', DISPATCH_ROW)
        .where('position', '=', from.toString())
        .executeTakeFirst();
      if (Number(moved.numUpdatedRows) !== 1) throw new PositionMoved();
      for (let i = 0; i < rows.length; i += 100) {
        await trx.insertInto(DELIVERIES_TABLE).values(rows.slice(i, i + 100)).onConflict((c) => c.columns(['webhook_id', 'event_id']).doNothing()).execute();
      }
    });
    return to;
  }

  private async deliveriesFor(events: readonly RecordedEvent[]): Promise<DeliveryRow[]> {
    const endpoints = await this.options.db.selectFrom(ENDPOINTS_TABLE).selectAll().where('active', '=', 1).where('removed_at', 'is', null).execute();
    const wanted = events.filter(isDeliverable);
    if (endpoints.length === 0 || wanted.length === 0) return [];
    const places = endpoints.some((endpoint) => endpoint.municipality !== null) ? await this.municipalitiesOf(wanted) : new Map<string, string | null>();
    const now = new Date().toISOString();
    const rows: DeliveryRow[] = [];
    for (const event of wanted) {
      const key = positionKey(event.position);
      let payload: string | null = null;
      for (const endpoint of endpoints) {
        if (key <= endpoint.after_position_key) continue;
        const types = JSON.parse(endpoint.event_types) as string[];
        if (types.length > 0 && !types.includes(event.type)) continue;
        if (endpoint.municipality !== null && places.get(event.id) !== endpoint.municipality) continue;
        payload ??= webhookPayload(event);
        rows.push({
          id: randomUUID(),
          webhook_id: endpoint.id,
          event_id: event.id,
          position: event.position.toString(),
          position_key: key,
          type: event.type,
          payload,
          attempts: 0,
          status: 'PENDING',
          response_status: null,
          last_error: null,
          delivered_at: null,
          next_attempt_at: now,
          first_attempt_at: null,
          lease_until: null,
          leased_by: null,
          created_at: now,
        });
      }
    }
    return rows;
  }

  /**
   * The municipality each event is about: a certificate's holder, a registered
   * servant's, or (any other servant event) the servant's in the read model, once
   * it includes the batch. A servant's municipality never changes.
   */
  private async municipalitiesOf(events: readonly RecordedEvent[]): Promise<Map<string, string | null>> {
    const places = new Map<string, string | null>();
    const lookups = new Set<string>();
    for (const event of events) {
      const holder = event.data.holder as { municipality?: unknown } | undefined;
      const own = event.type === 'ServantRegistered' ? event.data.municipality : holder?.municipality;
      if (typeof own === 'string') places.set(event.id, own);
      else if (servantIdOf(event)) lookups.add(servantIdOf(event)!);
    }
    if (lookups.size === 0) return places;
    await this.readModelsInclude(events[events.length - 1].position);
    const ids = [...lookups];
    const servants = await this.options.readModel.servantsByIds(ids);
    const byId = new Map(ids.map((id, i) => [id, servants[i]?.municipality ?? null]));
    for (const event of events) if (!places.has(event.id)) places.set(event.id, byId.get(servantIdOf(event) ?? '') ?? null);
    return places;
  }

  private async readModelsInclude(position: bigint): Promise<void> {
    for (;;) {
      try {
        return await this.options.readModel.waitFor(position, 5_000);
      } catch (error) {
        if (!(error instanceof WaitForTimeoutError) || this.stopping.signal.aborted) throw error;
      }
    }
  }

  // ---- sending --------------------------------------------------------------

  private async sendDue(): Promise<void> {
    const { concurrency } = this.options.settings;
    while (!this.stopping.signal.aborted) {
      const free = concurrency - this.inFlight.size;
      const claimed = free > 0 ? await this.claim(free) : [];
      for (const delivery of claimed) {
        const sending: Promise<void> = this.send(delivery)
          .catch((error: unknown) => this.options.logger.warn({ delivery: delivery.id, error: describe(error) }, 'Could not record a webhook delivery; its lease will expire and it is sent again'))
          .finally(() => {
            this.inFlight.delete(sending);
            this.poke();
          });
        this.inFlight.add(sending);
      }
      if (claimed.length > 0 && claimed.length === free) continue;
      const waitMs = free > claimed.length ? await this.untilNextDue() : IDLE_POLL_MS;
      if (waitMs === 0) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, waitMs);
        function done() {
          clearTimeout(timer);
          resolve();
        }
        this.wake = done;
      });
      this.wake = null;
    }
  }

  /** Milliseconds until the earliest retry falls due (at most IDLE_POLL_MS: other processes queue too). */
  private async untilNextDue(): Promise<number> {
    const row = await this.options.db
      .selectFrom(`${DELIVERIES_TABLE} as d`)
      .innerJoin(`${ENDPOINTS_TABLE} as e`, 'e.id', 'd.webhook_id')
      .select((eb) => eb.fn.min('d.next_attempt_at').as('next'))
      .where('d.status', '=', 'PENDING')
      .where('d.lease_until', 'is', null)
      .where('e.active', '=', 1)
      .where('e.removed_at', 'is', null)
      .executeTakeFirst();
    if (!row?.next) return IDLE_POLL_MS;
    return Math.max(0, Math.min(IDLE_POLL_MS, Date.parse(row.next) - Date.now()));
  }

  /** Due deliveries of active endpoints, leased to this process; a lease another process holds is left alone. */
  private async claim(limit: number): Promise<(DeliveryRow & { url: string; secret_sealed: string })[]> {
    const { db, writeLock, settings } = this.options;
    const now = new Date();
    const nowText = now.toISOString();
    const leaseUntil = new Date(now.getTime() + settings.timeoutMs + 5_000).toISOString();
    const ids = await inWriteTransaction(db, writeLock, async (trx) => {
      const due = await trx
        .selectFrom(`${DELIVERIES_TABLE} as d`)
        .innerJoin(`${ENDPOINTS_TABLE} as e`, 'e.id', 'd.webhook_id')
        .select('d.id')
        .where('d.status', '=', 'PENDING')
        .where('d.next_attempt_at', '<=', nowText)
        .where((eb) => eb.or([eb('d.lease_until', 'is', null), eb('d.lease_until', '<', nowText)]))
        .where('e.active', '=', 1)
        .where('e.removed_at', 'is', null)
        .orderBy('d.next_attempt_at')
        .orderBy('d.position_key')
        .limit(limit)
        .execute();
      if (due.length === 0) return [];
      // Re-checked in the UPDATE: on PostgreSQL a concurrent claim of the same row waits, then finds the lease taken.
      const taken = await trx
        .updateTable(DELIVERIES_TABLE)
        .set({ lease_until: leaseUntil, leased_by: this.processId })
        .where('id', 'in', due.map((row) => row.id))
        .where('status', '=', 'PENDING')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', nowText)]))
        .returning('id')
        .execute();
      return taken.map((row) => row.id);
    });
    if (ids.length === 0) return [];
    return await db
      .selectFrom(`${DELIVERIES_TABLE} as d`)
      .innerJoin(`${ENDPOINTS_TABLE} as e`, 'e.id', 'd.webhook_id')
      .selectAll('d')
      .select(['e.url', 'e.secret_sealed'])
      .where('d.id', 'in', ids)
      .orderBy('d.position_key')
      .execute();
  }

  private async send(delivery: DeliveryRow & { url: string; secret_sealed: string }): Promise<void> {
    const { settings, secrets } = this.options;
    const secret = secrets.open(delivery.webhook_id, delivery.secret_sealed);
    const headers = signWebhook(secret, delivery.event_id, Math.floor(Date.now() / 1000), delivery.payload);
    const outcome = await postWebhook(delivery.url, { ...headers }, delivery.payload, { timeoutMs: settings.timeoutMs, allowPrivate: settings.allowPrivate });
    await this.record(delivery, outcome);
  }

  private async record(delivery: DeliveryRow, outcome: { ok: boolean; status: number | null; error: string | null }): Promise<void> {
    const { db, writeLock, settings, logger } = this.options;
    const now = new Date();
    const attempts = delivery.attempts + 1;
    const firstAttemptAt = delivery.first_attempt_at ?? now.toISOString();
    const givingUp = !outcome.ok && now.getTime() - Date.parse(firstAttemptAt) >= settings.retryForMs;
    await inWriteTransaction(db, writeLock, async (trx) => {
      const mine = await trx
        .updateTable(DELIVERIES_TABLE)
        .set({
          attempts,
          status: outcome.ok ? 'DELIVERED' : givingUp ? 'FAILED' : 'PENDING',
          response_status: outcome.status,
          last_error: outcome.error,
          delivered_at: outcome.ok ? now.toISOString() : null,
          next_attempt_at: outcome.ok || givingUp ? null : new Date(now.getTime() + retryDelay(attempts, settings)).toISOString(),
          first_attempt_at: firstAttemptAt,
          lease_until: null,
          leased_by: null,
        })
        .where('id', '=', delivery.id)
        .where('leased_by', '=', this.processId)
        .executeTakeFirst();
      // The lease ran out and another process took the delivery over: its outcome counts, not ours.
      if (Number(mine.numUpdatedRows) !== 1) return;
      if (outcome.ok) {
        await trx.updateTable(ENDPOINTS_TABLE).set({ failures: 0 }).where('id', '=', delivery.webhook_id).where('failures', '>', 0).execute();
        return;
      }
      const endpoint = await trx
        .updateTable(ENDPOINTS_TABLE)
        .set((eb) => ({ failures: eb('failures', '+', 1) }))
        .where('id', '=', delivery.webhook_id)
        .returning(['failures', 'active'])
        .executeTakeFirst();
      if (endpoint && endpoint.active === 1 && endpoint.failures >= settings.disableAfter) {
        await trx.updateTable(ENDPOINTS_TABLE).set({ active: 0 }).where('id', '=', delivery.webhook_id).execute();
        logger.warn({ webhook: delivery.webhook_id, failures: endpoint.failures }, 'Webhook endpoint disabled after repeated failures; redeliverWebhook enables it again');
      }
    });
  }
}

/** Exponential backoff with ±10 % jitter, so a recovered endpoint is not hit by every retry at once. */
export function retryDelay(attempts: number, settings: Pick<WebhookSettings, 'retryBaseMs' | 'retryMaxDelayMs'>): number {
  const exponential = Math.min(settings.retryMaxDelayMs, settings.retryBaseMs * 2 ** Math.min(attempts - 1, 30));
  return Math.round(exponential * (0.9 + Math.random() * 0.2));
}
