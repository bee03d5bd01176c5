// aedes-persistence's own conformance suite (node:test), run against our bounded persistence.
// Started by bounded-persistence.test.ts; run alone with: node --import tsx --test <this file>
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { boundedMemoryPersistence } from '../../src/upstream-patches/bounded-persistence.js';

const require = createRequire(import.meta.url);
const abstractPersistence = require('aedes-persistence/abstract.js') as (opts: unknown) => void;

abstractPersistence({
  test,
  persistence: () => boundedMemoryPersistence(1_000_000, () => undefined).persistence,
  testAsync: true,
});
