import { spawn } from 'node:child_process';
import { existsSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { AlertingDesk } from '../../test/faults/support/alerting.js';
import { FAULT_CODE, type FaultAgent, Fleet, freePort, VigilProcess, waitFor } from '../../test/faults/support/fleet.js';
import type { BackupManifest } from '../src/backup.js';

/**
 * Backup and restore as an operator does them (docs/OPERATIONS.md): `vigil backup` of a running
 * fleet while its agents write, then broker, ingestor and dashboard started on a fresh directory
 * restored from it, which the same agents reconnect to.
 */

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');

function vigil(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [VIGIL, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('exit', (status) => done({ status, stdout, stderr }));
  });
}

/** A database of a data directory, read-only, for one question. */
function readDb<T>(path: string, question: (db: Database.Database) => T): T {
  const db = new Database(path, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    return question(db);
  } finally {
    db.close();
  }
}

/** Numbered events of a recorder in a fleet.db: number -> how many times it was counted. */
function eventsIn(fleetDb: string, id: string): Map<number, number> {
  const rows = readDb(fleetDb, (db) => db.prepare('SELECT subject, count FROM events WHERE recorder_id = ? AND code = ?').all(id, FAULT_CODE)) as Array<{
    subject: string;
    count: number;
  }>;
  return new Map(rows.map((row) => [Number(row.subject.slice(1)), row.count]));
}

/** Numbered event points of a recorder in a telemetry.db: number -> how many points. */
function pointsIn(telemetryDb: string, id: string): Map<number, number> {
  const rows = readDb(telemetryDb, (db) =>
    db
      .prepare(
        `SELECT json_extract(s.tags, '$.subject') AS subject, COUNT(*) AS n FROM points p JOIN series s ON s.id = p.series_id
          WHERE s.measurement = 'event' AND s.recorder = ? AND json_extract(s.tags, '$.code') = ? GROUP BY subject`,
      )
      .all(id, FAULT_CODE),
  ) as Array<{ subject: string; n: number }>;
  return new Map(rows.map((row) => [Number(row.subject.slice(1)), row.n]));
}

const range = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);

let fleet: Fleet | undefined;
let dashboard: VigilProcess | undefined;
afterAll(async () => {
  await dashboard?.stop();
  await fleet?.close();
});

describe('vigil backup and restore', () => {
  it('backs up a running fleet while agents write; a fresh directory restored from it serves the same recorders, users, rules and points, and the agents go on with nothing doubled', async () => {
    const started = Date.now();
    fleet = await Fleet.start('backup');
    const f = fleet;
    // A user (NOC) and an alert rule, written as the dashboard writes them.
    const desk = await AlertingDesk.open(f);
    desk.rule({
      name: 'Camera down (backup test)',
      condition: { kind: 'problem', code: 'camera-unreachable' },
      forSeconds: 0,
      severity: 'error',
      channelIds: [],
    });
    desk.close();
    const agents: FaultAgent[] = await Promise.all([f.agent('bk-a'), f.agent('bk-b')]);
    for (const agent of agents) agent.writeLines(300);
    const settled = await f.settleAll(agents);
    expect(settled).toMatchObject({ lost: 0, doubled: 0, unexpected: 0 });
    // Drained from the outbox into telemetry.db too, so the backup's time series can be checked line by line.
    for (const agent of agents) {
      await waitFor(
        `${agent.id}'s points drained`,
        () => pointsIn(join(f.dataDir, 'telemetry.db'), agent.id).size,
        (n) => n >= 300,
        30_000,
      );
    }

    // The backup, while both agents write 40 lines a second each.
    const backupDir = join(f.dir, 'backup');
    const writers = agents.map((agent) => agent.writeSteadily(40));
    const backup = await vigil('backup', '--data-dir', f.dataDir, '--to', backupDir);
    for (const writer of writers) writer.stop();
    expect(backup.stderr).toBe('');
    expect(backup.status).toBe(0);
    expect(backup.stdout).toMatch(/backed up .* databases/);
    const manifest = JSON.parse(readFileSync(join(backupDir, 'vigil-backup.json'), 'utf8')) as BackupManifest;
    expect(manifest.vigilVersion).toBe('0.1.0');
    expect(manifest.files.filter((file) => file.kind === 'sqlite').map((file) => file.path)).toEqual(
      expect.arrayContaining(['alerts.db', 'dashboard.db', 'fleet.db', 'telemetry.db']),
    );
    // No WAL companions: each database is one consistent file.
    expect(manifest.files.some((file) => /-(wal|shm)$/.test(file.path))).toBe(false);
    const mode = (path: string) => statSync(join(backupDir, path)).mode & 0o777;
    expect(mode('pki')).toBe(0o700);
    expect(mode('pki/envelope.key')).toBe(0o600);
    expect(mode('pki/ca.key')).toBe(0o600);
    expect(mode('dashboard.db')).toBe(0o600);

    // What the backup holds: every line stored before it began, each once, events and points alike.
    const backedUp = new Map(agents.map((agent) => [agent.id, eventsIn(join(backupDir, 'fleet.db'), agent.id)]));
    for (const agent of agents) {
      const events = backedUp.get(agent.id)!;
      const points = pointsIn(join(backupDir, 'telemetry.db'), agent.id);
      for (const n of range(0, 300)) {
        expect(events.get(n), `${agent.id} line ${n} in the backup's fleet.db`).toBe(1);
        expect(points.get(n), `${agent.id} line ${n} in the backup's telemetry.db`).toBe(1);
      }
      for (const count of events.values()) expect(count).toBe(1);
    }

    // A second backup into the same place is refused, and writes nothing.
    const [again] = await Promise.all([vigil('backup', '--data-dir', f.dataDir, '--to', backupDir), f.settleAll(agents)]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain('is not empty');

    // The old fleet side goes; its directory is kept aside and a fresh one restored in its place.
    await f.ingestor.stop();
    await f.broker.stop();
    const oldDataDir = join(f.dir, 'data-old');
    renameSync(f.dataDir, oldDataDir);
    const restore = await vigil('restore', '--from', backupDir, '--data-dir', f.dataDir);
    expect(restore.stderr).toBe('');
    expect(restore.status).toBe(0);
    expect(statSync(join(f.dataDir, 'pki', 'envelope.key')).mode & 0o777).toBe(0o600);
    expect(existsSync(join(f.dataDir, 'vigil-backup.json'))).toBe(false);

    const connectionsBefore = agents.map((agent) => agent.connections());
    const httpPort = await freePort();
    dashboard = new VigilProcess(
      'dashboard',
      ['dashboard', '--data-dir', f.dataDir, '--mqtt-port', String(f.ports.mqtt), '--http-port', String(httpPort), '--enroll-port', String(f.ports.enroll)],
      {},
      async () => (await fetch(`http://127.0.0.1:${httpPort}/api/session`)).status < 500,
    );
    // The dashboard waits for nothing of theirs to start: all three come up together.
    await Promise.all([f.broker.start().then(() => f.ingestor.start()), dashboard.start()]);

    // The same agents (same certificates, same envelope key) come back to the restored fleet.
    for (const [i, agent] of agents.entries()) {
      await waitFor(
        `${agent.id} reconnected`,
        () => agent.connections(),
        (n) => n > connectionsBefore[i]!,
        60_000,
      );
      await waitFor(
        `${agent.id} online`,
        () => f.recorderState(agent.id),
        (s) => s === 'online',
        60_000,
      );
    }
    const from = agents.map((agent) => agent.sent);
    for (const agent of agents) agent.writeLines(100);
    for (const [i, agent] of agents.entries()) {
      await waitFor(
        `${agent.id}'s new lines in the restored fleet`,
        () => eventsIn(join(f.dataDir, 'fleet.db'), agent.id),
        (events) => range(from[i]!, agent.sent).every((n) => events.has(n)),
        60_000,
      );
      await waitFor(
        `${agent.id}'s spool acknowledged`,
        () => agent.spooled(),
        (n) => n === 0,
        30_000,
      );
    }

    for (const agent of agents) {
      const restored = eventsIn(join(f.dataDir, 'fleet.db'), agent.id);
      const old = eventsIn(join(oldDataDir, 'fleet.db'), agent.id);
      // Nothing doubled, nothing invented.
      for (const [n, count] of restored) {
        expect(count, `${agent.id} line ${n}`).toBe(1);
        expect(n).toBeLessThan(agent.sent);
      }
      // Everything the backup had, and everything written since the restore.
      for (const n of backedUp.get(agent.id)!.keys()) expect(restored.has(n), `${agent.id} line ${n} from the backup`).toBe(true);
      // What is missing is exactly what the old fleet stored after the backup: a restore goes back to the backup.
      const missing = range(0, agent.sent).filter((n) => !restored.has(n));
      for (const n of missing) expect(old.get(n), `${agent.id} line ${n}, missing after the restore, was stored by the old fleet`).toBe(1);
      const points = pointsIn(join(f.dataDir, 'telemetry.db'), agent.id);
      await waitFor(
        `${agent.id}'s points drained`,
        () => pointsIn(join(f.dataDir, 'telemetry.db'), agent.id),
        (p) => range(from[agents.indexOf(agent)]!, agent.sent).every((n) => p.has(n)),
        30_000,
      );
      for (const count of points.values()) expect(count).toBe(1);
    }

    // The dashboard on the restored directory knows the user and the rule.
    const login = await fetch(`http://127.0.0.1:${httpPort}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'noc', password: 'fault-suite-noc-password' }),
    });
    expect(login.status).toBe(200);
    const cookie = (login.headers.get('set-cookie') ?? '').split(';')[0]!;
    const rules = (await (await fetch(`http://127.0.0.1:${httpPort}/api/rules`, { headers: { cookie } })).json()) as { rules?: Array<{ name: string }> };
    expect(JSON.stringify(rules)).toContain('Camera down (backup test)');
    const recorders = (await (await fetch(`http://127.0.0.1:${httpPort}/api/recorders`, { headers: { cookie } })).json()) as {
      recorders: Array<{ id: string }>;
    };
    expect(recorders.recorders.map((r) => r.id).sort()).toEqual(['bk-a', 'bk-b']);
    console.log(`backup-restore: ${((Date.now() - started) / 1000).toFixed(1)} s, backup ${manifest.totalBytes} bytes`);
  }, 180_000);
});
