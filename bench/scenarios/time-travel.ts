/**
 * Time travel: `certification(asOf)` on the 200-event stream, through the
 * resolver's own code (read up to asOf, fold with the decider, stage at asOf).
 * Baseline: readStream of the same stream, the two calls taking turns.
 */
import { certificationAsOf } from '../../src/graphql/certifications/certification-as-of.js';
import type { GraphQLContext } from '../../src/graphql/context.js';
import { timeAlternating } from '../support/measure.js';
import { figure } from '../support/report.js';
import type { Scenario } from './context.js';

const RUNS = { count: 1_000, maxMs: 10_000, warmup: 50 };

export const timeTravel: Scenario = {
  name: 'time-travel',
  async run({ bench, longStream }) {
    const app = await bench.open({ project: false });
    try {
      const context = { deps: { store: app.store } } as unknown as GraphQLContext;
      const asOf = new Date();
      const check = await certificationAsOf(context, longStream.servantId, longStream.standardCode, asOf);
      if (check?.version !== 200) throw new Error(`the long stream has ${check?.version} events, not 200`);
      const [baseline, asOfRuns] = await timeAlternating(
        [() => app.store.readStream(longStream.streamId), () => certificationAsOf(context, longStream.servantId, longStream.standardCode, asOf)],
        RUNS,
      );
      return [
        figure({ scenario: 'time travel', figure: 'certification asOf p50 (200 events)', kind: 'latency', value: asOfRuns.p50, unit: 'ms', baselineName: 'readStream p50', baseline: baseline.p50, target: { op: '<=', bound: 2 } }),
      ];
    } finally {
      await app.close();
    }
  },
};
