import { describe, expect, it } from 'vitest';
import { reconnectCeilingMs, reconnectDelay } from '../src/index.js';

describe('reconnect backoff', () => {
  it('doubles its ceiling per failure up to the maximum', () => {
    const top = (failures: number) => reconnectDelay(failures, 1_000, 60_000, () => 1);
    expect([1, 2, 3, 4, 5, 6, 7, 8].map(top)).toEqual([1_000, 2_000, 4_000, 8_000, 16_000, 32_000, 60_000, 60_000]);
    expect(top(1_000)).toBe(60_000);
  });

  it('never waits longer than the heartbeat interval it declares, jitter kept', () => {
    // A 26 s broker outage grew the ceiling to 51 s; with a 10 s heartbeat it stays at 10 s.
    const ceiling = reconnectCeilingMs(10, 1_000, 60_000);
    expect(ceiling).toBe(10_000);
    expect([1, 3, 5, 6, 7, 20].map((failures) => reconnectDelay(failures, 1_000, ceiling, () => 1))).toEqual([1_000, 4_000, 10_000, 10_000, 10_000, 10_000]);
    expect(reconnectDelay(20, 1_000, ceiling, () => 0)).toBe(500);
    expect(reconnectDelay(20, 1_000, ceiling, () => 0.5)).toBe(5_250);
    // The configured bounds still hold: a longer heartbeat does not lift the maximum, a shorter one not the minimum.
    expect(reconnectCeilingMs(300, 1_000, 60_000)).toBe(60_000);
    expect(reconnectCeilingMs(1, 2_000, 60_000)).toBe(2_000);
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
