import { availableSqliteDrivers, type SqliteDriverName } from '../src/spool/sqlite.js';

/**
 * The SQLite drivers the spool's tests run against: those that load in this Node. Under Node 20
 * that is better-sqlite3 only; CI runs the spool's tests a second time under the Node 24 the
 * single executable is built from, with VIGIL_EXPECT_SQLITE=node:sqlite, so that a driver
 * expected but missing fails instead of shrinking the run (see .ci/run).
 */
export function spoolDrivers(): SqliteDriverName[] {
  const available = availableSqliteDrivers();
  const expected = (process.env.VIGIL_EXPECT_SQLITE ?? '').split(',').filter(Boolean);
  const missing = expected.filter((driver) => !available.includes(driver as SqliteDriverName));
  if (missing.length > 0) throw new Error(`VIGIL_EXPECT_SQLITE names ${missing.join(', ')}, which does not load in Node ${process.version}`);
  if (available.length === 0) throw new Error(`no SQLite driver loads in Node ${process.version}`);
  return available;
}
