#!/usr/bin/env node
// Builds the standalone agent: agent/dist/vigil-agent.mjs, one ES module with the agent and its
// dependencies, for plain `node` (no TypeScript loader, no fleet-side code), plus a launcher.
// What goes in is what agent/src/main.ts imports: the agent imports only the parts of
// @vigil/proto it uses (wire, envelope, trend), so the fleet PKI stays out by itself.
// Run by `npm install` (root "prepare") and by `npm test`; `--if-stale` builds only when a source
// changed since the last build.
import { chmodSync, copyFileSync, mkdirSync, readdirSync, renameSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BUNDLE, DIST, MANIFEST, NODE_FLAGS, REPO, bundleStatus } from './bundle.mjs';
import { REPLACED_TRANSPORTS, mqttTlsOnly } from '../src/upstream-patches/mqtt-tls-only.mjs';

if (process.argv.includes('--if-stale') && bundleStatus().current) process.exit(0);

let esbuild;
try {
  esbuild = await import('esbuild');
} catch {
  // An install without dev dependencies: `vigil agent` then runs the sources, as before.
  console.warn('agent build: esbuild is not installed; vigil agent will run from the TypeScript sources');
  process.exit(0);
}

/**
 * Copies a file or folder, skipping files that are already there unchanged. A changed file is
 * written beside its target and renamed over it: an agent running from agent/dist keeps its open
 * (and, for the native binding, memory-mapped) file, and one starting meanwhile never sees half a file.
 */
function copyChanged(from, to) {
  const source = statSync(from);
  if (source.isDirectory()) {
    mkdirSync(to, { recursive: true });
    for (const name of readdirSync(from)) copyChanged(join(from, name), join(to, name));
    return;
  }
  try {
    const target = statSync(to);
    if (target.size === source.size && target.mtimeMs === source.mtimeMs) return;
  } catch {
    // not there yet
  }
  mkdirSync(dirname(to), { recursive: true });
  const temporary = `${to}.${process.pid}.tmp`;
  copyFileSync(from, temporary);
  utimesSync(temporary, source.atime, source.mtime);
  renameSync(temporary, to);
}

/** Writes a whole new file and renames it into place, for the same reasons as copyChanged. */
function writeReplacing(path, content, mode = 0o644) {
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, content);
  chmodSync(temporary, mode);
  renameSync(temporary, path);
}

const started = performance.now();
const mqttTransports = mqttTlsOnly();
mkdirSync(DIST, { recursive: true });
// Written beside the target and renamed, so an agent starting during a build never loads half a file.
const temporary = `${BUNDLE}.${process.pid}.tmp`;
const result = await esbuild.build({
  absWorkingDir: REPO,
  entryPoints: ['agent/src/main.ts'],
  outfile: temporary,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  // A native addon: loaded at run time from the copy in agent/dist/node_modules (below).
  external: ['better-sqlite3'],
  // CommonJS dependencies call require() for Node built-ins; an ES module has none of its own.
  banner: { js: "import { createRequire as __vigilCreateRequire } from 'node:module'; const require = __vigilCreateRequire(import.meta.url);" },
  minify: true,
  legalComments: 'none',
  metafile: true,
  plugins: [mqttTransports.plugin],
  logLevel: 'warning',
});
renameSync(temporary, BUNDLE);
const notReplaced = REPLACED_TRANSPORTS.filter((transport) => !mqttTransports.replaced().includes(transport));
if (notReplaced.length > 0) {
  console.warn(
    `agent build: the mqtt.js transport patch no longer applies (${notReplaced.join(', ')} not required from mqtt/build/lib/connect): see agent/src/upstream-patches/mqtt-tls-only.mjs`,
  );
}
// The rule presets are data read at run time from ./presets next to the module.
copyChanged(join(REPO, 'agent', 'src', 'collectors', 'logs', 'presets'), join(DIST, 'presets'));
// The native SQLite binding and the two small packages that locate it, copied beside the bundle so
// that agent/dist/ is a complete install for this OS, CPU and Node major version.
const NATIVE_FILES = [
  'better-sqlite3/package.json',
  'better-sqlite3/lib',
  'better-sqlite3/build/Release/better_sqlite3.node',
  'bindings/package.json',
  'bindings/bindings.js',
  'file-uri-to-path/package.json',
  'file-uri-to-path/index.js',
];
for (const file of NATIVE_FILES) copyChanged(join(REPO, 'node_modules', file), join(DIST, 'node_modules', file));

// Launchers for installers: `vigil-agent check --config agent.yaml` runs `vigil agent check ...`
// with the daemon's V8 flags. `exec` keeps one process, so a service manager's signals (and a
// SIGKILL) reach the agent itself. VIGIL_NODE picks another node binary.
const flags = NODE_FLAGS.join(' ');
writeReplacing(
  join(DIST, 'vigil-agent'),
  `#!/bin/sh
# Vigil edge agent (standalone bundle). Usage: vigil-agent [check|enroll] --config agent.yaml
# Follows a symlink (e.g. from /usr/local/bin) back to the folder the bundle is in.
here=$(dirname "$(readlink -f "$0" 2>/dev/null || echo "$0")")
exec "\${VIGIL_NODE:-node}" ${flags} "$here/vigil-agent.mjs" agent "$@"
`,
  0o755,
);
writeReplacing(
  join(DIST, 'vigil-agent.cmd'),
  `@echo off\r
rem Vigil edge agent (standalone bundle). Usage: vigil-agent [check^|enroll] --config agent.yaml\r
if "%VIGIL_NODE%"=="" (set "VIGIL_NODE=node")\r
"%VIGIL_NODE%" ${flags} "%~dp0vigil-agent.mjs" agent %*\r
`,
);

// Real files only (not the stubbed mqtt.js transports), plus the presets, this script and its
// plugin: a change to any of them makes the bundle stale (bundle.mjs).
const presets = readdirSync(join(DIST, 'presets')).map((name) => `agent/src/collectors/logs/presets/${name}`);
const sources = Object.keys(result.metafile.inputs).filter((input) => !input.includes(':'));
const native = ['better-sqlite3/package.json', 'better-sqlite3/build/Release/better_sqlite3.node'].map((file) => `node_modules/${file}`);
const buildScripts = [import.meta.url, new URL('../src/upstream-patches/mqtt-tls-only.mjs', import.meta.url).href].map((url) =>
  relative(REPO, fileURLToPath(url)),
);
const inputs = [...sources, ...presets, ...native, ...buildScripts];
writeReplacing(MANIFEST, `${JSON.stringify({ inputs }, null, 1)}\n`);
const bytes = result.metafile.outputs[relative(REPO, temporary)]?.bytes ?? 0;
console.log(
  `agent build: ${relative(REPO, BUNDLE)} (${(bytes / 1024).toFixed(0)} KiB, ${inputs.length} inputs) in ${((performance.now() - started) / 1000).toFixed(1)} s`,
);
