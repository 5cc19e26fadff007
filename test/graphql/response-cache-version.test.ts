/**
 * ResponseCache.version() shares reads between concurrent requests, but never
 * answers a request with a read that started before it arrived (that read may
 * predate a write the caller already saw). The freshness source here is a
 * counter the test moves, with reads the test completes by hand.
 */
import { describe, expect, it } from 'vitest';
import { ResponseCache, type Freshness } from '../../src/graphql/response-cache/response-cache.js';

function manualFreshness() {
  const state = { writes: 0, reads: [] as { startedAfterWrites: number; finish: () => void }[] };
  const freshness: Freshness = {
    version: () =>
      new Promise<string>((resolve) => {
        const startedAfterWrites = state.writes;
        state.reads.push({ startedAfterWrites, finish: () => resolve(`v${startedAfterWrites}`) });
      }),
    nextChangeInTime: async () => new Date(8.64e15),
  };
  return { state, freshness };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('ResponseCache.version()', () => {
  it('answers 20 concurrent requests with two reads', async () => {
    const { state, freshness } = manualFreshness();
    const cache = new ResponseCache(freshness, 1 << 20);
    const answers = Array.from({ length: 20 }, () => cache.version());
    expect(state.reads).toHaveLength(1);
    state.reads[0].finish();
    await settle();
    expect(state.reads).toHaveLength(2);
    state.reads[1].finish();
    expect(await Promise.all(answers)).toEqual(['v0', ...Array(19).fill('v0')]);
    expect(state.reads).toHaveLength(2);
  });

  it('never gives a request a read that started before it arrived', async () => {
    const { state, freshness } = manualFreshness();
    const cache = new ResponseCache(freshness, 1 << 20);
    const early = cache.version();
    state.writes += 1; // a write lands, and its writer then asks
    const late = cache.version();
    state.reads[0].finish();
    expect(await early).toBe('v0');
    await settle();
    state.reads[1].finish();
    expect(await late).toBe('v1');
  });

  it('lets a failed read fail only its own requests', async () => {
    const failing: Freshness = { version: async () => Promise.reject(new Error('store down')), nextChangeInTime: async () => new Date() };
    const cache = new ResponseCache(failing, 1 << 20);
    const answers = await Promise.allSettled([cache.version(), cache.version()]);
    expect(answers.map((answer) => answer.status)).toEqual(['rejected', 'rejected']);
  });
});
