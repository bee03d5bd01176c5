import { mkdtemp, realpath, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CollectorSink, Observation } from '../../../src/collectors/types.js';

/** A fresh temp directory (real path, so it compares equal to what watchers report). */
export async function makeTempDir(): Promise<string> {
  return realpath(await mkdtemp(join(tmpdir(), 'vigil-logs-')));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

/** Polls until `check` returns true (or stops throwing); fails with `what` after the timeout. */
export async function waitFor(what: string, check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** Only for proving that something does NOT happen within a while. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export class CollectingSink implements CollectorSink {
  readonly observations: Observation[] = [];

  emit(observation: Observation): void {
    this.observations.push(observation);
  }
}
