import { describe, expect, it } from 'vitest';
import { RandomPool } from '../../src/privacy/random-pool.js';

describe('RandomPool', () => {
  it('hands out fresh random bytes across refills, never the wiped ones', () => {
    const pool = new RandomPool(100);
    const taken = Array.from({ length: 5_000 }, (_, k) => pool.take(k % 2 === 0 ? 12 : 32));
    expect(taken.every((bytes, k) => bytes.length === (k % 2 === 0 ? 12 : 32))).toBe(true);
    expect(new Set(taken.map((bytes) => bytes.toString('hex'))).size).toBe(taken.length);
    // Wiped bytes handed out again would show as far more zeros than 1 in 256.
    const all = Buffer.concat(taken);
    const zeros = all.filter((byte) => byte === 0).length;
    expect(zeros / all.length).toBeLessThan(2 / 256);
  });

  it('gives each caller a buffer of its own', () => {
    const pool = new RandomPool(64);
    const first = pool.take(16);
    const copy = Buffer.from(first);
    first.fill(0xff);
    const second = pool.take(16);
    expect(second.equals(Buffer.alloc(16, 0xff))).toBe(false);
    expect(first.buffer).not.toBe(second.buffer);
    expect(copy.equals(Buffer.alloc(16, 0xff))).toBe(false);
  });

  it('refuses more bytes than the pool holds', () => {
    expect(() => new RandomPool(64).take(65)).toThrow(RangeError);
  });
});
