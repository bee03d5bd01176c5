import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConditionChange, Observation, ServiceReading } from '../../../src/collectors/types.js';
import { ServicesCollector, servicesConfigSchema, type HostFacts, type ServicesConfigInput } from '../../../src/collectors/services/index.js';

const silent = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'vigil-services-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2025, 0, 1);
const LINUX_WITHOUT_SYSTEMD: HostFacts = { platform: 'linux', systemctlOnPath: false };

async function until(predicate: () => boolean, what: string, timeoutMs = 4000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

function recorder() {
  const observations: Observation[] = [];
  return {
    sink: { emit: (o: Observation) => void observations.push(o) },
    readings: (name?: string) => observations.filter((o): o is ServiceReading => o.kind === 'service' && (name === undefined || o.name === name)),
    conditions: () => observations.filter((o): o is ConditionChange => o.kind === 'condition'),
    observations,
  };
}

function collector(input: ServicesConfigInput, host: HostFacts = LINUX_WITHOUT_SYSTEMD, baseDir = dir) {
  let now = T0;
  const instance = new ServicesCollector(servicesConfigSchema.parse(input), { baseDir, clock: () => now, logger: silent, host });
  return { instance, advance: (ms: number) => (now += ms), now: () => now };
}

/** A process is gone when it no longer exists or is a zombie nobody has reaped yet (PID 1 in a container may not reap). */
function isGone(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.startsWith('Z');
  } catch {
    return true;
  }
}

describe('services collector with the command manager', () => {
  it('raises service-stopped once when the stand-in stops and clears it once when it starts again', async () => {
    const home = mkdtempSync(join(dir, 'lifecycle-'));
    const flag = join(home, 'running');
    writeFileSync(flag, '');
    // The relative path also proves commands run in baseDir.
    const { instance, advance } = collector(
      { intervalSeconds: 0.02, manager: 'command', watch: [{ name: 'Recording Server', command: 'test -f running' }] },
      LINUX_WITHOUT_SYSTEMD,
      home,
    );
    const seen = recorder();
    await instance.start(seen.sink);

    await until(() => seen.readings().length >= 3, 'three running readings');
    expect(seen.readings().every((r) => r.running && r.name === 'Recording Server')).toBe(true);
    expect(seen.conditions()).toEqual([]);

    advance(60_000);
    rmSync(flag);
    await until(() => seen.conditions().length === 1, 'service-stopped raised');
    const stoppedAt = seen.observations.length;
    await until(() => seen.readings().filter((r) => !r.running).length >= 3, 'more stopped readings');
    expect(seen.conditions()[0]).toMatchObject({
      code: 'service-stopped',
      subject: 'Recording Server',
      active: true,
      at: T0 + 60_000,
      severity: 'error',
      attributes: { manager: 'command', detail: 'test -f running: exit code 1' },
    });
    expect(seen.conditions()[0]!.message).toBe('Recording Server is not running (test -f running: exit code 1)');

    advance(60_000);
    writeFileSync(flag, '');
    await until(() => seen.conditions().length === 2, 'service-stopped cleared');
    const countAtClear = seen.readings().length;
    await until(() => seen.readings().length >= countAtClear + 3, 'more running readings');
    await instance.stop();

    expect(seen.conditions().map((c) => [c.active, c.at])).toEqual([
      [true, T0 + 60_000],
      [false, T0 + 120_000],
    ]);
    expect(seen.conditions()[1]!.message).toBe('Recording Server is running again');
    // Each reading carries the clock at the time it was taken.
    expect(seen.observations.slice(stoppedAt).every((o) => o.kind !== 'service' || o.at >= T0 + 60_000)).toBe(true);
    expect(instance.inventory()).toEqual({ services: ['Recording Server'] });
  });

  it('kills a command that hangs, counts it as not running, and never runs two at once', async () => {
    const home = mkdtempSync(join(dir, 'hang-'));
    // The shell records itself and its background sleep, so the test can see both were killed.
    const command = `echo $$ >> shells; sleep 30 & echo $! >> sleeps; wait`;
    const { instance } = collector(
      { intervalSeconds: 0.02, timeoutSeconds: 0.3, manager: 'command', watch: [{ name: 'Image Server', command }] },
      LINUX_WITHOUT_SYSTEMD,
      home,
    );
    const seen = recorder();
    const startedAt = Date.now();
    await instance.start(seen.sink);
    await until(() => seen.readings().length >= 2, 'two timed-out readings');
    await instance.stop();
    const elapsedMs = Date.now() - startedAt;

    expect(seen.readings().every((r) => !r.running)).toBe(true);
    expect(seen.conditions()).toHaveLength(1);
    expect(seen.conditions()[0]!.message).toBe(`Image Server is not running (${command}: no answer within 0.3 s, killed)`);

    const pids = (file: string) => readFileSync(join(home, file), 'utf8').trim().split('\n').map(Number);
    // With a tick every 20 ms a new check each tick would have started about elapsed/20 shells.
    expect(pids('shells').length).toBeLessThanOrEqual(Math.ceil(elapsedMs / 300) + 1);
    expect(instance.skippedTicks).toBeGreaterThan(5);
    await until(() => [...pids('shells'), ...pids('sleeps')].every(isGone), 'every shell and sleep killed');
  });

  it('kills the check in flight on stop() and emits nothing after', async () => {
    const home = mkdtempSync(join(dir, 'stop-'));
    const { instance } = collector(
      { intervalSeconds: 0.02, timeoutSeconds: 20, manager: 'command', watch: [{ name: 'Log Check', command: 'echo $$ > shell; exec sleep 30' }] },
      LINUX_WITHOUT_SYSTEMD,
      home,
    );
    const seen = recorder();
    await instance.start(seen.sink);
    await until(() => existsSync(join(home, 'shell')) && readFileSync(join(home, 'shell'), 'utf8').trim() !== '', 'the check to start');
    const pid = Number(readFileSync(join(home, 'shell'), 'utf8'));
    await instance.stop();
    await until(() => isGone(pid), 'the check to be killed');
    await new Promise((r) => setTimeout(r, 60));
    expect(seen.observations).toEqual([]);
  });

  it('reports each service in check()', async () => {
    const { instance } = collector({
      manager: 'command',
      watch: [
        { name: 'Recording Server', command: 'true' },
        { name: 'Image Import', command: 'echo "no such process" >&2; exit 3' },
      ],
    });
    const report = await instance.check();
    expect(report).toEqual({
      collector: 'services',
      ok: false,
      lines: [
        'manager: command',
        'Recording Server: running (true: exit code 0)',
        'Image Import: stopped (echo "no such process" >&2; exit 3: exit code 3 (no such process))',
      ],
    });
  });
});

describe('services collector with systemd and Windows, through stand-in tools on the PATH', () => {
  // Fake systemctl and sc.exe scripts answer from files the test writes, so the real argument
  // passing, output reading and interpretation run; only the service manager is a stand-in.
  const bin = mkdtempSync(join(dir, 'bin-'));
  const script = (name: string, body: string) => {
    writeFileSync(join(bin, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(bin, name), 0o755);
  };
  const originalPath = process.env.PATH;
  beforeAll(() => {
    script(
      'systemctl',
      '[ "$1" = is-active ] || exit 64\nif [ -f "$0.down" ]; then echo "Failed to connect to bus: Host is down" >&2; exit 1; fi\ncat "$0.$2" 2>/dev/null || echo inactive; exit 0',
    );
    script('sc.exe', '[ "$1" = query ] || exit 64\ncat "$0.$2"');
    process.env.PATH = `${bin}${delimiter}${originalPath ?? ''}`;
  });
  afterAll(() => {
    process.env.PATH = originalPath;
  });

  it('systemd: active is running, inactive raises, a systemctl that cannot answer changes nothing', async () => {
    writeFileSync(join(bin, 'systemctl.milestone-recording.service'), 'active\n');
    const { instance } = collector(
      {
        intervalSeconds: 0.02,
        watch: [
          { name: 'Recording Server', unit: 'milestone-recording.service' },
          { name: 'Mobile Server', command: 'false' },
        ],
      },
      { platform: 'linux', systemctlOnPath: true },
    );
    expect(instance.manager).toBe('systemd');
    const seen = recorder();
    await instance.start(seen.sink);
    await until(() => seen.readings('Recording Server').length >= 2, 'systemd readings');
    expect(seen.readings('Recording Server').every((r) => r.running)).toBe(true);
    // An entry without a unit falls back to its command.
    expect(seen.conditions().map((c) => c.subject)).toEqual(['Mobile Server']);

    writeFileSync(join(bin, 'systemctl.down'), '');
    const before = seen.readings('Recording Server').length;
    await until(() => seen.readings('Mobile Server').length >= before + 5, 'more rounds');
    expect(seen.readings('Recording Server').length).toBeLessThanOrEqual(before + 1);
    expect(seen.conditions()).toHaveLength(1);
    expect((await instance.check()).lines).toContain(
      'Recording Server: cannot tell (systemctl is-active milestone-recording.service: Failed to connect to bus: Host is down)',
    );

    rmSync(join(bin, 'systemctl.down'));
    writeFileSync(join(bin, 'systemctl.milestone-recording.service'), 'failed\n');
    await until(() => seen.conditions().some((c) => c.subject === 'Recording Server'), 'Recording Server stopped');
    await instance.stop();
    expect(seen.conditions().find((c) => c.subject === 'Recording Server')!.message).toBe(
      'Recording Server is not running (systemctl is-active milestone-recording.service: failed)',
    );
  });

  it.skipIf(process.platform === 'win32')('auto: looks for systemctl on the PATH it is handed, not on its own environment', () => {
    const input = servicesConfigSchema.parse({ watch: [{ name: 'Recording Server', unit: 'milestone-recording.service', command: 'true' }] });
    const onHandedPath = new ServicesCollector(input, { baseDir: dir, logger: silent, searchPath: bin });
    expect(onHandedPath.manager).toBe('systemd');
    // process.env.PATH holds the stand-in systemctl here; a collector handed another PATH does not see it.
    const elsewhere = new ServicesCollector(input, { baseDir: dir, logger: silent, searchPath: join(dir, 'no-such-folder') });
    expect(elsewhere.manager).toBe('command');
  });

  it('windows: reads sc query; a service that is not installed counts as stopped', async () => {
    const running =
      'SERVICE_NAME: MilestoneEventServerService\r\n        TYPE               : 10  WIN32_OWN_PROCESS\r\n        STATE              : 4  RUNNING\r\n';
    writeFileSync(join(bin, 'sc.exe.MilestoneEventServerService'), running);
    writeFileSync(
      join(bin, 'sc.exe.MilestoneMobileServerService'),
      '[SC] EnumQueryServicesStatus:OpenService FAILED 1060:\r\n\r\nThe specified service does not exist as an installed service.\r\n',
    );
    const { instance } = collector(
      {
        watch: [
          { name: 'Event Server', windowsName: 'MilestoneEventServerService' },
          { name: 'Mobile Server', windowsName: 'MilestoneMobileServerService' },
          { name: 'Image Server', unit: 'image.service' },
        ],
      },
      { platform: 'win32', systemctlOnPath: false },
    );
    expect(instance.manager).toBe('windows');
    const report = await instance.check();
    expect(report.ok).toBe(false);
    expect(report.lines).toEqual([
      'manager: windows (auto)',
      'Event Server: running (sc query MilestoneEventServerService: 4 RUNNING)',
      'Mobile Server: stopped (sc query MilestoneMobileServerService: error 1060 The specified service does not exist as an installed service.)',
      'Image Server: cannot be checked with the windows manager; give it a windowsName or a command',
    ]);
  });
});

describe('services config', () => {
  const issues = (input: unknown) => {
    const result = servicesConfigSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('applies the defaults', () => {
    expect(servicesConfigSchema.parse({ watch: [{ name: 'A', unit: 'a.service' }] })).toEqual({
      intervalSeconds: 30,
      timeoutSeconds: 10,
      manager: 'auto',
      watch: [{ name: 'A', unit: 'a.service' }],
    });
  });

  it('names the field that is wrong', () => {
    expect(issues({ watch: [{ name: 'A' }] })).toEqual(['watch.0: set unit (systemd), windowsName (Windows service) or command']);
    expect(
      issues({
        manager: 'systemd',
        watch: [
          { name: 'A', unit: 'a' },
          { name: 'B', windowsName: 'b' },
        ],
      }),
    ).toEqual(['watch.1.unit: required when manager is systemd (or give this entry a command)']);
    expect(issues({ manager: 'launchd', watch: [{ name: 'A', command: 'true' }] })[0]).toMatch(/^manager: /);
    expect(
      issues({
        watch: [
          { name: 'A', command: 'x' },
          { name: 'A', command: 'y' },
        ],
      }),
    ).toEqual(['watch.1.name: "A" is listed twice']);
    expect(issues({ watch: [] })).toEqual(['watch: list at least one service to watch']);
  });

  it('accepts its sample.yaml', () => {
    const sample = parseYaml(readFileSync(new URL('../../../src/collectors/services/sample.yaml', import.meta.url), 'utf8')) as { services: unknown };
    expect(servicesConfigSchema.parse(sample.services).watch).toHaveLength(3);
  });
});
