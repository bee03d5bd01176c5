import { describe, expect, it } from 'vitest';
import { reconnectDelay } from '../src/index.js';

describe('reconnect backoff', () => {
  it('doubles its ceiling per failure up to the maximum', () => {
    const top = (failures: number) => reconnectDelay(failures, 1_000, 60_000, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(top)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(top(1_000)).toBe(60_000);
  });

  it('never waits less than half the minimum', () => {
    expect(reconnectDelay(7, 1_000, 60_000, () => 0)).toBe(500);
  });

  it('spreads a fleet that lost its broker at the same moment', () => {
    let seed = 42;
    const random = () => (seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
    const delays = Array.from({ length: 10_000 }, () => reconnectDelay(7, 1_000, 60_000, random));
    const perSecond = new Map<number, number>();
    for (const d of delays) perSecond.set(Math.floor(d / 1000), (perSecond.get(Math.floor(d / 1000)) ?? 0) + 1);
    // 10,000 agents over ~60 s: no second takes more than a few percent of the fleet
    expect(Math.max(...perSecond.values())).toBeLessThan(400);
    expect(perSecond.size).toBeGreaterThanOrEqual(59);
  });
});
