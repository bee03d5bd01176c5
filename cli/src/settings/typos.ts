import type { Environment } from './setting.js';

/** VIGIL_* variables read outside the fleet-side settings: the agent, the launcher, the tests. */
const READ_ELSEWHERE = [
  'VIGIL_RECORDER_ID',
  'VIGIL_HEARTBEAT_SECONDS',
  'VIGIL_AGENT_DATA_DIR',
  'VIGIL_AGENT_FROM_SOURCES',
  'VIGIL_NODE',
  'VIGIL_STRICT',
  'VIGIL_INFLUXD',
  'VIGIL_TEST_LOG_LEVEL',
  'VIGIL_TEST_INFLUX_OUTAGE_MS',
  'VIGIL_PROOF_DIR',
];

/** Edits (insert, delete, replace one character) from a to b. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}

/**
 * A VIGIL_* variable nobody reads but that is a slip away from one that is read
 * (VIGIL_HTTP_PROT, VIGIL_INFLUX_BUCKETS): a warning naming the one probably meant, since the
 * setting silently keeps its default otherwise. Names far from every known one are left alone.
 */
export function misspeltVariables(env: Environment, known: readonly string[]): Array<{ variable: string; meant: string }> {
  const all = new Set([...known, ...READ_ELSEWHERE]);
  const found: Array<{ variable: string; meant: string }> = [];
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith('VIGIL_') || all.has(variable)) continue;
    let meant: string | undefined;
    let best = 3; // at most two slips
    for (const name of all) {
      const d = distance(variable, name);
      if (d < best) [best, meant] = [d, name];
    }
    if (meant) found.push({ variable, meant });
  }
  return found;
}
