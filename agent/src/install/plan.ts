import { posix, win32 } from 'node:path';
import picomatch from 'picomatch';
import { isMap, parseDocument } from 'yaml';
import type { AgentConfig } from '../config.js';

/**
 * `vigil-agent install` and `uninstall` as plans: every file written, folder made, command run or
 * thing kept, computed in full before anything happens. `--dry-run` prints a plan; the tests read
 * the plans for both systems on Linux; ./run.ts carries one out.
 */
export type InstallSystem = 'linux' | 'windows';

export type Step =
  | { kind: 'mkdir'; path: string; mode?: number; owner?: string }
  | { kind: 'copy'; from: string; to: string; mode?: number; owner?: string }
  /** `content` is produced only when the step is carried out (the WinSW asset, a key file). */
  | { kind: 'write'; path: string; content: () => string | Uint8Array; describe: string; mode?: number; owner?: string }
  | { kind: 'symlink'; path: string; target: string }
  | { kind: 'run'; argv: string[]; why: string; mayFail?: boolean }
  /** Windows: until `sc query` says STOPPED (or the service is gone), at most timeoutSeconds. */
  | { kind: 'wait-stopped'; service: string; timeoutSeconds: number }
  | { kind: 'remove'; path: string; recursive?: boolean }
  | { kind: 'keep'; path: string; why: string }
  | { kind: 'note'; text: string };

export interface Plan {
  system: InstallSystem;
  action: 'install' | 'uninstall';
  steps: Step[];
}

/** What an install leaves behind for `uninstall` to undo: written into the config folder. */
export interface InstallManifest {
  version: 1;
  system: InstallSystem;
  installedAt: string;
  /** Linux: whether install created the vigil-agent user (else it was there and stays). */
  createdUser: boolean;
  /** Linux: folders given a `u:vigil-agent:rX` ACL (access and default). */
  acls: string[];
  /** Windows: paths given an icacls grant for the service's account. */
  grants: string[];
  /** Files and folders install made, removed by uninstall (the binary folder, the config folder, ...). */
  remove: string[];
  /** The spool: kept unless --purge. */
  dataDir: string;
}

export const SERVICE_NAME = 'vigil-agent';
export const SERVICE_USER = 'vigil-agent';
/** The account Windows makes for the service (a virtual account: no password, no profile to manage). */
export const WINDOWS_ACCOUNT = `NT SERVICE\\${SERVICE_NAME}`;

export const LINUX_LAYOUT = {
  programDir: '/opt/vigil-agent',
  binary: '/opt/vigil-agent/vigil-agent',
  link: '/usr/local/bin/vigil-agent',
  configDir: '/etc/vigil-agent',
  config: '/etc/vigil-agent/agent.yaml',
  bundleDir: '/etc/vigil-agent/bundle',
  manifest: '/etc/vigil-agent/install.json',
  dataDir: '/var/lib/vigil-agent',
  unit: '/etc/systemd/system/vigil-agent.service',
} as const;

export const WINDOWS_LAYOUT = {
  programDir: 'C:\\Program Files\\Vigil Agent',
  binary: 'C:\\Program Files\\Vigil Agent\\vigil-agent.exe',
  wrapper: 'C:\\Program Files\\Vigil Agent\\vigil-agent-service.exe',
  wrapperConfig: 'C:\\Program Files\\Vigil Agent\\vigil-agent-service.xml',
  wrapperRuntimeConfig: 'C:\\Program Files\\Vigil Agent\\vigil-agent-service.exe.config',
  configDir: 'C:\\ProgramData\\Vigil Agent',
  config: 'C:\\ProgramData\\Vigil Agent\\agent.yaml',
  bundleDir: 'C:\\ProgramData\\Vigil Agent\\bundle',
  manifest: 'C:\\ProgramData\\Vigil Agent\\install.json',
  dataDir: 'C:\\ProgramData\\Vigil Agent\\data',
  logDir: 'C:\\ProgramData\\Vigil Agent\\logs',
} as const;

/** A folder the agent must read (log folder) or see (disk path), as found on this host. */
export interface FolderFacts {
  path: string;
  /** Missing: the folder does not exist (yet); access is then granted as for an unreadable one. */
  mode?: number;
  group?: string;
}

export interface InstallInput {
  /** The installer's agent.yaml, validated; its text is rewritten for the installed layout. */
  configPath: string;
  configText: string;
  config: AgentConfig;
  /** The self-contained executable to install. */
  binary: string;
  /** WinSW and its runtime config, for Windows: produced when the step runs (an asset of the executable). */
  wrapper: { exe: () => Uint8Array; runtimeConfig: () => string };
  /** Linux: whether the vigil-agent user exists already. */
  userExists: boolean;
  /** Linux: the log folders the config watches, as found (see logFolders). */
  logFolders: FolderFacts[];
  /** Linux: whether setfacl is installed (package acl). */
  hasSetfacl: boolean;
  /** Enable the service without starting it. */
  noStart: boolean;
  now: Date;
}

/** The folders the logs collector watches: each glob's static part (before the first glob character). */
export function watchedLogFolders(config: AgentConfig): string[] {
  const folders = (config.logs?.files ?? []).map(({ glob }) => {
    const scanned = picomatch.scan(glob);
    return scanned.isGlob ? scanned.base || '/' : posix.dirname(glob);
  });
  return [...new Set(folders)];
}

const CREDENTIAL_FILES = [
  { field: 'tls.cert', name: 'device.crt', secret: false },
  { field: 'tls.key', name: 'device.key', secret: true },
  { field: 'tls.ca', name: 'ca.crt', secret: false },
  { field: 'envelope.signingKey', name: 'signing.key', secret: true },
  { field: 'envelope.recipientPublicKey', name: 'recipient.pub.pem', secret: false },
] as const;

function credentialSource(config: AgentConfig, field: (typeof CREDENTIAL_FILES)[number]['field']): string {
  switch (field) {
    case 'tls.cert':
      return config.tls.cert;
    case 'tls.key':
      return config.tls.key;
    case 'tls.ca':
      return config.tls.ca;
    case 'envelope.signingKey':
      return config.envelope.signingKey;
    case 'envelope.recipientPublicKey':
      return config.envelope.recipientPublicKey;
  }
}

/**
 * The installer's config, for its installed place: the credentials in the bundle folder next to
 * it, the spool in the service's data folder, the rules file copied beside it, and the other
 * paths that were relative (disk paths, the licence file) made absolute, as they name things on
 * this host that stay where they are. Comments and layout are kept.
 */
export function installedConfigText(
  input: Pick<InstallInput, 'configText' | 'config'>,
  layout: { bundleDir: string; dataDir: string; configDir: string },
  system: InstallSystem,
): { text: string; rulesFile?: { from: string; to: string } } {
  const document = parseDocument(input.configText);
  const slashes = (path: string) => (system === 'windows' ? path.replaceAll('\\', '/') : path);
  document.delete('tls');
  document.delete('envelope');
  document.set('bundleDir', slashes(layout.bundleDir));
  document.set('dataDir', slashes(layout.dataDir));
  const { config } = input;
  let rulesFile: { from: string; to: string } | undefined;
  if (config.logs?.rulesFile !== undefined) {
    const from = resolveFrom(config.configDir, config.logs.rulesFile);
    const name = `rules${posix.extname(config.logs.rulesFile).toLowerCase() === '.json' ? '.json' : '.yaml'}`;
    rulesFile = { from, to: (system === 'windows' ? win32 : posix).join(layout.configDir, name) };
    document.setIn(['logs', 'rulesFile'], name);
  }
  if (config.licences?.source.file !== undefined) document.setIn(['licences', 'source', 'file'], resolveFrom(config.configDir, config.licences.source.file));
  const disks = document.getIn(['disks', 'paths']);
  if (disks && typeof disks === 'object' && 'items' in disks && Array.isArray(disks.items)) {
    disks.items.forEach((item: unknown, index: number) => {
      if (!isMap(item)) return;
      const path = item.get('path');
      if (typeof path === 'string') document.setIn(['disks', 'paths', index, 'path'], resolveFrom(config.configDir, path));
    });
  }
  const header = `# Installed by "vigil-agent install" on ${new Date().toISOString().slice(0, 10)} from ${input.config.configDir}. Check it with:\n#   vigil-agent check --config ${slashes(system === 'windows' ? win32.join(layout.configDir, 'agent.yaml') : posix.join(layout.configDir, 'agent.yaml'))}\n`;
  return { text: header + document.toString({ lineWidth: 0 }), ...(rulesFile ? { rulesFile } : {}) };
}

/** An absolute path stays (either form: configs are written on one system for another); a relative one joins the config's folder. */
function resolveFrom(base: string, path: string): string {
  if (posix.isAbsolute(path) || win32.isAbsolute(path)) return path;
  return (win32.isAbsolute(base) && !posix.isAbsolute(base) ? win32 : posix).join(base, path);
}

/** The systemd unit: its own user, restart on failure, and a sandbox that still lets it statfs drives and ask systemd about services. */
export function systemdUnit(options: { supplementaryGroups: string[]; protectHome: 'yes' | 'read-only' }): string {
  const L = LINUX_LAYOUT;
  return `# Installed by "vigil-agent install"; removed by "vigil-agent uninstall". Local changes: systemctl edit vigil-agent
[Unit]
Description=Vigil edge agent (recorder health to the fleet)
Documentation=file:${L.configDir}/agent.yaml
Wants=network-online.target
After=network-online.target

[Service]
Type=simple
User=${SERVICE_USER}
Group=${SERVICE_USER}
${options.supplementaryGroups.length > 0 ? `# Groups that own the watched log folders (read access to them)\nSupplementaryGroups=${options.supplementaryGroups.join(' ')}\n` : ''}ExecStart=${L.binary} --config ${L.config}
Restart=on-failure
RestartSec=5s
# Exit code 2 is a config mistake: restarting cannot fix it ("vigil-agent check" says what to change).
RestartPreventExitStatus=2
TimeoutStopSec=20s
# The spool: /var/lib/vigil-agent, made and owned by systemd, the only place the agent writes.
StateDirectory=vigil-agent
StateDirectoryMode=0750
UMask=0077

# Sandbox. Left out on purpose: MemoryDenyWriteExecute (V8 compiles JavaScript and WebAssembly to
# machine code at run time), ProtectProc=invisible and PrivateUsers (a "command:" service probe may
# look at other users' processes), PrivateNetwork and IPAddressDeny (it talks to the broker).
NoNewPrivileges=yes
ProtectSystem=strict
# The one place under /etc it writes: its renewed certificate and key.
ReadWritePaths=${L.bundleDir}
ProtectHome=${options.protectHome}
PrivateTmp=yes
PrivateDevices=yes
ProtectKernelTunables=yes
ProtectKernelModules=yes
ProtectKernelLogs=yes
ProtectControlGroups=yes
ProtectClock=yes
ProtectHostname=yes
RestrictNamespaces=yes
RestrictRealtime=yes
RestrictSUIDSGID=yes
LockPersonality=yes
RemoveIPC=yes
CapabilityBoundingSet=
AmbientCapabilities=
# AF_UNIX: "systemctl is-active" asks systemd over D-Bus; AF_NETLINK: name lookups (getaddrinfo's AI_ADDRCONFIG).
RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK
SystemCallArchitectures=native
SystemCallFilter=@system-service
# A call outside the filter fails with EPERM rather than killing the agent.
SystemCallErrorNumber=EPERM

[Install]
WantedBy=multi-user.target
`;
}

const xmlText = (text: string) => text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

/** WinSW's configuration: the executable it keeps running, restarts, and a log folder rolled by size. */
export function winswConfig(): string {
  const W = WINDOWS_LAYOUT;
  return `<!-- Installed by "vigil-agent install"; removed by "vigil-agent uninstall". WinSW 1.17 runs the agent as a Windows service. -->
<service>
  <id>${SERVICE_NAME}</id>
  <name>Vigil agent</name>
  <description>Vigil edge agent: recorder health to the fleet</description>
  <executable>${xmlText(W.binary)}</executable>
  <arguments>--config "${xmlText(W.config)}"</arguments>
  <workingdirectory>${xmlText(W.configDir)}</workingdirectory>
  <logpath>${xmlText(W.logDir)}</logpath>
  <!-- The agent's output (JSON lines) in vigil-agent-service.out.log / .err.log, rolled at 10 MiB, 8 kept. -->
  <log mode="roll-by-size">
    <sizeThreshold>10240</sizeThreshold>
    <keepFiles>8</keepFiles>
  </log>
  <!-- The agent exiting by itself is a failure: restart it (5 s, 5 s, then every 60 s; the count resets after a day). -->
  <onfailure action="restart" delay="5 sec"/>
  <onfailure action="restart" delay="5 sec"/>
  <onfailure action="restart" delay="60 sec"/>
  <resetfailure>1 day</resetfailure>
  <!-- Stop: Ctrl+C to the agent (it flushes and closes the spool), killed after 20 s. -->
  <stoptimeout>20 sec</stoptimeout>
</service>
`;
}

function ownerOf(mode: number | undefined): string {
  return mode === undefined ? '' : ` (${mode.toString(8).padStart(4, '0')})`;
}

/** Read access to a log folder: already there, through its group, or with an ACL (setfacl). */
export function linuxFolderAccess(folder: FolderFacts): { kind: 'others' } | { kind: 'group'; group: string } | { kind: 'acl' } {
  if (folder.mode !== undefined && (folder.mode & 0o005) === 0o005) return { kind: 'others' };
  if (folder.mode !== undefined && folder.group !== undefined && (folder.mode & 0o050) === 0o050) return { kind: 'group', group: folder.group };
  return { kind: 'acl' };
}

export function linuxInstallPlan(input: InstallInput): { plan: Plan; manifest: InstallManifest } {
  const L = LINUX_LAYOUT;
  const steps: Step[] = [];
  const owner = `root:${SERVICE_USER}`;
  if (!input.userExists) {
    steps.push({
      kind: 'run',
      argv: [
        'useradd',
        '--system',
        '--user-group',
        '--home-dir',
        L.dataDir,
        '--no-create-home',
        '--shell',
        '/usr/sbin/nologin',
        '--comment',
        'Vigil agent',
        SERVICE_USER,
      ],
      why: 'the account the service runs as',
    });
  } else {
    steps.push({ kind: 'note', text: `user ${SERVICE_USER} exists already: used as it is` });
  }
  steps.push(
    { kind: 'mkdir', path: L.programDir, mode: 0o755 },
    { kind: 'copy', from: input.binary, to: L.binary, mode: 0o755 },
    { kind: 'symlink', path: L.link, target: L.binary },
    { kind: 'mkdir', path: L.configDir, mode: 0o750, owner },
    // Group-writable: the agent renews its certificate in place (device.key and device.crt renamed over, docs/DESIGN.md "Enrolment").
    { kind: 'mkdir', path: L.bundleDir, mode: 0o770, owner },
  );
  for (const file of CREDENTIAL_FILES) {
    steps.push({
      kind: 'copy',
      from: credentialSource(input.config, file.field),
      to: posix.join(L.bundleDir, file.name),
      mode: file.secret ? 0o640 : 0o644,
      owner,
    });
  }
  const rewritten = installedConfigText(input, L, 'linux');
  if (rewritten.rulesFile) steps.push({ kind: 'copy', from: rewritten.rulesFile.from, to: rewritten.rulesFile.to, mode: 0o640, owner });
  steps.push({ kind: 'write', path: L.config, content: () => rewritten.text, describe: `agent config from ${input.configPath}`, mode: 0o640, owner });
  // The state folder is systemd's (StateDirectory); made here too so that "check" and a first start find it.
  steps.push({ kind: 'mkdir', path: L.dataDir, mode: 0o750, owner: `${SERVICE_USER}:${SERVICE_USER}` });

  const groups: string[] = [];
  const acls: string[] = [];
  for (const folder of input.logFolders) {
    const access = linuxFolderAccess(folder);
    if (access.kind === 'others') {
      steps.push({ kind: 'note', text: `${folder.path}${ownerOf(folder.mode)}: readable by everyone, nothing to grant` });
    } else if (access.kind === 'group') {
      if (!groups.includes(access.group)) groups.push(access.group);
      steps.push({
        kind: 'note',
        text: `${folder.path}${ownerOf(folder.mode)}: readable by group ${access.group}; the service gets it as a supplementary group`,
      });
    } else if (input.hasSetfacl) {
      acls.push(folder.path);
      steps.push(
        { kind: 'run', argv: ['setfacl', '-R', '-m', `u:${SERVICE_USER}:rX`, folder.path], why: `read access to the log folder ${folder.path}` },
        { kind: 'run', argv: ['setfacl', '-R', '-d', '-m', `u:${SERVICE_USER}:rX`, folder.path], why: 'and to the log files made in it later' },
      );
    } else {
      steps.push({
        kind: 'note',
        text: `${folder.path}${folder.mode === undefined ? ' (not there yet)' : ownerOf(folder.mode)}: ${SERVICE_USER} cannot read it and setfacl is not installed; install the package "acl" and run install again, or give the group ${SERVICE_USER} read access yourself`,
      });
    }
  }
  const watched = [...input.logFolders.map((f) => f.path), ...(input.config.disks?.paths.map((p) => p.path) ?? [])];
  const underHome = watched.some((path) => ['/home', '/root', '/run/user'].some((home) => path === home || path.startsWith(`${home}/`)));
  steps.push(
    {
      kind: 'write',
      path: L.unit,
      content: () => systemdUnit({ supplementaryGroups: groups, protectHome: underHome ? 'read-only' : 'yes' }),
      describe: 'systemd unit',
      mode: 0o644,
    },
    {
      kind: 'run',
      argv: ['runuser', '-u', SERVICE_USER, '--', L.binary, 'check', '--config', L.config],
      why: 'what the agent sees as its own user (a PROBLEM here is reported, not fatal: a log folder may fill later)',
      mayFail: true,
    },
    { kind: 'run', argv: ['systemctl', 'daemon-reload'], why: 'load the unit' },
    { kind: 'run', argv: ['systemctl', 'enable', `${SERVICE_NAME}.service`], why: 'start at boot' },
  );
  // restart, not start: over an earlier install (an update) the running agent must pick up the new files.
  if (!input.noStart) steps.push({ kind: 'run', argv: ['systemctl', 'restart', `${SERVICE_NAME}.service`], why: 'start it now' });
  const manifest: InstallManifest = {
    version: 1,
    system: 'linux',
    installedAt: input.now.toISOString(),
    createdUser: !input.userExists,
    acls,
    grants: [],
    remove: [L.unit, L.link, L.programDir, L.configDir],
    dataDir: L.dataDir,
  };
  steps.push({ kind: 'write', path: L.manifest, content: () => `${JSON.stringify(manifest, null, 1)}\n`, describe: 'what uninstall removes', mode: 0o644 });
  return { plan: { system: 'linux', action: 'install', steps }, manifest };
}

export function linuxUninstallPlan(manifest: InstallManifest | undefined, purge: boolean): Plan {
  const L = LINUX_LAYOUT;
  const steps: Step[] = [];
  if (manifest === undefined) steps.push({ kind: 'note', text: `no ${L.manifest}: removing the standard layout` });
  steps.push({
    kind: 'run',
    argv: ['systemctl', 'disable', '--now', `${SERVICE_NAME}.service`],
    why: 'stop it and keep it from starting at boot',
    mayFail: true,
  });
  for (const folder of manifest?.acls ?? []) {
    steps.push(
      { kind: 'run', argv: ['setfacl', '-R', '-x', `u:${SERVICE_USER}`, folder], why: `take back the read access to ${folder}`, mayFail: true },
      { kind: 'run', argv: ['setfacl', '-R', '-d', '-x', `u:${SERVICE_USER}`, folder], why: 'and the default ACL', mayFail: true },
    );
  }
  for (const path of manifest?.remove ?? [L.unit, L.link, L.programDir, L.configDir]) steps.push({ kind: 'remove', path, recursive: true });
  steps.push({ kind: 'run', argv: ['systemctl', 'daemon-reload'], why: 'forget the unit', mayFail: true });
  const dataDir = manifest?.dataDir ?? L.dataDir;
  const createdUser = manifest?.createdUser ?? false;
  if (purge) {
    steps.push({ kind: 'remove', path: dataDir, recursive: true });
    if (createdUser) steps.push({ kind: 'run', argv: ['userdel', SERVICE_USER], why: 'the account install created', mayFail: true });
  } else {
    steps.push({
      kind: 'keep',
      path: dataDir,
      why: 'the spool: observations the fleet has not acknowledged yet, log offsets, sequence numbers (--purge removes it)',
    });
    if (createdUser) steps.push({ kind: 'keep', path: `user ${SERVICE_USER}`, why: 'it owns the spool, so a reinstall can use it (--purge removes it)' });
  }
  return { system: 'linux', action: 'uninstall', steps };
}

export function windowsInstallPlan(input: InstallInput): { plan: Plan; manifest: InstallManifest } {
  const W = WINDOWS_LAYOUT;
  const steps: Step[] = [
    // Over an earlier install (an update): its files are in use until it stops. Nothing to stop otherwise.
    { kind: 'run', argv: ['sc.exe', 'stop', SERVICE_NAME], why: 'stop an earlier install, if any', mayFail: true },
    { kind: 'wait-stopped', service: SERVICE_NAME, timeoutSeconds: 30 },
    { kind: 'mkdir', path: W.programDir },
    { kind: 'copy', from: input.binary, to: W.binary },
    { kind: 'write', path: W.wrapper, content: input.wrapper.exe, describe: 'WinSW 1.17 service wrapper (from the executable)' },
    { kind: 'write', path: W.wrapperRuntimeConfig, content: input.wrapper.runtimeConfig, describe: "WinSW's .NET runtime selection" },
    { kind: 'write', path: W.wrapperConfig, content: winswConfig, describe: 'WinSW configuration: what it runs, restarts, log rolling' },
    { kind: 'mkdir', path: W.configDir },
    { kind: 'mkdir', path: W.bundleDir },
    { kind: 'mkdir', path: W.dataDir },
    { kind: 'mkdir', path: W.logDir },
  ];
  for (const file of CREDENTIAL_FILES) steps.push({ kind: 'copy', from: credentialSource(input.config, file.field), to: win32.join(W.bundleDir, file.name) });
  const rewritten = installedConfigText(input, W, 'windows');
  if (rewritten.rulesFile) steps.push({ kind: 'copy', from: rewritten.rulesFile.from, to: rewritten.rulesFile.to });
  steps.push(
    { kind: 'write', path: W.config, content: () => rewritten.text, describe: `agent config from ${input.configPath}` },
    {
      kind: 'run',
      argv: ['sc.exe', 'create', SERVICE_NAME, 'binPath=', `"${W.wrapper}"`, 'start=', 'delayed-auto', 'DisplayName=', 'Vigil agent', 'obj=', WINDOWS_ACCOUNT],
      why: `register the service, running as its own virtual account ${WINDOWS_ACCOUNT} (fails with 1073 over an earlier install, which stays registered)`,
      mayFail: true,
    },
    { kind: 'run', argv: ['sc.exe', 'description', SERVICE_NAME, 'Vigil edge agent: recorder health to the fleet'], why: 'describe it in services.msc' },
    {
      kind: 'run',
      argv: ['sc.exe', 'failure', SERVICE_NAME, 'reset=', '86400', 'actions=', 'restart/5000/restart/5000/restart/60000'],
      why: 'recovery: restart after 5 s, 5 s, then 60 s (the count resets after a day)',
    },
    { kind: 'run', argv: ['sc.exe', 'failureflag', SERVICE_NAME, '1'], why: 'recovery also when the service stops with an error, not only on a crash' },
  );
  // SYSTEM and Administrators by SID, so this works on localized Windows too.
  const grants: string[] = [W.configDir];
  steps.push(
    {
      kind: 'run',
      argv: ['icacls', W.configDir, '/inheritance:r', '/grant:r', '*S-1-5-18:(OI)(CI)F', '*S-1-5-32-544:(OI)(CI)F', `${WINDOWS_ACCOUNT}:(OI)(CI)RX`],
      why: 'config and keys: only SYSTEM, Administrators and the service (read)',
    },
    { kind: 'run', argv: ['icacls', W.dataDir, '/grant', `${WINDOWS_ACCOUNT}:(OI)(CI)M`], why: 'the spool: the service writes it' },
    { kind: 'run', argv: ['icacls', W.logDir, '/grant', `${WINDOWS_ACCOUNT}:(OI)(CI)M`], why: 'the service log files' },
  );
  for (const folder of watchedLogFolders(input.config)) {
    const path = folder.replaceAll('/', '\\');
    grants.push(path);
    steps.push({
      kind: 'run',
      argv: ['icacls', path, '/grant', `${WINDOWS_ACCOUNT}:(OI)(CI)RX`],
      why: `read access to the log folder ${folder}`,
      mayFail: true,
    });
  }
  for (const disk of input.config.disks?.paths ?? []) {
    const path = disk.path.replaceAll('/', '\\');
    grants.push(path);
    // This folder only: enough to ask for its drive's free space, not to read the recordings.
    steps.push({ kind: 'run', argv: ['icacls', path, '/grant', `${WINDOWS_ACCOUNT}:RX`], why: `free space of ${disk.path}`, mayFail: true });
  }
  if (input.config.licences?.source.file !== undefined) {
    const path = resolveFrom(input.config.configDir, input.config.licences.source.file).replaceAll('/', '\\');
    grants.push(path);
    steps.push({ kind: 'run', argv: ['icacls', path, '/grant', `${WINDOWS_ACCOUNT}:R`], why: 'the licence file', mayFail: true });
  }
  const manifest: InstallManifest = {
    version: 1,
    system: 'windows',
    installedAt: input.now.toISOString(),
    createdUser: false,
    acls: [],
    grants,
    remove: [W.programDir, W.config, W.bundleDir, W.logDir, ...(rewritten.rulesFile ? [rewritten.rulesFile.to] : []), W.manifest],
    dataDir: W.dataDir,
  };
  steps.push({ kind: 'write', path: W.manifest, content: () => `${JSON.stringify(manifest, null, 1)}\n`, describe: 'what uninstall removes' });
  if (!input.noStart) steps.push({ kind: 'run', argv: ['sc.exe', 'start', SERVICE_NAME], why: 'start it now' });
  return { plan: { system: 'windows', action: 'install', steps }, manifest };
}

export function windowsUninstallPlan(manifest: InstallManifest | undefined, purge: boolean): Plan {
  const W = WINDOWS_LAYOUT;
  const steps: Step[] = [];
  if (manifest === undefined) steps.push({ kind: 'note', text: `no ${W.manifest}: removing the standard layout` });
  steps.push(
    { kind: 'run', argv: ['sc.exe', 'stop', SERVICE_NAME], why: 'stop it', mayFail: true },
    { kind: 'wait-stopped', service: SERVICE_NAME, timeoutSeconds: 30 },
    { kind: 'run', argv: ['sc.exe', 'delete', SERVICE_NAME], why: 'unregister it', mayFail: true },
  );
  // The config folder's own ACL goes with the folder; a kept data folder keeps the grant inside it.
  for (const path of (manifest?.grants ?? []).filter((grant) => grant !== W.configDir)) {
    steps.push({ kind: 'run', argv: ['icacls', path, '/remove', WINDOWS_ACCOUNT], why: `take back the access granted to ${path}`, mayFail: true });
  }
  for (const path of manifest?.remove ?? [W.programDir, W.config, W.bundleDir, W.logDir, W.manifest]) steps.push({ kind: 'remove', path, recursive: true });
  const dataDir = manifest?.dataDir ?? W.dataDir;
  if (purge) steps.push({ kind: 'remove', path: W.configDir, recursive: true });
  else
    steps.push({
      kind: 'keep',
      path: dataDir,
      why: 'the spool: observations the fleet has not acknowledged yet, log offsets, sequence numbers (--purge removes it)',
    });
  return { system: 'windows', action: 'uninstall', steps };
}
