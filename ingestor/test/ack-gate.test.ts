import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetDb } from '../src/index.js';
import { AckGate, type PendingAck } from '../src/pipeline/ack-gate.js';

describe('end-to-end acks wait for the disk', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it('publishes nothing before one fsync of fleet.db, then the latest position of each recorder', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-ackgate-'));
    dirs.push(dir);
    const db = new FleetDb(join(dir, 'fleet.db'));
    const happened: string[] = [];
    const gate = new AckGate(
      () => {
        db.syncToDisk(); // a real fsync of the WAL
        happened.push('sync');
      },
      (id: string, ack: PendingAck) => happened.push(`${id}:${ack.seq}`),
      10,
    );
    for (let seq = 1; seq <= 50; seq++) {
      db.transaction(() => db.ensureRecorder(`r${seq % 5}`, seq));
      gate.add(`r${seq % 5}`, { epoch: 'e', seq });
    }
    expect(happened).toEqual([]); // committed, but not yet on disk: the agents keep their entries
    await new Promise((r) => setTimeout(r, 50));
    expect(happened).toEqual(['sync', 'r1:46', 'r2:47', 'r3:48', 'r4:49', 'r0:50']);
    gate.flush(); // nothing pending: no sync, nothing sent
    expect(happened).toHaveLength(6);
    db.close();
  });
});
