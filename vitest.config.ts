import { defineConfig } from 'vitest/config';
import { LongestFirst } from './testing/longest-first.js';

/** End-to-end scenarios with real processes that mostly wait on them; the fuzz test drives a live broker and ingestor. */
const SCENARIOS = ['test/faults/**/*.test.ts', 'test/security/fuzz.test.ts'];

export default defineConfig({
  test: {
    // End-to-end suites start real brokers, agents and servers; give them room but keep CI bounded.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    sequence: { sequencer: LongestFirst },
    reporters: ['default', './testing/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          include: ['*/test/**/*.test.ts', 'testing/*.test.ts', 'test/*/**/*.test.ts'],
          exclude: [...SCENARIOS, '**/node_modules/**'],
          // Three at a time: the suites wait on their brokers, agents and browsers as much as they
          // compute (two at a time kept the 2-core CI machine about 60 % busy), and CI must stay
          // under 20 minutes (two at a time took 21.5 once the dashboard's browser suites came).
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The fault scenarios mostly wait on their child processes (an outage lasts two minutes
        // whatever the CPU does), so six run at once, in a group of their own that never runs beside
        // the suites; they share no ports or data. Each one that once failed under that load did so
        // for a race of its own, fixed there (the backfill scenario now lets its agents return only
        // after the ingestor has subscribed again). The fuzz test counts exactly what a live broker
        // refused, which load does not change (its one miscount was a packet aedes closed silently).
        extends: true,
        test: { name: 'scenarios', include: SCENARIOS, maxWorkers: 6, sequence: { groupOrder: 1 }, hookTimeout: 120_000 },
      },
    ],
  },
});
