import { rebuildProjections } from '../../projections/rebuild.js';
import { importRoster } from '../roster/import.js';
import { progressBar } from './progress.js';
import { EXIT, withApplication, type Runtime } from './runtime.js';

/** `acredita rebuild [--projection NAME]`: replays the log into fresh read models. */
export async function rebuild(runtime: Runtime, names: string[]): Promise<void> {
  await withApplication(runtime, { project: false }, async (app) => {
    const bar = progressBar('Rebuilding', 'events');
    try {
      const result = await rebuildProjections({
        store: app.store,
        db: app.projectionDb,
        dialect: app.readStore.dialect,
        projections: app.projections,
        names: names.length > 0 ? names : undefined,
        writeLock: app.writeLock,
        onProgress: (done, total, rate) => bar.update(done, total, rate),
      });
      bar.stop();
      process.stdout.write(`Rebuilt ${result.projections.join(', ')} from ${result.events.toLocaleString('en')} events (position ${result.position}).\n`);
    } catch (error) {
      bar.stop();
      throw error;
    }
  });
}

/** `acredita import-servants FILE.csv`: exit 1 when any row was rejected (the good rows are kept). */
export async function importServants(runtime: Runtime, file: string, actor: string): Promise<void> {
  await withApplication(runtime, { project: false }, async (app) => {
    const bar = progressBar('Importing', 'bytes');
    const result = await importRoster(app, file, {
      actor,
      onProgress: ({ bytesRead, totalBytes }) => bar.update(bytesRead, totalBytes),
    });
    bar.stop();
    process.stdout.write(`Imported ${result.imported}, already present ${result.alreadyPresent}, rejected ${result.rejected.length}.\n`);
    for (const row of result.rejected) process.stdout.write(`line ${row.line}: ${row.reason}\n`);
    if (result.rejected.length > 0) process.exitCode = EXIT.failed;
  });
}
