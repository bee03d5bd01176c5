import { describe, expect, it } from 'vitest';
import * as z from 'zod';
import { configProblems, nearestKey } from '../src/config-problems.js';

describe('nearestKey', () => {
  const keys = ['recorderId', 'broker', 'heartbeatSeconds', 'timeoutSeconds', 'intervalSeconds', 'inventory'];

  it('finds a misspelling, whatever its case, and a key with its unit left off', () => {
    expect(nearestKey('heartbeatSecnds', keys)).toBe('heartbeatSeconds');
    expect(nearestKey('RECORDERID', keys)).toBe('recorderId');
    expect(nearestKey('brocker', keys)).toBe('broker');
    expect(nearestKey('timeout', keys)).toBe('timeoutSeconds');
  });

  it('suggests nothing for a different word or a prefix of several keys', () => {
    expect(nearestKey('zzz', keys)).toBeUndefined();
    expect(nearestKey('certificate', ['cert', 'key', 'ca'])).toBeUndefined();
    expect(nearestKey('in', keys)).toBeUndefined();
  });
});

describe('configProblems', () => {
  it('finds the valid keys through defaults, optionals, arrays and refinements', () => {
    const schema = z.strictObject({
      list: z.array(z.strictObject({ name: z.string(), value: z.number().default(1) }).refine(() => true)).optional(),
      nested: z.strictObject({ depth: z.strictObject({ leaf: z.string().optional() }).prefault({}) }).default({ depth: {} }),
    });
    const result = schema.safeParse({ list: [{ name: 'a', valeu: 2 }], nested: { depth: { leef: 'x' } } });
    expect(result.success).toBe(false);
    expect(configProblems(result.error?.issues ?? [], schema)).toEqual([
      { path: ['list', 0], message: 'Unrecognized key: "valeu"; did you mean "value"?' },
      { path: ['nested', 'depth'], message: 'Unrecognized key: "leef"; did you mean "leaf"?' },
    ]);
  });

  it('passes other problems through as zod words them', () => {
    const schema = z.strictObject({ count: z.number() });
    const result = schema.safeParse({ count: 'many' });
    expect(configProblems(result.error?.issues ?? [], schema)).toEqual([{ path: ['count'], message: 'Invalid input: expected number, received string' }]);
  });
});
