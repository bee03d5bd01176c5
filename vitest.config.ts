import { defineConfig } from 'vitest/config';

const FAULTS = 'test/faults/**/*.test.ts';
/** Counts exactly what a live broker did under 100,000 hostile inputs: alone, after the rest. */
const ALONE = ['test/security/fuzz.test.ts'];

export default defineConfig({
  test: {
    // End-to-end suites start real brokers, agents and servers; give them room but keep CI bounded.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './testing/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'suites',
          include: ['*/test/**/*.test.ts', 'testing/*.test.ts', 'test/*/**/*.test.ts'],
          exclude: [FAULTS, ...ALONE, '**/node_modules/**'],
          // Three at a time: the suites wait on their brokers, agents and browsers as much as they
          // compute (two at a time kept the 2-core CI machine about 60 % busy), and CI must stay
          // under 20 minutes (two at a time took 21.5 once the dashboard's browser suites came).
          maxWorkers: 3,
          sequence: { groupOrder: 0 },
        },
      },
      {
        // The fault scenarios mostly wait on their child processes (an outage lasts two minutes
        // whatever the CPU does), so four run at once (CI stays under 20 minutes); they share no ports or data. In a group of
        // their own, so they never run beside the suites. (The backfill scenario once failed at four: it let the broker
        // return before the agent had read its last log lines, which then went out live and rightly ended the catch-up.)
        extends: true,
        test: { name: 'faults', include: [FAULTS], maxWorkers: 4, sequence: { groupOrder: 1 }, hookTimeout: 120_000 },
      },
      { extends: true, test: { name: 'alone', include: ALONE, maxWorkers: 1, sequence: { groupOrder: 2 } } },
    ],
  },
});
