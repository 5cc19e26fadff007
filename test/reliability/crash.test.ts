/**
 * Crash: the server is killed with SIGKILL while clients write, and started
 * again. Clients send unacknowledged mutations again with the same commandId.
 * Every acknowledged mutation is in the log exactly once; the read models the
 * restarted server kept equal a fresh rebuild; the hash chains hold.
 */
import { randomInt } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import { rebuildProjections } from '../../src/projections/rebuild.js';
import { FIGURES, timeoutFor } from './support/figures.js';
import { auditLog, expectReadModelsMatch, readWholeLog } from './support/ledger.js';
import { readModelTables } from './support/read-models.js';
import { openStage, reachableBackends, recordFigures, type Stage } from './support/setup.js';
import { Workload } from './support/workload.js';

const { clients, kills } = FIGURES.crash;

const backends = await reachableBackends();

// Both backends at once: each has its own server and data.
describe.concurrent('Crash', () => {
  describe.each(backends)('SIGKILL mid-load on %s', (backend, available) => {
    let stage: Stage | undefined;
    afterEach(async () => {
      await stage?.close();
      stage = undefined;
    });

    it.skipIf(!available)(
      `${kills} kills and restarts: acknowledged mutations once each, read models equal a fresh rebuild, integrity holds`,
      async () => {
        stage = await openStage(backend);
        const { server, local } = stage;
        const options = {
          endpoint: server.endpoint,
          adminToken: stage.adminToken,
          clients,
          durationMs: 3_600_000, // until finish() below
          run: 'crash',
          retryUnacknowledged: true,
        };
        const { base, acknowledged: seeded } = await Workload.seed(options);
        const workload = new Workload(options, base);
        const running = workload.run();
        const started = performance.now();
        let survived = 0;
        try {
          for (let kill = 0; kill < kills; kill++) {
            // Let some mutations get under way: the kill lands in the middle of appends and projections.
            const before = workload.report.acknowledged.length;
            const deadline = Date.now() + 10_000;
            while (workload.report.acknowledged.length < before + randomInt(3, 15) && Date.now() < deadline) await sleep(20);
            await server.kill();
            await sleep(randomInt(0, 300));
            await server.restart();
            survived += 1;
          }
          await sleep(1_000); // some work on the last life, too
        } finally {
          workload.finish();
        }
        const report = await running;
        const elapsed = (performance.now() - started) / 1_000;

        expect(report.unexpected).toEqual([]);
        expect(report.retries).toBeGreaterThan(0);
        const acknowledged = [...seeded, ...report.acknowledged];
        const events = await readWholeLog(local.app.store);
        expect(auditLog(events, acknowledged, report.refused, true)).toEqual([]);
        await expectReadModelsMatch(server.endpoint, stage.adminToken, report, base);

        // The read models the server kept through its deaths equal a rebuild from the log.
        await server.stop();
        const { db, dialect } = local.app.readStore;
        const live = await readModelTables(db, dialect);
        const rebuilt = await rebuildProjections({ store: local.app.store, db, dialect, projections: local.app.projections, writeLock: local.app.writeLock });
        expect(rebuilt.events).toBe(events.length);
        expect(await readModelTables(db, dialect)).toEqual(live);
        expect(Object.keys(live).length).toBeGreaterThan(5);

        const integrity = await verifyIntegrity(local.app.store);
        expect(integrity).toMatchObject({ ok: true, checkedEvents: events.length });

        recordFigures('crash', backend, {
          clients,
          seconds: Number(elapsed.toFixed(1)),
          killsSurvived: survived,
          serverStarts: server.starts,
          requests: report.requests,
          retries: report.retries,
          mutationsAcknowledged: acknowledged.length,
          refusedAsDesigned: report.refused.length,
          events: events.length,
          lost: 0,
          duplicated: 0,
        });
      },
      timeoutFor(kills * 15),
    );
  });
});
