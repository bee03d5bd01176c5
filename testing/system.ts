import { accessSync, constants } from 'node:fs';
import { describe } from 'vitest';

/**
 * Suites that need a program from the system (Chromium, influxd, mosquitto) skip when it is
 * missing, except under VIGIL_STRICT=1 (CI), where a missing program fails the suite instead.
 */
export const STRICT = process.env.VIGIL_STRICT === '1';

export function hasExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function describeWithSystem(name: string, executables: string[], suite: () => void): void {
  const missing = executables.filter((path) => !hasExecutable(path));
  if (missing.length === 0) {
    describe(name, suite);
  } else if (STRICT) {
    describe(name, () => {
      throw new Error(`VIGIL_STRICT=1 and ${missing.join(', ')} is not installed: run .ci/run (or apt-get install the package) first`);
    });
  } else {
    console.warn(`skipping "${name}": ${missing.join(', ')} not installed (set VIGIL_STRICT=1 to make this an error)`);
    describe.skip(name, suite);
  }
}
