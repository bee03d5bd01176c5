import { describe, expect, it } from 'vitest';
import { projectTimeToFull, type UsageSample } from '../../../src/collectors/disks/index.js';

const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;
const HOUR = 60 * MIN;

const line = (count: number, stepMs: number, startUsed: number, perStep: number): UsageSample[] =>
  Array.from({ length: count }, (_, i) => ({ at: T0 + i * stepMs, usedBytes: startUsed + i * perStep }));

describe('projectTimeToFull', () => {
  it('projects steady growth exactly, from the latest reading', () => {
    // 1 GB per 10 min; the latest reading has 60 GB left of 100 GB -> 600 min.
    const samples = line(5, 10 * MIN, 36e9, 1e9);
    expect(projectTimeToFull(samples, 100e9)).toBeCloseTo(600 * MIN, 0);
  });

  it('smooths jitter: the rate is the fitted slope, not the last step', () => {
    // About 1 GB per 10 min, each reading 0.2 GB above or below the line; ends at 56.2 GB.
    const samples = line(7, 10 * MIN, 50e9, 1e9).map((s, i) => ({ ...s, usedBytes: s.usedBytes + (i % 2 === 0 ? 2e8 : -2e8) }));
    const hours = projectTimeToFull(samples, 100e9)! / HOUR;
    // The last step alone (1.4 GB in 10 min) would say 5.2 h; the fitted rate says about 7.3 h.
    expect(hours).toBeGreaterThan(6.5);
    expect(hours).toBeLessThan(8.5);
  });

  it('does not care about sample order', () => {
    const samples = line(4, 10 * MIN, 10e9, 1e9);
    expect(projectTimeToFull([...samples].reverse(), 20e9)).toBeCloseTo(projectTimeToFull(samples, 20e9)!, 6);
  });

  it('says null when usage is flat or shrinking (grooming or archiving frees space)', () => {
    expect(projectTimeToFull(line(6, MIN, 50e9, 0), 100e9)).toBeNull();
    expect(projectTimeToFull(line(6, MIN, 50e9, -1e8), 100e9)).toBeNull();
  });

  it('says null when the samples cannot show a trend', () => {
    expect(projectTimeToFull([], 100e9)).toBeNull();
    expect(projectTimeToFull([{ at: T0, usedBytes: 1 }], 100e9)).toBeNull();
    expect(
      projectTimeToFull(
        [
          { at: T0, usedBytes: 1 },
          { at: T0, usedBytes: 5 },
        ],
        100e9,
      ),
    ).toBeNull();
  });

  it('says 0 for a drive that is already full and still growing', () => {
    expect(projectTimeToFull(line(3, MIN, 98e9, 1e9), 100e9)).toBe(0);
  });

  it('keeps its precision with epoch-millisecond times and terabyte drives', () => {
    // 1 byte per ms over 3 samples a millisecond apart: a naive sum of squared epoch times would lose this.
    const samples = line(3, 1, 16e12, 1);
    expect(projectTimeToFull(samples, 16e12 + 1002)).toBeCloseTo(1000, 3);
  });
});
