/** The webhooks of one process: the registry GraphQL uses and the dispatcher `serve` runs. */
import type { EventStore } from '../../eventstore/types.js';
import type { ReadDatabase, SqlDialect } from '../../projections/projection.js';
import type { ReadModel } from '../../projections/read-model.js';
import { inWriteTransaction, noWriteLock, type WriteLock } from '../../projections/transaction.js';
import { type DispatcherLogger, WebhookDispatcher } from './dispatcher.js';
import { WebhookRegistry } from './registry.js';
import { WebhookSecrets } from './secrets.js';
import { DEFAULT_WEBHOOK_SETTINGS, type WebhookSettings } from './settings.js';
import { DISPATCH_ROW, DISPATCH_TABLE, migrateWebhooks } from './tables.js';

export interface WebhooksOptions {
  db: ReadDatabase;
  dialect: SqlDialect;
  writeLock?: WriteLock;
  store: EventStore;
  readModel: Pick<ReadModel, 'waitFor' | 'servantsByIds'>;
  masterKey: Buffer;
  settings?: WebhookSettings;
  logger: DispatcherLogger;
}

export class Webhooks {
  readonly registry: WebhookRegistry;
  private readonly dispatcher: WebhookDispatcher;
  private dispatching = false;

  private constructor(options: WebhooksOptions) {
    const settings = options.settings ?? DEFAULT_WEBHOOK_SETTINGS;
    const writeLock = options.writeLock ?? noWriteLock;
    const secrets = new WebhookSecrets(options.masterKey);
    this.dispatcher = new WebhookDispatcher({ ...options, writeLock, secrets, settings });
    this.registry = new WebhookRegistry({
      db: options.db,
      writeLock,
      store: options.store,
      secrets,
      allowPrivate: settings.allowPrivate,
      onQueued: () => this.dispatcher.poke(),
    });
  }

  /**
   * Creates the tables if missing. The queueing position starts at the head
   * when they are first made (no endpoint can want an earlier event), whether
   * or not a dispatcher runs yet: an endpoint registered before any process
   * dispatches still gets every event after its registration.
   */
  static async open(options: WebhooksOptions): Promise<Webhooks> {
    const writeLock = options.writeLock ?? noWriteLock;
    await writeLock(() => migrateWebhooks(options.db));
    const head = await options.store.headPosition();
    await inWriteTransaction(options.db, writeLock, (trx) =>
      trx.insertInto(DISPATCH_TABLE).values({ name: DISPATCH_ROW, position: head.toString() }).onConflict((c) => c.column('name').doNothing()).execute(),
    );
    return new Webhooks(options);
  }

  /** Queue and send deliveries in this process (every `acredita serve` does; several processes share the work). */
  async startDispatching(): Promise<void> {
    if (this.dispatching) return;
    this.dispatching = true;
    await this.dispatcher.start();
  }

  async stop(): Promise<void> {
    if (this.dispatching) await this.dispatcher.stop();
    this.dispatching = false;
  }
}
