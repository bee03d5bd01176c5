import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FAULT_CODE, Fleet, waitFor } from '../../test/faults/support/fleet.js';
import { STRICT } from '../../testing/system.js';

/**
 * The self-contained executables from `npm run package:agent` (dist/agent/), run as an installer
 * would on a host without Node.js: the Linux one for real against a fleet of real broker and
 * ingestor processes; the Windows one is only read (its PE headers), as nothing here runs it:
 * Debian 12's Wine 8.0 cannot start Node 24 at all ("Fatal process out of memory:
 * SegmentedTable::InitializeTable (subspace allocation)", the plain node.exe too). With
 * VIGIL_WINE=<wine64 binary> a newer Wine can be tried on `check`.
 */
const OUT = resolve(import.meta.dirname, '..', '..', 'dist', 'agent');
const LINUX = join(OUT, 'vigil-agent-linux-x64');
const WINDOWS = join(OUT, 'vigil-agent-win-x64.exe');
const built = existsSync(LINUX) && existsSync(WINDOWS);
if (!built && STRICT) throw new Error(`VIGIL_STRICT=1 and ${OUT} has no executables: run npm run package:agent first (.ci/run does)`);
if (!built) console.warn(`skipping the packaged agent's tests: ${OUT} is empty (npm run package:agent)`);

/** No Node.js, no npm, no node_modules: the PATH of a bare host, and a working folder of its own. */
const bareEnv = (dir: string) => ({ PATH: '/nonexistent', HOME: dir, VIGIL_LOG_LEVEL: 'info' });

describe.skipIf(!built)('the packaged agent (dist/agent)', () => {
  it('matches SHA256SUMS, and the Windows executable is a well-formed x64 PE with the SEA blob injected and no broken signature', () => {
    const sums = readFileSync(join(OUT, 'SHA256SUMS'), 'utf8').trim().split('\n');
    for (const line of sums) {
      const [sum, name] = line.split(/\s+/);
      expect(
        createHash('sha256')
          .update(readFileSync(join(OUT, name!)))
          .digest('hex'),
        name,
      ).toBe(sum);
    }
    expect(sums).toHaveLength(2);

    const pe = readFileSync(WINDOWS);
    expect(pe.subarray(0, 2).toString('latin1')).toBe('MZ');
    const header = pe.readUInt32LE(0x3c);
    expect(pe.subarray(header, header + 4)).toEqual(Buffer.from('PE\0\0', 'latin1'));
    expect(pe.readUInt16LE(header + 4)).toBe(0x8664); // machine: x64
    const optional = header + 24;
    expect(pe.readUInt16LE(optional)).toBe(0x20b); // PE32+
    expect(pe.readUInt16LE(optional + 68)).toBe(3); // subsystem: Windows console
    // Data directory 4, the Authenticode certificate table: removed rather than left broken by the injection.
    expect([pe.readUInt32LE(optional + 112 + 32), pe.readUInt32LE(optional + 112 + 36)]).toEqual([0, 0]);
    // The resource postject adds (its name in UTF-16) and the fuse it flips, which makes node.exe run the blob.
    expect(pe.includes(Buffer.from('NODE_SEA_BLOB', 'utf16le'))).toBe(true);
    for (const file of [pe, readFileSync(LINUX)]) {
      expect(file.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:1')).toBe(true);
      expect(file.includes('NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2:0')).toBe(false);
    }
  });

  // Not run under Wine: Debian 12's Wine 8 cannot start Node 24 at all (docs/INSTALL.md says what
  // was and was not run on Windows).

  describe('Linux, on a host without Node.js, against a fleet of real broker and ingestor processes', () => {
    let fleet: Fleet;
    let dir: string;
    let agent: ChildProcess | undefined;
    beforeAll(async () => {
      fleet = await Fleet.start('packaged');
      dir = mkdtempSync(join(tmpdir(), 'vigil-packaged-'));
    }, 120_000);
    afterAll(async () => {
      if (agent && agent.exitCode === null) agent.kill('SIGKILL');
      await fleet?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    const run = (...args: string[]) => spawnSync(LINUX, args, { encoding: 'utf8', env: bareEnv(dir), cwd: dir, timeout: 120_000 });

    it('enrols with a token, passes check, comes online, delivers what its log says, and stops cleanly on SIGTERM', async () => {
      expect(run('--version').stdout.trim()).toBe('0.1.0');
      const token = fleet.pki.createEnrollmentToken('rec-sea');
      const enrolled = run(
        'enroll',
        '--url',
        `https://127.0.0.1:${fleet.ports.enroll}`,
        '--token',
        token,
        '--recorder-id',
        'rec-sea',
        '--ca',
        fleet.pki.caCertPath,
        '--out',
        join(dir, 'bundle'),
      );
      expect(enrolled.stderr).toBe('');
      expect(enrolled.stdout).toContain('enrolled rec-sea');

      const logDir = join(dir, 'logs');
      mkdirSync(logDir);
      writeFileSync(join(logDir, 'RecordingServer.log'), '');
      writeFileSync(
        join(dir, 'rules.yaml'),
        stringify({
          rules: [
            { id: 'numbered', pattern: 'VIGIL-FAULT-(?<n>\\d+):', code: FAULT_CODE, type: 'event', subject: 'n{n}', severity: 'warning', message: 'n {n}' },
          ],
        }),
      );
      writeFileSync(
        join(dir, 'agent.yaml'),
        stringify({
          recorderId: 'rec-sea',
          broker: { url: `mqtts://127.0.0.1:${fleet.ports.mqtt}` },
          bundleDir: './bundle',
          heartbeatSeconds: 2,
          dataDir: './data',
          inventory: { installation: { slc: 'SLC-sea' }, site: { id: 'site-sea' } },
          logs: { files: [{ glob: `${logDir}/*.log` }], presets: ['milestone-xprotect'], rulesFile: 'rules.yaml', startAt: 'beginning', pollSeconds: 0.2 },
          disks: { paths: [{ path: dir, role: 'recording' }] },
        }),
      );
      const check = run('check', '--config', 'agent.yaml');
      expect(check.stdout).toContain('valid config for recorder "rec-sea"');
      // The preset comes from inside the executable (there is no presets folder beside it).
      expect(check.stdout).toMatch(/31 rules loaded \(preset milestone-xprotect, rules.yaml\)/);
      expect({ status: check.status, stderr: check.stderr }).toEqual({ status: 0, stderr: '' });

      agent = spawn(LINUX, ['--config', 'agent.yaml'], { env: bareEnv(dir), cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      agent.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      agent.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      await waitFor(
        'rec-sea online',
        () => fleet.recorderState('rec-sea'),
        (state) => state === 'online' || state === 'degraded',
        90_000,
      );
      appendFileSync(join(logDir, 'RecordingServer.log'), 'VIGIL-FAULT-1: numbered mark\nVIGIL-FAULT-2: numbered mark\n');
      const events = await waitFor(
        'both events stored',
        () => fleet.storedEvents('rec-sea'),
        (stored) => stored.length === 2,
        60_000,
      );
      expect(events.map((event) => event.n)).toEqual([1, 2]);
      // The spool is SQLite through node:sqlite, inside the executable.
      expect(existsSync(join(dir, 'data', 'spool.db'))).toBe(true);

      const exited = new Promise<number | null>((done) => agent?.once('exit', (code) => done(code)));
      agent.kill('SIGTERM');
      expect(await exited).toBe(0);
      expect(output).not.toMatch(/ExperimentalWarning|Error:/);
    }, 240_000);

    it('install --dry-run prints the whole plan for Linux and for Windows without touching the host', () => {
      const linux = run('install', '--config', 'agent.yaml', '--dry-run');
      expect(linux.status).toBe(0);
      expect(linux.stdout).toContain('would install (linux):');
      expect(linux.stdout).toContain(`copy    ${LINUX} -> /opt/vigil-agent/vigil-agent 0755`);
      expect(linux.stdout).toContain('run     systemctl restart vigil-agent.service');
      const windows = run('install', '--config', 'agent.yaml', '--dry-run', '--system', 'windows', '--binary', WINDOWS);
      expect(windows.status).toBe(0);
      expect(windows.stdout).toContain('write   C:\\Program Files\\Vigil Agent\\vigil-agent-service.exe  (WinSW 1.17 service wrapper (from the executable))');
      expect(windows.stdout).toContain('run     sc.exe failure vigil-agent reset= 86400 actions= restart/5000/restart/5000/restart/60000');
      expect(existsSync('/etc/vigil-agent/install.json') && readFileSync('/etc/vigil-agent/install.json', 'utf8').includes('rec-sea')).toBe(false);
    });
  });
});
