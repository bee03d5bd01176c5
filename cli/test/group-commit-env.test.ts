import { describe, expect, it } from 'vitest';
import { groupCommitFromEnv } from '../src/fleet.js';

// Moved from ingestor/test/group-commit.test.ts: the library reads no environment, the CLI does.
describe('group commit settings of vigil ingestor', () => {
  it('reads its settings from the environment and refuses nonsense', () => {
    expect(groupCommitFromEnv({ VIGIL_INGESTOR_GROUP_MS: '10', VIGIL_INGESTOR_GROUP_MESSAGES: '500' })).toEqual({ maxDelayMs: 10, maxMessages: 500 });
    expect(groupCommitFromEnv({})).toEqual({ maxDelayMs: undefined, maxMessages: undefined });
    expect(() => groupCommitFromEnv({ VIGIL_INGESTOR_GROUP_MS: '0' })).toThrow('VIGIL_INGESTOR_GROUP_MS must be a positive integer');
  });
});
