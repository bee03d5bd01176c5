import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { FleetPki } from '@vigil/proto/pki';
import { hasExecutable } from '../../testing/system.js';
import { loadAgentConfig } from '../src/config.js';
import {
  type InstallInput,
  linuxInstallPlan,
  linuxUninstallPlan,
  type Step,
  windowsInstallPlan,
  windowsUninstallPlan,
  winswConfig,
} from '../src/install/plan.js';
import { describePlan } from '../src/install/run.js';

const VIGIL = resolve(import.meta.dirname, '..', '..', 'cli', 'bin', 'vigil.js');
const runs = (steps: Step[]) => steps.flatMap((step) => (step.kind === 'run' ? [step.argv.join(' ')] : []));
const written = (steps: Step[], path: string): string => {
  const step = steps.find((s) => s.kind === 'write' && s.path === path);
  if (step?.kind !== 'write') throw new Error(`the plan writes no ${path}`);
  const content = step.content();
  return typeof content === 'string' ? content : Buffer.from(content).toString('latin1');
};

/** Every file under `dir`, relative, sorted. */
function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => !entry.isDirectory())
    .map((entry) => join(entry.parentPath, entry.name).slice(dir.length + 1))
    .sort();
}

describe('vigil-agent install and uninstall', () => {
  let dir: string;
  let configPath: string;
  let logs: { open: string; group: string; closed: string };
  let input: (overrides?: Partial<InstallInput>) => InstallInput;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-install-'));
    const pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    await pki.issueDevice('rec-7');
    logs = { open: join(dir, 'logs-open'), group: join(dir, 'logs-group'), closed: join(dir, 'logs-closed') };
    for (const [path, mode] of [
      [logs.open, 0o755],
      [logs.group, 0o750],
      [logs.closed, 0o700],
    ] as const) {
      mkdirSync(path);
      chmodSync(path, mode);
    }
    writeFileSync(join(dir, 'rules.yaml'), stringify({ rules: [] }));
    writeFileSync(join(dir, 'licence.json'), '{"cameras": 4, "licensed": 8}');
    configPath = join(dir, 'agent.yaml');
    writeFileSync(
      configPath,
      `# the installer's own comment, kept\n${stringify({
        recorderId: 'rec-7',
        broker: { url: 'mqtts://fleet.example.com:8883' },
        bundleDir: pki.device('rec-7').dir,
        dataDir: './data',
        inventory: { installation: { slc: 'SLC-7' }, site: { id: 'site-7' } },
        logs: { files: [{ glob: `${logs.open}/*.log` }, { glob: `${logs.group}/**/*.log` }, { glob: `${logs.closed}/x.log` }], rulesFile: 'rules.yaml' },
        disks: { paths: [{ path: dir, role: 'recording' }] },
        licences: { source: { file: 'licence.json' } },
      })}`,
    );
    const config = loadAgentConfig(configPath);
    input = (overrides = {}) => ({
      configPath,
      configText: readFileSync(configPath, 'utf8'),
      config,
      binary: '/tmp/vigil-agent-linux-x64',
      wrapper: { exe: () => new Uint8Array([0x4d, 0x5a]), runtimeConfig: () => '<configuration/>' },
      userExists: false,
      logFolders: [
        { path: logs.open, mode: 0o755, group: 'root' },
        { path: logs.group, mode: 0o750, group: 'adm' },
        { path: logs.closed, mode: 0o700, group: 'root' },
      ],
      hasSetfacl: true,
      noStart: false,
      now: new Date('2026-01-02T03:04:05Z'),
      ...overrides,
    });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('Linux: its own system user, the binary in /opt, config and keys readable by that user only, read access to each log folder, a hardened unit started at boot', () => {
    const { plan, manifest } = linuxInstallPlan(input());
    expect(runs(plan.steps)).toEqual([
      'useradd --system --user-group --home-dir /var/lib/vigil-agent --no-create-home --shell /usr/sbin/nologin --comment Vigil agent vigil-agent',
      `setfacl -R -m u:vigil-agent:rX ${logs.closed}`,
      `setfacl -R -d -m u:vigil-agent:rX ${logs.closed}`,
      'runuser -u vigil-agent -- /opt/vigil-agent/vigil-agent check --config /etc/vigil-agent/agent.yaml',
      'systemctl daemon-reload',
      'systemctl enable vigil-agent.service',
      'systemctl restart vigil-agent.service',
    ]);
    expect(plan.steps).toContainEqual({ kind: 'copy', from: '/tmp/vigil-agent-linux-x64', to: '/opt/vigil-agent/vigil-agent', mode: 0o755 });
    expect(plan.steps).toContainEqual(
      expect.objectContaining({ kind: 'copy', to: '/etc/vigil-agent/bundle/device.key', mode: 0o640, owner: 'root:vigil-agent' }),
    );
    expect(plan.steps).toContainEqual(expect.objectContaining({ kind: 'mkdir', path: '/etc/vigil-agent', mode: 0o750, owner: 'root:vigil-agent' }));
    // The agent renews its certificate in place: the bundle folder is writable by it, and only that under /etc.
    expect(plan.steps).toContainEqual(expect.objectContaining({ kind: 'mkdir', path: '/etc/vigil-agent/bundle', mode: 0o770, owner: 'root:vigil-agent' }));
    const unit = written(plan.steps, '/etc/systemd/system/vigil-agent.service');
    for (const line of [
      'User=vigil-agent',
      'SupplementaryGroups=adm',
      'ExecStart=/opt/vigil-agent/vigil-agent --config /etc/vigil-agent/agent.yaml',
      'Restart=on-failure',
      'RestartPreventExitStatus=2',
      'StateDirectory=vigil-agent',
      'NoNewPrivileges=yes',
      'ProtectSystem=strict',
      'ReadWritePaths=/etc/vigil-agent/bundle',
      'ProtectHome=yes',
      'PrivateTmp=yes',
      'CapabilityBoundingSet=',
      'RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK',
      'WantedBy=multi-user.target',
    ]) {
      expect(unit.split('\n'), line).toContain(line);
    }
    // V8 writes machine code at run time: this option would stop the agent at its first function.
    expect(unit).not.toMatch(/^MemoryDenyWriteExecute=/m);
    expect(manifest).toMatchObject({ createdUser: true, acls: [logs.closed], dataDir: '/var/lib/vigil-agent' });

    // Log folders under /home: the sandbox must still let it read them.
    const homeFolders = linuxInstallPlan(input({ logFolders: [{ path: '/home/vms/logs', mode: 0o755 }] })).plan;
    expect(written(homeFolders.steps, '/etc/systemd/system/vigil-agent.service')).toMatch(/^ProtectHome=read-only$/m);
    // Without setfacl it says what to do instead of failing half-way.
    const noAcl = linuxInstallPlan(input({ hasSetfacl: false, userExists: true })).plan;
    expect(runs(noAcl.steps).some((run) => run.startsWith('setfacl') || run.startsWith('useradd'))).toBe(false);
    expect(describePlan(noAcl)).toContain(`${logs.closed} (0700): vigil-agent cannot read it and setfacl is not installed; install the package "acl"`);
  });

  it('rewrites the config for its installed place: credentials in the bundle folder, the spool in the state folder, relative paths made absolute, comments kept', () => {
    const { plan } = linuxInstallPlan(input());
    const text = written(plan.steps, '/etc/vigil-agent/agent.yaml');
    expect(text).toContain("# the installer's own comment, kept");
    const installed = parse(text) as Record<string, never>;
    expect(installed).toMatchObject({
      recorderId: 'rec-7',
      bundleDir: '/etc/vigil-agent/bundle',
      dataDir: '/var/lib/vigil-agent',
      logs: { rulesFile: 'rules.yaml' },
      licences: { source: { file: join(dir, 'licence.json') } },
      disks: { paths: [{ path: dir, role: 'recording' }] },
    });
    expect(plan.steps).toContainEqual(expect.objectContaining({ kind: 'copy', from: join(dir, 'rules.yaml'), to: '/etc/vigil-agent/rules.yaml' }));
  });

  it('Linux uninstall: stops and removes what install made, takes back the ACLs, keeps the spool and the user unless --purge', () => {
    const { manifest } = linuxInstallPlan(input());
    const kept = linuxUninstallPlan(manifest, false);
    expect(runs(kept.steps)).toEqual([
      'systemctl disable --now vigil-agent.service',
      `setfacl -R -x u:vigil-agent ${logs.closed}`,
      `setfacl -R -d -x u:vigil-agent ${logs.closed}`,
      'systemctl daemon-reload',
    ]);
    const removed = kept.steps.flatMap((s) => (s.kind === 'remove' ? [s.path] : []));
    expect(removed).toEqual(['/etc/systemd/system/vigil-agent.service', '/usr/local/bin/vigil-agent', '/opt/vigil-agent', '/etc/vigil-agent']);
    expect(describePlan(kept)).toMatch(/keep {4}\/var\/lib\/vigil-agent: the spool/);
    expect(describePlan(kept)).toContain('keep    user vigil-agent');
    const purged = linuxUninstallPlan(manifest, true);
    expect(purged.steps).toContainEqual({ kind: 'remove', path: '/var/lib/vigil-agent', recursive: true });
    expect(runs(purged.steps)).toContain('userdel vigil-agent');
    // A user that was there before install stays, purge or not.
    expect(runs(linuxUninstallPlan({ ...manifest, createdUser: false }, true).steps)).not.toContain('userdel vigil-agent');
  });

  it('Windows: WinSW as the service, registered with sc.exe under its own virtual account, recovery actions, a rolling log, access granted and taken back', () => {
    const { plan, manifest } = windowsInstallPlan(input());
    expect(runs(plan.steps)).toEqual([
      'sc.exe stop vigil-agent',
      'sc.exe create vigil-agent binPath= "C:\\Program Files\\Vigil Agent\\vigil-agent-service.exe" start= delayed-auto DisplayName= Vigil agent obj= NT SERVICE\\vigil-agent',
      'sc.exe description vigil-agent Vigil edge agent: recorder health to the fleet',
      'sc.exe failure vigil-agent reset= 86400 actions= restart/5000/restart/5000/restart/60000',
      'sc.exe failureflag vigil-agent 1',
      'icacls C:\\ProgramData\\Vigil Agent /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F NT SERVICE\\vigil-agent:(OI)(CI)RX',
      'icacls C:\\ProgramData\\Vigil Agent\\data /grant NT SERVICE\\vigil-agent:(OI)(CI)M',
      'icacls C:\\ProgramData\\Vigil Agent\\logs /grant NT SERVICE\\vigil-agent:(OI)(CI)M',
      `icacls ${logs.open.replaceAll('/', '\\')} /grant NT SERVICE\\vigil-agent:(OI)(CI)RX`,
      `icacls ${logs.group.replaceAll('/', '\\')} /grant NT SERVICE\\vigil-agent:(OI)(CI)RX`,
      `icacls ${logs.closed.replaceAll('/', '\\')} /grant NT SERVICE\\vigil-agent:(OI)(CI)RX`,
      `icacls ${dir.replaceAll('/', '\\')} /grant NT SERVICE\\vigil-agent:RX`,
      `icacls ${join(dir, 'licence.json').replaceAll('/', '\\')} /grant NT SERVICE\\vigil-agent:R`,
      'sc.exe start vigil-agent',
    ]);
    expect(plan.steps).toContainEqual({ kind: 'copy', from: '/tmp/vigil-agent-linux-x64', to: 'C:\\Program Files\\Vigil Agent\\vigil-agent.exe' });
    expect(written(plan.steps, 'C:\\Program Files\\Vigil Agent\\vigil-agent-service.exe')).toBe('MZ');
    const xml = written(plan.steps, 'C:\\Program Files\\Vigil Agent\\vigil-agent-service.xml');
    expect(xml).toBe(winswConfig());
    expect(xml).toContain('<executable>C:\\Program Files\\Vigil Agent\\vigil-agent.exe</executable>');
    expect(xml).toContain('<arguments>--config "C:\\ProgramData\\Vigil Agent\\agent.yaml"</arguments>');
    expect(xml).toMatch(/<log mode="roll-by-size">\s*<sizeThreshold>10240<\/sizeThreshold>\s*<keepFiles>8<\/keepFiles>/);
    expect(xml.match(/<onfailure action="restart"/g)).toHaveLength(3);
    const config = parse(written(plan.steps, 'C:\\ProgramData\\Vigil Agent\\agent.yaml')) as Record<string, unknown>;
    expect(config).toMatchObject({ bundleDir: 'C:/ProgramData/Vigil Agent/bundle', dataDir: 'C:/ProgramData/Vigil Agent/data' });

    const uninstall = windowsUninstallPlan(manifest, false);
    expect(runs(uninstall.steps).slice(0, 2)).toEqual(['sc.exe stop vigil-agent', 'sc.exe delete vigil-agent']);
    expect(uninstall.steps[1]).toEqual({ kind: 'wait-stopped', service: 'vigil-agent', timeoutSeconds: 30 });
    expect(runs(uninstall.steps).filter((run) => run.includes('/remove'))).toHaveLength(manifest.grants.length - 1);
    expect(describePlan(uninstall)).toContain('keep    C:\\ProgramData\\Vigil Agent\\data: the spool');
    expect(windowsUninstallPlan(manifest, true).steps).toContainEqual({ kind: 'remove', path: 'C:\\ProgramData\\Vigil Agent', recursive: true });
  });

  it('install --root writes the Linux layout for real (the unit passes systemd-analyze verify), and uninstall removes all of it but the spool; --purge that too', () => {
    const root = join(dir, 'root');
    const binary = join(dir, 'vigil-agent');
    writeFileSync(binary, '#!/bin/sh\nexit 0\n');
    chmodSync(binary, 0o755);
    const vigil = (...args: string[]) => execFileSync(process.execPath, [VIGIL, 'agent', ...args], { encoding: 'utf8' });
    const out = vigil('install', '--config', configPath, '--binary', binary, '--root', root);
    expect(out).toContain('(not run: --root)');
    expect(filesUnder(root)).toEqual([
      'etc/systemd/system/vigil-agent.service',
      'etc/vigil-agent/agent.yaml',
      'etc/vigil-agent/bundle/ca.crt',
      'etc/vigil-agent/bundle/device.crt',
      'etc/vigil-agent/bundle/device.key',
      'etc/vigil-agent/bundle/recipient.pub.pem',
      'etc/vigil-agent/bundle/signing.key',
      'etc/vigil-agent/install.json',
      'etc/vigil-agent/rules.yaml',
      'opt/vigil-agent/vigil-agent',
      'usr/local/bin/vigil-agent',
    ]);
    expect(statSync(join(root, 'etc/vigil-agent/bundle/signing.key')).mode & 0o777).toBe(0o640);
    expect(statSync(join(root, 'opt/vigil-agent/vigil-agent')).mode & 0o777).toBe(0o755);
    // The spool made by the service, then uninstall.
    writeFileSync(join(root, 'var/lib/vigil-agent/spool.db'), 'spool');

    if (hasExecutable('/usr/bin/systemd-analyze')) {
      // systemd is not PID 1 here, so the unit cannot be started. verify reads it against the host's
      // units and reports every unknown key, bad value and non-executable ExecStart (pointed here at
      // the installed copy, as /opt/vigil-agent is under the root).
      const unitDir = join(dir, 'verify');
      mkdirSync(unitDir, { recursive: true });
      const unit = readFileSync(join(root, 'etc/systemd/system/vigil-agent.service'), 'utf8');
      writeFileSync(join(unitDir, 'vigil-agent.service'), unit.replace('ExecStart=/opt/', `ExecStart=${root}/opt/`));
      const verify = spawnSync('systemd-analyze', ['verify', join(unitDir, 'vigil-agent.service')], { encoding: 'utf8' });
      expect({ status: verify.status, complaints: verify.stderr.trim() }).toEqual({ status: 0, complaints: '' });
      const security = spawnSync('systemd-analyze', ['security', '--offline=yes', `--root=${root}`, join(root, 'etc/systemd/system/vigil-agent.service')], {
        encoding: 'utf8',
      });
      const exposure = /Overall exposure level for vigil-agent\.service:\s*([\d.]+)/.exec(security.stdout)?.[1];
      console.log(`systemd-analyze security: exposure ${exposure ?? '?'} (0 = most locked down, 10 = not at all)`);
      expect(Number(exposure)).toBeLessThan(3);
    }

    const dryRun = vigil('uninstall', '--root', root, '--dry-run');
    expect(dryRun).toContain('would uninstall');
    expect(filesUnder(root)).toHaveLength(12);
    const uninstall = vigil('uninstall', '--root', root);
    expect(uninstall).toContain('keep    /var/lib/vigil-agent: the spool');
    expect(filesUnder(root)).toEqual(['var/lib/vigil-agent/spool.db']);
    vigil('uninstall', '--root', root, '--purge');
    expect(filesUnder(root)).toEqual([]);
  });

  it('refuses before doing anything: a config with a problem, a real install as non-root or for the other system, no binary to install', () => {
    const vigil = (...args: string[]) => spawnSync(process.execPath, [VIGIL, 'agent', ...args], { encoding: 'utf8' });
    const bad = join(dir, 'bad.yaml');
    writeFileSync(bad, stringify({ recorderId: 'rec-7', broker: { url: 'mqtt://plain:1883' } }));
    const badConfig = vigil('install', '--config', bad, '--dry-run', '--binary', '/x');
    expect(badConfig.status).toBe(2);
    expect(badConfig.stderr).toContain('broker.url');
    const otherSystem = vigil('install', '--config', configPath, '--system', 'windows', '--binary', '/x');
    expect(otherSystem.status).toBe(2);
    expect(otherSystem.stderr).toContain('only --dry-run can show another system');
    const noBinary = vigil('install', '--config', configPath, '--dry-run');
    expect(noBinary.status).toBe(2);
    expect(noBinary.stderr).toContain('--binary: name the packaged agent');
    const windowsRoot = vigil('uninstall', '--system', 'windows', '--root', dir);
    expect(windowsRoot.status).toBe(2);
    expect(windowsRoot.stderr).toContain('--root is for trying a Linux install');
  });
});
