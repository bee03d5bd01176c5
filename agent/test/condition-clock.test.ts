import { describe, expect, it } from 'vitest';
import type { ConditionChange, Observation } from '../src/collectors/types.js';
import { ConditionClock } from '../src/condition-clock.js';

const change = (subject: string, active: boolean, at: number): ConditionChange => ({
  kind: 'condition',
  code: 'camera-unreachable',
  subject,
  active,
  at,
  severity: 'error',
  message: `camera ${subject} ${active ? 'down' : 'up'}`,
});

describe('condition clock', () => {
  it('gives a raise and its clear read in the same millisecond distinct times, in the order read', () => {
    const clock = new ConditionClock();
    const raised = clock.order(change('c1', true, 1_000));
    const cleared = clock.order(change('c1', false, 1_000));
    const raisedAgain = clock.order(change('c1', true, 1_000));
    expect([raised.at, cleared.at, raisedAgain.at]).toEqual([1_000, 1_001, 1_002]);
    // Another subject keeps its own time.
    expect(clock.order(change('c2', true, 1_000)).at).toBe(1_000);
  });

  it('leaves later times, other kinds and a clock set back by a second or more alone', () => {
    const clock = new ConditionClock();
    expect(clock.order(change('c1', true, 5_000)).at).toBe(5_000);
    expect(clock.order(change('c1', false, 5_200)).at).toBe(5_200);
    expect(clock.order(change('c1', true, 3_000)).at).toBe(3_000);
    const disk: Observation = { kind: 'disk', path: 'D:', at: 1, totalBytes: 10, freeBytes: 5 };
    expect(clock.order(disk)).toBe(disk);
  });
});
