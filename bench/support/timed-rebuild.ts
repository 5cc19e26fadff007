/** Rebuilds every read model of a bench application, timed: the rebuild scenario's child and its experiment share it. */
import type { Application } from '../../src/app/application.js';
import { rebuildProjections, type RebuildResult } from '../../src/projections/rebuild.js';

export async function timedRebuild(app: Application, batchSize?: number): Promise<{ result: RebuildResult; seconds: number }> {
  const started = performance.now();
  const result = await rebuildProjections({
    store: app.store,
    db: app.projectionDb,
    dialect: app.readStore.dialect,
    projections: app.projections,
    writeLock: app.writeLock,
    batchSize,
  });
  return { result, seconds: (performance.now() - started) / 1000 };
}
