/**
 * Load: concurrent clients mixing mutations and queries against a real
 * `acredita serve`. No error but the refusals designed into the workload; the
 * log and the read models hold exactly what clients saw acknowledged.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { verifyIntegrity } from '../../src/eventstore/integrity.js';
import { FIGURES, timeoutFor } from './support/figures.js';
import { auditLog, countByType, expectReadModelsMatch, readWholeLog } from './support/ledger.js';
import { openStage, reachableBackends, recordFigures, type Stage } from './support/setup.js';
import { Workload } from './support/workload.js';

const { clients, seconds } = FIGURES.load;

const backends = await reachableBackends();

// Both backends at once: each has its own server and data.
describe.concurrent('Load', () => {
  describe.each(backends)('load on %s', (backend, available) => {
    let stage: Stage | undefined;
    afterEach(async () => {
      await stage?.close();
      stage = undefined;
    });

    it.skipIf(!available)(
      `${clients} clients for ${seconds} s: only designed refusals, and the log and read models equal what was acknowledged`,
      async () => {
        stage = await openStage(backend);
        const options = { endpoint: stage.server.endpoint, adminToken: stage.adminToken, clients, durationMs: seconds * 1_000, run: 'load' };
        const { base, acknowledged: seeded } = await Workload.seed(options);
        const started = performance.now();
        const report = await new Workload(options, base).run();
        const elapsed = (performance.now() - started) / 1_000;

        expect(report.unexpected).toEqual([]);
        const acknowledged = [...seeded, ...report.acknowledged];
        const events = await readWholeLog(stage.local.app.store);
        expect(auditLog(events, acknowledged, report.refused, true)).toEqual([]);
        await expectReadModelsMatch(stage.server.endpoint, stage.adminToken, report, base);
        const integrity = await verifyIntegrity(stage.local.app.store);
        expect(integrity).toMatchObject({ ok: true, checkedEvents: events.length });
        // The workload really did what it is meant to: servants certified, and both designed refusals met.
        expect(report.folios.length).toBeGreaterThan(0);
        expect(report.refused.map((r) => r.code)).toContain('BUSINESS_RULE');

        recordFigures('load', backend, {
          clients,
          seconds: Number(elapsed.toFixed(1)),
          requests: report.requests,
          mutationsAcknowledged: acknowledged.length,
          refusedAsDesigned: report.refused.length,
          conflicts: report.refused.filter((r) => r.code === 'CONFLICT').length,
          certificates: report.folios.length,
          events: events.length,
          byType: countByType(events),
          unexpected: report.unexpected.length,
        });
      },
      timeoutFor(seconds),
    );
  });
});
