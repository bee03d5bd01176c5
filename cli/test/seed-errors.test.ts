import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { resolveSettings, startFleet, type RunningFleet } from '../src/index.js';

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');

interface Problem {
  kind: string;
  code: string;
  subject: string;
  count?: number;
}
interface Recorder {
  id: string;
  state: string;
  problems: Problem[];
}

/** One line per seed error, in the Recording Server's log format (CRLF, as on Windows). */
const SEED_LINES = [
  "2026-11-22 10:00:00.123+01:00 [   41] ERROR      - Camera 'Gate 3' (10.0.0.13): Unable to connect to camera",
  "2026-11-22 10:00:01.000+01:00 [   41] ERROR      - Camera 'Lobby' (10.0.0.14): Unable to connect to camera",
  "2026-11-22 10:00:02.000+01:00 [   57] ERROR      - Unable to add data to the media database for device 'Gate 3'. Error: DiskFull",
  "2026-11-22 10:00:03.000+01:00 [   88] ERROR      - Archive 'D:\\Archives\\Gate 3\\2026-10-01_00-00-00' could not be deleted: in use",
  "2026-11-22 10:00:04.000+01:00 [   88] WARNING    - File 'E:\\MediaDatabase\\Gate 3_4F2A\\00000123.blk' could not be deleted. Access denied.",
  "2026-11-22 10:00:05.000+01:00 [   90] FATAL      - Fatal error processing archive 'D:\\Archives\\Lobby\\2026-11-21_00-00-00': Index file is corrupt",
  "2026-11-22 10:00:06.000+01:00 [   90] ERROR      - Archive operation 'Move' failed for device 'Gate 3': Timeout expired",
  "2026-11-22 10:00:07.000+01:00 [   90] ERROR      - Archive file move error: 'D:\\Archives\\Gate 3\\2026-11-20_00-00-00'",
  "2026-11-22 10:00:08.000+01:00 [   21] INFO       - Camera 'Lobby' (10.0.0.14): Connection restored",
];

describe('every seed error written into a watched log reaches the recorder page', () => {
  let dir: string;
  let fleet: RunningFleet;
  let agent: ChildProcess;
  let cookie = '';
  let logFile: string;
  let configPath: string;

  const recorder = async (): Promise<Recorder> => {
    const res = await fetch(`${fleet.dashboardUrl}/api/recorders/rec-seed`, { headers: { cookie } });
    return (await res.json()) as Recorder;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-seed-'));
    fleet = await startFleet(
      resolveSettings(
        { dataDir: join(dir, 'data'), httpPort: '0', mqttPort: '0', wssPort: '0', metricsPort: '0', enrollPort: '0' },
        { VIGIL_ADMIN_PASSWORD: 'seed-admin' },
      ),
      pino({ level: 'silent' }),
    );
    const login = await fetch(`${fleet.dashboardUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: 'seed-admin' }),
    });
    cookie = (login.headers.get('set-cookie') ?? '').split(';')[0] ?? '';

    await fleet.pki.issueDevice('rec-seed');
    const host = join(dir, 'host');
    mkdirSync(join(host, 'Logs'), { recursive: true });
    mkdirSync(join(host, 'media'), { recursive: true });
    logFile = join(host, 'Logs', 'RecordingServer.log');
    writeFileSync(logFile, '');
    writeFileSync(join(host, 'event-server.running'), '');
    writeFileSync(join(host, 'licence.json'), JSON.stringify({ cameras: 52, licensed: 50 }));
    configPath = join(host, 'agent.yaml');
    writeFileSync(
      configPath,
      stringify({
        recorderId: 'rec-seed',
        broker: { url: fleet.brokerUrl },
        bundleDir: fleet.pki.device('rec-seed').dir,
        dataDir: join(host, 'agent-data'),
        heartbeatSeconds: 5,
        spool: { foldWindowSeconds: 5 },
        logs: { files: [{ glob: `${join(host, 'Logs').replaceAll('\\', '/')}/*.log` }], rescanSeconds: 1 },
        disks: { intervalSeconds: 2, paths: [{ path: './media' }], filling: { windowMinutes: 1 } },
        services: {
          intervalSeconds: 1,
          manager: 'command',
          watch: [
            { name: 'Event Server', command: 'test -f event-server.running' },
            { name: 'Mobile Server', command: 'test -f mobile-server.running' },
          ],
        },
        licences: { intervalSeconds: 1, source: { file: './licence.json' } },
        inventory: { installation: { slc: 'SLC-SEED' }, site: { id: 'seed-site' } },
      }),
    );
  });

  afterAll(async () => {
    if (agent && agent.exitCode === null) {
      const exited = new Promise((r) => agent.once('exit', r));
      agent.kill('SIGTERM');
      await exited;
    }
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('vigil agent check shows what each collector sees, without connecting', () => {
    const result = spawnSync(process.execPath, [VIGIL, 'agent', 'check', '--config', configPath], { encoding: 'utf8' });
    expect(result.stdout).toContain('valid config for recorder "rec-seed"');
    expect(result.stdout).toMatch(/credentials: device certificate for rec-seed/);
    expect(result.stdout).toMatch(/^logs: ok/m);
    expect(result.stdout).toMatch(/^disks: ok/m);
    // what an installer needs to see: a service that is not running and a licence overrun, and exit code 1
    expect(result.stdout).toMatch(/^services: PROBLEM/m);
    expect(result.stdout).toMatch(/Mobile Server: stopped/);
    expect(result.stdout).toMatch(/^licences: PROBLEM\n.*52 cameras, 50 licensed; 2 over the licence/m);
    expect(result.status).toBe(1);
    expect(fleet.ingestor.state.stateOf('rec-seed')).toBeUndefined();
  });

  it('shows conditions and events from the log, services and licences as problems of the recorder', async () => {
    agent = spawn(process.execPath, [VIGIL, 'agent', '--config', configPath], { env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' }, stdio: 'inherit' });
    const deadline = Date.now() + 20_000;
    while ((await recorder().catch(() => undefined))?.state === undefined && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    // the tailer starts at the end of files present at first start, so write after it is up
    await new Promise((r) => setTimeout(r, 1_500));
    appendFileSync(logFile, SEED_LINES.map((l) => `${l}\r\n`).join(''));

    const expected = [
      ['condition', 'camera-unreachable', 'Gate 3'],
      ['condition', 'service-stopped', 'Mobile Server'],
      ['condition', 'licence-overrun', ''],
      ['event', 'media-db-write-failure', 'Gate 3'],
      ['event', 'archive-delete-failed', 'D:\\Archives\\Gate 3\\2026-10-01_00-00-00'],
      ['event', 'file-delete-failed', 'E:\\MediaDatabase\\Gate 3_4F2A\\00000123.blk'],
      ['event', 'archive-fatal-error', 'D:\\Archives\\Lobby\\2026-11-21_00-00-00'],
      ['event', 'archive-operation-failed', 'Gate 3'],
      ['event', 'archive-move-failed', 'D:\\Archives\\Gate 3\\2026-11-20_00-00-00'],
    ];
    const key = (p: Problem | string[]) => (Array.isArray(p) ? p.join('|') : `${p.kind}|${p.code}|${p.subject}`);
    let seen: Recorder | undefined;
    while (Date.now() < deadline + 20_000) {
      seen = await recorder();
      const keys = new Set(seen.problems.map(key));
      if (expected.every((e) => keys.has(key(e)))) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen!.problems.map(key).sort()).toEqual(expected.map(key).sort());
    // Lobby came back within the same burst: its condition is cleared, not listed
    expect(seen!.problems.some((p) => p.code === 'camera-unreachable' && p.subject === 'Lobby')).toBe(false);
    expect(seen!.state).toBe('degraded');

    // the camera comes back and the service starts: both clear
    appendFileSync(logFile, "2026-11-22 10:01:00.000+01:00 [   21] INFO       - Camera 'Gate 3' (10.0.0.13): Connection restored\r\n");
    writeFileSync(join(dir, 'host', 'mobile-server.running'), '');
    writeFileSync(join(dir, 'host', 'licence.json'), JSON.stringify({ cameras: 50, licensed: 50 }));
    const cleared = Date.now() + 15_000;
    while (Date.now() < cleared) {
      seen = await recorder();
      if (!seen.problems.some((p) => p.kind === 'condition')) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen!.problems.filter((p) => p.kind === 'condition')).toEqual([]);
    // The fatal archive error and the other severe events stay problems for their lifetime (hours):
    // the recorder stays degraded until they clear (docs/DESIGN.md "Fleet state").
    expect(seen!.problems.map((p) => p.kind)).toEqual(expected.filter((e) => e[0] === 'event').map(() => 'event'));
    expect(seen!.state).toBe('degraded');
  });
});
