/**
 * Rebuild: every read model replayed from the whole log by rebuildProjections,
 * in a child process (peak RSS is the rebuild's own). Baseline: the same child
 * reads the same log in pages and JSON-decodes it. Beside it, without a target:
 * the rebuilt read models' rows written again by SQL alone (no event read, no
 * JavaScript, each row once), a floor under what any rebuild of them costs.
 */
import { serializeConfig } from '../support/backend.js';
import { runChild } from '../support/child.js';
import { figure } from '../support/report.js';
import type { Scenario } from './context.js';

interface RebuildOutput {
  events: number;
  rebuildSeconds: number;
  peakRssMb: number;
  rssBeforeMb: number;
  scanned: number;
  scanSeconds: number;
  rewrittenRows: number;
  rewriteSeconds: number;
}

export const rebuild: Scenario = {
  name: 'rebuild',
  async run({ bench, say }) {
    const out = await runChild<RebuildOutput>(
      'rebuild.ts',
      { BENCH_BACKEND: bench.backend, BENCH_CONFIG: JSON.stringify(serializeConfig(bench.config)) },
      { timeoutMs: 40 * 60_000 },
    );
    say(
      `rebuilt ${out.events} events in ${out.rebuildSeconds.toFixed(1)} s; scan ${out.scanSeconds.toFixed(1)} s; ` +
        `${out.rewrittenRows} read-model rows rewritten by SQL alone in ${out.rewriteSeconds.toFixed(1)} s; RSS ${out.rssBeforeMb.toFixed(0)} -> peak ${out.peakRssMb.toFixed(0)} MB`,
    );
    const baseline = { baselineName: 'read + JSON decode events/s', baseline: out.scanned / out.scanSeconds };
    return [
      figure({ scenario: 'rebuild', figure: 'events/s', kind: 'rate', value: out.events / out.rebuildSeconds, unit: '/s', ...baseline, target: { op: '>=', bound: 0.25 } }),
      figure({ scenario: 'rebuild', figure: 'floor: read-model rows rewritten by SQL alone, as events/s', kind: 'rate', value: out.events / out.rewriteSeconds, unit: '/s', ...baseline }),
      figure({ scenario: 'rebuild', figure: 'peak RSS', kind: 'memory', value: out.peakRssMb, unit: 'MB', target: { op: '<=', bound: 300 } }),
    ];
  },
};
