import { describe, expect, it } from 'vitest';
import { TimeSlice } from '../src/time-slice.js';

describe('TimeSlice: a burst of messages lets the event loop turn every slice', () => {
  it('hands on at once within the slice, and after a turn of the event loop once it has run its time', async () => {
    let clock = 0;
    const slice = new TimeSlice(20, () => clock);
    const order: string[] = [];
    slice.begin();
    slice.handOn(() => order.push('within'));
    expect(order).toEqual(['within']);

    clock += 25;
    slice.handOn(() => order.push('after the slice'));
    expect(order).toEqual(['within']);
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['within', 'after the slice']);
  });

  it('opens a new slice once the loop has turned, so quiet messages never wait', async () => {
    let clock = 0;
    const slice = new TimeSlice(20, () => clock);
    slice.begin();
    clock += 25;
    await new Promise((resolve) => setImmediate(resolve));
    slice.begin();
    let handed = false;
    slice.handOn(() => {
      handed = true;
    });
    expect(handed).toBe(true);
  });

  it('lets timers run during a burst that mqtt.js would otherwise hand on without a pause', async () => {
    const slice = new TimeSlice(20);
    let ticks = 0;
    const ticker = setInterval(() => ticks++, 5);
    // 300 messages of 2 ms of work each (a burst of births opening their sessions), each handed on
    // from the previous one's done on the same tick, as mqtt.js does: without slices, no timer
    // would run until all 600 ms were over.
    const ticksDuringBurst = await new Promise<number>((resolve) => {
      let left = 300;
      const message = () => {
        slice.begin();
        const until = performance.now() + 2;
        while (performance.now() < until);
        if (--left === 0) return resolve(ticks);
        slice.handOn(() => process.nextTick(message));
      };
      message();
    });
    clearInterval(ticker);
    expect(ticksDuringBurst).toBeGreaterThanOrEqual(10);
  });
});
