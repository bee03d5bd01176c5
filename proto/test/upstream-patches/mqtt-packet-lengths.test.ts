import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const FIXTURE = fileURLToPath(new URL('./fixtures/length-cache-blocks.ts', import.meta.url));

function run(mode: 'fill' | 'plain'): { blocks: number; pinnedBytes: number } {
  const out = execFileSync(process.execPath, ['--import', 'tsx', FIXTURE, mode], { encoding: 'utf8' });
  return JSON.parse(out) as { blocks: number; pinnedBytes: number };
}

// The agent's variant of this patch (a small Buffer pool) is tested in agent/test/upstream-patches.
describe('fillPacketLengthCache', () => {
  it('keeps the packet-length cache of mqtt-packet in a few pool blocks, whatever lengths come later', () => {
    const { blocks, pinnedBytes } = run('fill');
    expect(blocks).toBeLessThanOrEqual(64);
    expect(pinnedBytes).toBeLessThanOrEqual(64 * 65_536);
  });

  it('is still needed: without it, every new length pins a pool block of its own (mqttjs/mqtt-packet#163)', () => {
    // When this fails, mqtt-packet no longer caches lengths in pool slices and the fill can go.
    const { blocks } = run('plain');
    expect(blocks).toBeGreaterThan(500);
  });
});
