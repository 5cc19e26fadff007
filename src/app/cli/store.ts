import { createEventStore } from '../../eventstore/factory.js';
import type { EventStore } from '../../eventstore/types.js';
import type { Runtime } from './runtime.js';

/**
 * Opens only the event store for one command and always closes it: audit
 * commands read the log and need neither read models nor personal-data keys.
 */
export async function withEventStore<T>(runtime: Runtime, work: (store: EventStore) => Promise<T>): Promise<T> {
  const store = await createEventStore(runtime.config.eventStoreUrl, { schema: runtime.config.databaseSchema });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
