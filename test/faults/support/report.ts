import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StoredCount } from './fleet.js';

/** One scenario's outcome: the counts, how long recovery took, and what else it measured. */
export interface FaultResult extends StoredCount {
  name: string;
  recoveredSeconds: number;
  details?: Record<string, number | string>;
}

/**
 * Prints the scenario's line (`fault <name>: sent N, stored N, lost 0, doubled 0, recovered in T s`)
 * and, under `npm run proof` (VIGIL_PROOF_DIR set), keeps it as JSON for docs/PROOF.md.
 */
export function reportFault(result: FaultResult): void {
  const extra = result.details
    ? `; ${Object.entries(result.details)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}`
    : '';
  console.log(
    `fault ${result.name}: sent ${result.sent}, stored ${result.stored}, lost ${result.lost}, doubled ${result.doubled}, recovered in ${result.recoveredSeconds.toFixed(1)} s${extra}`,
  );
  keepForProof(`fault-${result.name}`, result);
}

/** Writes a result for `npm run proof` to pick up; nothing when the suite runs as part of npm test. */
export function keepForProof(name: string, result: unknown): void {
  const dir = process.env.VIGIL_PROOF_DIR;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(result, null, 2)}\n`);
}

/** Seconds since `since` (ms), for "recovered in". */
export const secondsSince = (since: number) => (Date.now() - since) / 1000;
