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

  it('says what a value of the wrong type or out of range should be, with an example, and what it got', () => {
    const schema = z.strictObject({
      count: z.number(),
      heartbeatSeconds: z.number().int().min(1).max(3600).default(30),
      fullPercent: z.number().gt(0).max(100).default(95),
      pollSeconds: z.number().min(0.1),
      watch: z.enum(['poll', 'events', 'off']).default('poll'),
      files: z.array(z.strictObject({ glob: z.string(), encoding: z.enum(['auto', 'utf8']).optional() })),
      url: z.string().regex(/^mqtts:/, 'an mqtts:// URL'),
      name: z.string(),
    });
    const input = {
      count: 'many',
      heartbeatSeconds: 'thirty',
      fullPercent: 0,
      pollSeconds: Number.NaN,
      watch: 'sometimes',
      files: [{ glob: '/x', encoding: 'utf-32' }],
      url: 'http://x',
    };
    const result = schema.safeParse(input);
    expect(configProblems(result.error?.issues ?? [], schema, input)).toEqual([
      { path: ['count'], message: 'expected a number, e.g. 1; got "many"' },
      { path: ['heartbeatSeconds'], message: 'expected a whole number of seconds from 1 to 3600, e.g. 30; got "thirty"' },
      { path: ['fullPercent'], message: 'expected a percentage above 0 and at most 100, e.g. 95; got 0' },
      { path: ['pollSeconds'], message: 'expected a number of seconds, at least 0.1, e.g. 0.1; got not a number' },
      { path: ['watch'], message: 'expected one of poll, events, off, e.g. poll; got "sometimes"' },
      { path: ['files', 0, 'encoding'], message: 'expected one of auto, utf8, e.g. auto; got "utf-32"' },
      // The schema's own wording is kept.
      { path: ['url'], message: 'an mqtts:// URL' },
      { path: ['name'], message: 'missing: expected text' },
    ]);
    // Without the document there is nothing to quote.
    expect(configProblems(result.error?.issues.slice(1, 2) ?? [], schema)).toEqual([
      { path: ['heartbeatSeconds'], message: 'expected a whole number of seconds from 1 to 3600, e.g. 30' },
    ]);
  });
});
