// The standalone agent bundle: where it is, whether it is current, and the Node/V8 flags it runs
// with. Plain JavaScript, so cli/bin/vigil.js can ask before it decides between the bundle and the
// TypeScript sources.
import { readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setFlagsFromString } from 'node:v8';

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const DIST = join(REPO, 'agent', 'dist');
export const BUNDLE = join(DIST, 'vigil-agent.mjs');
/** What the build read: every source file, so a change to any of them makes the bundle stale. */
export const MANIFEST = join(DIST, 'vigil-agent.inputs.json');

/**
 * V8 flags for a small long-running daemon, measured with bench/agent/memory.ts (see
 * docs/BENCHMARKS.md, "Footprint"). The launchers pass them all; `vigil agent` starts in a process
 * that is already running, so it can apply only those that V8 still honours then (RUNTIME_FLAGS).
 */
export const NODE_FLAGS = [
  // Young generation capped at 1 MB semi-spaces instead of growing to 16 MB under load.
  '--max-semi-space-size=1',
  // No optimizing compiler: its code and zones cost memory, and the agent's hot loops are I/O bound.
  '--no-opt',
  // No baseline compiler either (~1-3 MB of code pages and baseline code). Affordable since the logs
  // are polled: the agent uses ~2 % of a core under the benchmark's log load, and matching runs in
  // the regex engine's own native code, which this flag does not touch.
  '--no-sparkplug',
  // Grows the old generation by ~2 MB between full collections instead of ~8 MB.
  '--optimize-for-size',
  // gc() for the heap trim (src/heap-trim.ts); without it the trim needs a second V8 context to get one.
  '--expose-gc',
];
export const RUNTIME_FLAGS = ['--no-opt'];

export function applyRuntimeFlags() {
  for (const flag of RUNTIME_FLAGS) setFlagsFromString(flag);
}

/**
 * The bundle's path when it is current, otherwise why not. A bundle older than any file it was
 * built from (a source edited, a checkout, a dependency updated) is stale: the caller then runs
 * the sources, so a stale bundle can never run old code.
 */
export function bundleStatus(paths = { bundle: BUNDLE, manifest: MANIFEST, repo: REPO }) {
  let built;
  let inputs;
  try {
    built = statSync(paths.bundle).mtimeMs;
    inputs = JSON.parse(readFileSync(paths.manifest, 'utf8')).inputs;
  } catch {
    return { current: false, reason: 'not built (npm install builds it, or npm run agent:build)' };
  }
  for (const input of inputs) {
    let changed;
    try {
      changed = statSync(join(paths.repo, input)).mtimeMs;
    } catch {
      return { current: false, reason: `stale: ${input} is gone` };
    }
    if (changed > built) return { current: false, reason: `stale: ${input} changed after the build` };
  }
  return { current: true, path: paths.bundle };
}
