import { constants, PerformanceObserver } from 'node:perf_hooks';
import { afterEach, describe, expect, it } from 'vitest';
import { fullCollector, startHeapTrim } from '../src/heap-trim.js';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops.splice(0)) stop();
});

/** About `megabytes` MB of live objects. */
function allocate(megabytes: number): number[][] {
  return Array.from({ length: megabytes * 16 }, () => Array.from({ length: 8192 }, (_, i) => i));
}

describe('startHeapTrim', () => {
  it('collects once the used heap has grown by the threshold, and not again until it grows again', async () => {
    let collections = 0;
    stops.push(startHeapTrim({ intervalMs: 20, growthBytes: 48 * 1024 * 1024, collect: () => collections++ }));
    await sleep(150);
    expect(collections).toBe(0);

    const held = allocate(64);
    await sleep(150);
    expect(collections).toBe(1);
    // Still held, so the heap stays grown but no longer grows: nothing more to collect.
    await sleep(150);
    expect(collections).toBe(1);
    expect(held.length).toBeGreaterThan(0);
  });

  it('has a real full collection without --expose-gc', async () => {
    expect((globalThis as { gc?: unknown }).gc).toBeUndefined();
    let majors = 0;
    const observer = new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) {
        if ((entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) majors++;
      }
    });
    observer.observe({ entryTypes: ['gc'] });
    stops.push(() => observer.disconnect());
    await sleep(50);
    majors = 0;
    fullCollector()();
    await sleep(50);
    expect(majors).toBe(1);
  });
});
