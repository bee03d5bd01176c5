import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetDb } from '../src/index.js';

describe('latest readings in fleet.db, a batch at a time', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const fleetDb = () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-latest-'));
    dirs.push(dir);
    return new FleetDb(join(dir, 'fleet.db'));
  };

  it('keeps the newest reading of each drive and service, in one statement as one by one', () => {
    const many = fleetDb();
    const single = fleetDb();
    const services = [
      { name: 'VMS', running: true, at: 10 },
      { name: 'Recorder', running: false, at: 10 },
      { name: 'VMS', running: false, at: 12 }, // a later reading of the same service in the same batch wins
      { name: 'Recorder', running: true, at: 5 }, // an older one does not
    ];
    const disks = Array.from({ length: 20 }, (_, n) => ({ path: `D${n % 3}:`, totalBytes: 1_000, freeBytes: 1_000 - n, at: n % 7 })); // more rows than one statement holds
    many.recordServices('r1', services);
    many.recordDisks('r1', disks);
    for (const s of services) single.recordService({ recorderId: 'r1', ...s });
    for (const d of disks) single.recordDisk({ recorderId: 'r1', ...d });
    expect(many.servicesOf('r1')).toEqual(single.servicesOf('r1'));
    expect(many.disksOf('r1')).toEqual(single.disksOf('r1'));
    expect(many.servicesOf('r1')).toEqual([
      { name: 'Recorder', running: false, at: 10 },
      { name: 'VMS', running: false, at: 12 },
    ]);
    // A late batch (older readings) changes nothing; an empty one neither.
    many.recordServices('r1', [{ name: 'VMS', running: true, at: 11 }]);
    many.recordDisks('r1', []);
    expect(many.servicesOf('r1')).toEqual(single.servicesOf('r1'));
    many.close();
    single.close();
  });
});
