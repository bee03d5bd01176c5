import { describe, expect, it } from 'vitest';
import { backoffDelay } from '../src/backoff.js';

describe('backoffDelay', () => {
  const policy = { minMs: 1_000, maxMs: 60_000 };

  it('doubles the ceiling with each attempt up to the cap', () => {
    const top = (attempt: number) => backoffDelay(attempt, policy, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(top)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(top(10_000)).toBe(60_000);
  });

  it('draws down to zero with full jitter, or down to the floor when one is given', () => {
    expect(backoffDelay(5, policy, () => 0)).toBe(0);
    expect(backoffDelay(5, { ...policy, floorMs: 500 }, () => 0)).toBe(500);
    // A floor above the first ceiling is clamped to it.
    expect(backoffDelay(1, { ...policy, floorMs: 5_000 }, () => 0)).toBe(1_000);
  });

  it('treats attempt 0 or below as the first', () => {
    expect(backoffDelay(0, policy, () => 1)).toBe(1_000);
    expect(backoffDelay(-3, policy, () => 1)).toBe(1_000);
  });

  it('spreads delays uniformly between floor and ceiling', () => {
    let seed = 7;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const delays = Array.from({ length: 10_000 }, () => backoffDelay(4, policy, random));
    const mean = delays.reduce((sum, d) => sum + d, 0) / delays.length;
    expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...delays)).toBeLessThanOrEqual(8_000);
    expect(mean).toBeGreaterThan(3_700);
    expect(mean).toBeLessThan(4_300);
  });
});
