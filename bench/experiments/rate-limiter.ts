/**
 * An experiment, not a scenario: our token bucket (src/app/rate-limit.ts)
 * against rate-limiter-flexible's RateLimiterMemory, the library the issue
 * proposed, under PUBLIC_RATE_LIMIT's defaults (60 a minute, bursts of 20).
 *
 *   NODE_ENV=production npx tsx bench/experiments/rate-limiter.ts
 *
 * Prints one JSON line:
 * - `mostInOneSecond`: the most look-ups one client gets through in one second
 *   when it sends a full burst at the end of a window and another at the start
 *   of the next (the folio-guessing attacker's best schedule). The contract
 *   (docs/api.md, "Rate limits") promises at most burst + rate x time.
 *   RateLimiterMemory is a fixed window, tried both ways it can meet the
 *   defaults: 20 points per 20 s (the rate kept, the burst doubles at the
 *   window's edge) and 60 points per 60 s (the burst triples at once).
 * - `nsPerLookup`: one decision, median of 5 runs of 200,000 over 10,000
 *   addresses (`take` answers synchronously, `consume` with a promise).
 * - `keptAfterDistinct`: entries held after 100,000 distinct addresses each
 *   sent one look-up (RateLimiterMemory keeps each until its window ends,
 *   with one timer each; ours keeps maxClients).
 */
import { performance } from 'node:perf_hooks';
import { RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { RateLimiter } from '../../src/app/rate-limit.js';

const PER_MINUTE = 60;
const BURST = 20;

async function allowed(limiter: RateLimiterMemory, key: string): Promise<boolean> {
  try {
    await limiter.consume(key);
    return true;
  } catch (error) {
    if (error instanceof RateLimiterRes) return false;
    throw error;
  }
}

/** A full burst just before a window ends, then as many as pass in the next second. */
async function mostInOneSecondFixedWindow(points: number, durationSeconds: number): Promise<number> {
  const limiter = new RateLimiterMemory({ points, duration: durationSeconds });
  let now = 1_000_000_000_000;
  const realNow = Date.now;
  Date.now = () => now;
  try {
    // The window opens with the first look-up; the attacker then waits until its last 10 ms.
    await allowed(limiter, 'attacker');
    now += durationSeconds * 1000 - 10;
    let passed = 0;
    for (let i = 0; i < points; i++) passed += (await allowed(limiter, 'attacker')) ? 1 : 0;
    now += 20;
    for (let i = 0; i < points * 2; i++) passed += (await allowed(limiter, 'attacker')) ? 1 : 0;
    return passed;
  } finally {
    Date.now = realNow;
    await limiter.delete('attacker');
  }
}

function mostInOneSecondBucket(): number {
  let now = 1_000_000;
  const limiter = new RateLimiter({ perMinute: PER_MINUTE, burst: BURST, now: () => now });
  limiter.take('attacker');
  now += 60_000; // refilled to the burst, as after any pause
  let passed = 0;
  for (let i = 0; i < BURST * 2; i++) passed += limiter.take('attacker').allowed ? 1 : 0;
  now += 1_000;
  for (let i = 0; i < BURST * 2; i++) passed += limiter.take('attacker').allowed ? 1 : 0;
  return passed;
}

const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const ROUNDS = 200_000;
const ADDRESSES = 10_000;

function nsPerTake(): number {
  const limiter = new RateLimiter({ perMinute: PER_MINUTE, burst: BURST });
  const runs = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    for (let i = 0; i < ROUNDS; i++) limiter.take(`10.0.${i % ADDRESSES}`);
    runs.push(((performance.now() - start) * 1e6) / ROUNDS);
  }
  return median(runs);
}

async function nsPerConsume(): Promise<number> {
  const limiter = new RateLimiterMemory({ points: BURST, duration: (BURST * 60) / PER_MINUTE });
  const runs = [];
  for (let run = 0; run < 5; run++) {
    const start = performance.now();
    for (let i = 0; i < ROUNDS; i++) await allowed(limiter, `10.0.${i % ADDRESSES}`);
    runs.push(((performance.now() - start) * 1e6) / ROUNDS);
  }
  for (let i = 0; i < ADDRESSES; i++) await limiter.delete(`10.0.${i}`);
  return median(runs);
}

async function keptAfterDistinct(): Promise<{ bucket: number; rateLimiterMemory: number }> {
  const bucket = new RateLimiter({ perMinute: PER_MINUTE, burst: BURST });
  const memory = new RateLimiterMemory({ points: BURST, duration: (BURST * 60) / PER_MINUTE });
  for (let i = 0; i < 100_000; i++) {
    bucket.take(`addr-${i}`);
    await allowed(memory, `addr-${i}`);
  }
  const kept = (memory.dump() as { storage: unknown[] }).storage.length;
  for (let i = 0; i < 100_000; i++) await memory.delete(`addr-${i}`);
  return { bucket: bucket.size, rateLimiterMemory: kept };
}

const result = {
  perMinute: PER_MINUTE,
  burst: BURST,
  contractCeilingInOneSecond: BURST + PER_MINUTE / 60,
  mostInOneSecond: {
    tokenBucket: mostInOneSecondBucket(),
    rateLimiterMemory20per20s: await mostInOneSecondFixedWindow(BURST, (BURST * 60) / PER_MINUTE),
    rateLimiterMemory60per60s: await mostInOneSecondFixedWindow(PER_MINUTE, 60),
  },
  nsPerLookup: { tokenBucket: nsPerTake(), rateLimiterMemory: await nsPerConsume() },
  keptAfterDistinct: await keptAfterDistinct(),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
