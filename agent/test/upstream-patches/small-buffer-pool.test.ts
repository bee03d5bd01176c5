import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/length-cache-blocks.ts', import.meta.url));

function run(mode: 'small-pool' | 'plain'): { blocks: number; pinnedBytes: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', FIXTURE, mode], { encoding: 'utf8' });
  return JSON.parse(out) as { blocks: number; pinnedBytes: number };
}

describe('useSmallBufferPool', () => {
  it('with the small Buffer pool of the agent, a cached length pins at most a few hundred bytes', () => {
    const { pinnedBytes } = run('small-pool');
    expect(pinnedBytes).toBeLessThanOrEqual(2_000 * 512);
  });

  it("is still needed: with Node's own pool, every new length pins a pool block of its own (mqttjs/mqtt-packet#163)", () => {
    // When this fails, mqtt-packet no longer caches lengths in pool slices and the agent can keep Node's pool.
    const { blocks } = run('plain');
    expect(blocks).toBeGreaterThan(500);
  });
});
