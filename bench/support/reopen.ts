/** A child process opens the parent's bench database from its serialized config (it never drops it). */
import { createApplication } from '../../src/app/application.js';
import { parseEventStoreUrl } from '../../src/eventstore/store-url.js';
import { deserializeConfig, quietLogger, type BackendName, type BenchDatabase } from './backend.js';

export function createBenchDatabaseFrom(backend: string, serialized: string): BenchDatabase {
  const config = deserializeConfig(JSON.parse(serialized));
  return {
    backend: backend as BackendName,
    config,
    path: sqliteFileOf(config.eventStoreUrl),
    open: (options) => createApplication(config, { logger: quietLogger(), project: options?.project ?? false }),
    drop: async () => {
      throw new Error('only the parent drops the bench database');
    },
  };
}


function sqliteFileOf(url: string): string | null {
  const location = parseEventStoreUrl(url);
  return location.backend === 'sqlite' ? location.path : null;
}
