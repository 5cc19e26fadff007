/** Timing helpers: percentiles, sequential and alternating timed loops, peak RSS. */

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

export interface Latencies {
  count: number;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
}

/** Milliseconds of each call, run one after another until `count` calls or `maxMs`, whichever first. */
export async function timeSequential(work: (i: number) => Promise<unknown>, limits: { count: number; maxMs: number; warmup?: number }): Promise<Latencies> {
  for (let i = 0; i < (limits.warmup ?? 0); i++) await work(-1 - i);
  const samples: number[] = [];
  const started = performance.now();
  for (let i = 0; i < limits.count && performance.now() - started < limits.maxMs; i++) {
    const t = performance.now();
    await work(i);
    samples.push(performance.now() - t);
  }
  return summarize(samples, (performance.now() - started) / 1000);
}

/**
 * Like timeSequential for several calls at once, taking turns (a, b, a, b, ...),
 * so a slow spell of a shared machine lands on each of them alike; one
 * Latencies per call, in order.
 */
export async function timeAlternating(works: readonly (() => Promise<unknown>)[], limits: { count: number; maxMs: number; warmup?: number }): Promise<Latencies[]> {
  for (let i = 0; i < (limits.warmup ?? 0); i++) for (const work of works) await work();
  const samples = works.map((): number[] => []);
  const started = performance.now();
  for (let i = 0; i < limits.count && performance.now() - started < limits.maxMs; i++) {
    for (const [k, work] of works.entries()) {
      const t = performance.now();
      await work();
      samples[k].push(performance.now() - t);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return samples.map((taken) => summarize(taken, seconds));
}

export function summarize(samples: number[], seconds: number): Latencies {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: samples.length, seconds, perSecond: samples.length / seconds, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** Peak resident set size of this process so far, in MB. */
export const peakRssMb = (): number => process.resourceUsage().maxRSS / 1024;
