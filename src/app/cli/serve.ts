import { systemClock } from '../../graphql/deps.js';
import { ServantCursors, servantCursorKey } from '../../graphql/servants/servant-cursor.js';
import { startCheckpointKeeper } from '../../transparency/keeper.js';
import { adoptLegacyCheckpoints } from '../../transparency/legacy.js';
import { credentialServiceFor } from '../../credentials/setup.js';
import type { Application } from '../application.js';
import { startHttpServer } from '../http-server.js';
import type { Runtime } from './runtime.js';

/**
 * Serves until SIGTERM or SIGINT, then shuts down gracefully: stop accepting,
 * let in-flight requests (mutations included) finish, stop the projections,
 * close the stores.
 */
export async function serveUntilSignalled(runtime: Runtime, app: Application): Promise<void> {
  const { config, logger } = runtime;
  const credentials = await credentialServiceFor(config.credentials, config.masterKey, app, systemClock);
  const server = await startHttpServer({
    deps: { office: app.office, readModel: app.readModel, store: app.store, vault: app.vault, clock: systemClock, logger, accessRecord: app.accessRecord, webhooks: app.webhooks.registry, transparency: app.transparency, credentials, servantCursors: new ServantCursors(servantCursorKey(config.masterKey)) },
    host: config.host,
    port: config.port,
    jwtSecret: config.jwtSecret,
    maxTokenTtlSeconds: config.maxTokenTtlSeconds,
    logger,
    corsOrigins: config.corsOrigins,
    maxCost: config.maxQueryCost,
    maxAnonymousCost: config.maxAnonymousQueryCost,
    publicRateLimit: config.publicRateLimit,
    curpLookupRateLimit: config.curpLookupRateLimit,
    responseCacheBytes: config.responseCacheBytes,
    subscriptionCaps: config.subscriptionCaps,
    health: () => app.healthy(),
  });
  // Signs a checkpoint when the log has grown, at most every few seconds.
  const keeper = startCheckpointKeeper(app.transparency, logger, {
    adoptLegacy: () => adoptLegacyCheckpoints(app.store, app.transparency, config.masterKey),
  });
  // Every serving process queues and sends webhook deliveries; they share the work (docs/notifications.md).
  await app.webhooks.startDispatching();
  logger.info({ url: server.url }, 'listening');
  process.stdout.write(`Acredita is listening on ${server.url}/graphql (explorer: open it in a browser)\n`);

  await new Promise<void>((resolve) => {
    const stop = (signal: NodeJS.Signals) => {
      logger.info({ signal }, 'shutting down');
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      resolve();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
  });
  await server.close();
  await keeper.stop();
  await app.close();
  logger.info('stopped');
}
