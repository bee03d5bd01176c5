import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['*/test/**/*.test.ts', 'testing/*.test.ts', 'test/*/**/*.test.ts'],
    // End-to-end suites start real brokers, agents and servers; give them room but keep CI bounded.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default', './testing/summary-reporter.ts'],
  },
});
