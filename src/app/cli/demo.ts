import { seedDemo } from '../demo/seed.js';
import { createApplication } from '../application.js';
import { progressBar } from './progress.js';
import type { Runtime } from './runtime.js';
import { serveUntilSignalled } from './serve.js';
import { makeToken } from './token.js';

/**
 * `acredita demo`: seeds the Tijuana 2018 scenario through the domain commands
 * (idempotent: a seeded store gets nothing new), then serves with tokens ready
 * to paste into the explorer.
 */
export async function demo(runtime: Runtime): Promise<void> {
  // Seed first, project after: appends and projection batches share SQLite's
  // single writer, and catching up once is several times faster (docs/demo.md).
  const app = await createApplication(runtime.config, { logger: runtime.logger, project: false });
  try {
    const bar = progressBar('Seeding the Tijuana 2018 scenario', 'commands');
    const summary = await seedDemo(app.office, { onProgress: (done, total) => bar.update(done, total) });
    bar.stop();
    await app.runner.start();
    await app.readModel.waitFor(summary.lastPosition, 120_000);
    process.stdout.write(
      `Seeded ${summary.servants} servants, ${summary.certificates} certificates, ${summary.ceremonies} ceremonies in ${(summary.elapsedMs / 1000).toFixed(1)} s.\n`,
    );
    const secret = runtime.config.jwtSecret;
    process.stdout.write(`ADMIN token:   ${await makeToken({ role: 'ADMIN', sub: 'demo-admin', ttl: '12h' }, secret)}\n`);
    process.stdout.write(`AUDITOR token: ${await makeToken({ role: 'AUDITOR', sub: 'demo-auditor', ttl: '12h' }, secret)}\n`);
    process.stdout.write('Paste one into the explorer as the header  Authorization: Bearer <token>\n');
  } catch (error) {
    await app.close();
    throw error;
  }
  await serveUntilSignalled(runtime, app);
}
