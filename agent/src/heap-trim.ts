import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

export interface HeapTrimOptions {
  /** How often the heap is looked at. */
  intervalMs?: number;
  /** Growth of the old generation since the last collection that triggers one. */
  growthBytes?: number;
  /** The full collection; V8's gc() by default. */
  collect?: () => void;
}

/**
 * Keeps a long-running agent's heap near its live size: every `intervalMs`, if the old generation
 * has grown by `growthBytes` since the last full collection, it runs one. The young generation is
 * left out: it fills and empties every second under load, and its scavenges are cheap.
 *
 * V8 lets the old generation fill with a few MB of garbage between its own full collections, and
 * a process's RSS follows. On a recorder host that is memory held for nothing, so the agent
 * collects early instead. Under the benchmark's log load (agent/memory) that is a full collection
 * every 5 s for about 0.3 % of a core, and RSS stays flat instead of creeping up by 2 MB; idle, the
 * heap hardly grows and this costs nothing. Returns a function that stops it.
 */
export function startHeapTrim(options: HeapTrimOptions = {}): () => void {
  const collect = options.collect ?? fullCollector();
  const growthBytes = options.growthBytes ?? 512 * 1024;
  let baseline = oldGenerationUsed();
  const timer = setInterval(() => {
    if (oldGenerationUsed() - baseline < growthBytes) return;
    collect();
    baseline = oldGenerationUsed();
  }, options.intervalMs ?? 5_000);
  timer.unref();
  return () => clearInterval(timer);
}

/** Bytes used by everything but the young generation. */
function oldGenerationUsed(): number {
  let used = 0;
  for (const space of getHeapSpaceStatistics()) {
    if (!space.space_name.startsWith('new_')) used += space.space_used_size;
  }
  return used;
}

/**
 * V8's gc(). The launcher starts node with --expose-gc; otherwise (`vigil agent` in the CLI's
 * process) the flag is set at run time, which only affects contexts created afterwards, so gc() is
 * taken from a new one (about 1 MB, kept alive by it).
 */
export function fullCollector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
