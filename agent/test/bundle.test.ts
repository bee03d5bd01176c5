import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FleetPki } from '@vigil/proto/pki';
import { BUNDLE, MANIFEST, bundleStatus } from '../scripts/bundle.mjs';

const REPO = resolve(import.meta.dirname, '..', '..');
const VIGIL = join(REPO, 'cli', 'bin', 'vigil.js');

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** `vigil ...` through the bundle (the default when it is current) or through the TypeScript sources. */
const DISK_FIGURES = /\d+(\.\d+)?% used, [\d.]+ [KMGT]?B free of [\d.]+ [KMGT]?B/g;
function withoutDiskFigures(run: Run): Run {
  return { ...run, stdout: run.stdout.replace(DISK_FIGURES, '<disk figures>') };
}

function vigil(args: string[], from: 'bundle' | 'sources', env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(process.execPath, [VIGIL, ...args], {
    encoding: 'utf8',
    env: { ...process.env, VIGIL_AGENT_FROM_SOURCES: from === 'sources' ? '1' : '', ...env },
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

// `npm test` (and `npm install`) build the bundle first; a bare `npx vitest run` after an edit
// finds it stale and says how to fix that.
describe('the agent bundle', () => {
  let dir: string;
  let goodConfig: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-bundle-'));
    const pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    await pki.issueDevice('rec-bundle');
    writeFileSync(join(dir, 'ok.log'), 'nothing to see\n');
    goodConfig = join(dir, 'agent.yaml');
    writeFileSync(
      goodConfig,
      stringify({
        recorderId: 'rec-bundle',
        broker: { url: 'mqtts://127.0.0.1:1' },
        bundleDir: pki.device('rec-bundle').dir,
        dataDir: join(dir, 'data'),
        logs: { files: [{ glob: `${dir.replaceAll('\\', '/')}/*.log` }], presets: ['milestone-xprotect'] },
        disks: { paths: [{ path: dir }] },
        inventory: { installation: { slc: 'SLC-1' }, site: { id: 'site-1' } },
      }),
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is built from the current sources (npm run agent:build makes it)', () => {
    const now = bundleStatus();
    expect(now.current ? 'current' : now.reason).toBe('current');
  });

  it('holds no fleet-side code, no TypeScript loader and no PKI library', () => {
    const inputs = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { inputs: string[] }).inputs;
    expect(inputs).toContain('agent/src/main.ts');
    const foreign = inputs.filter((input) =>
      /^(broker|ingestor|dashboard|cli)\/|node_modules\/(tsx|esbuild|@peculiar|asn1js|reflect-metadata|aedes|fastify)\//.test(input),
    );
    expect(foreign).toEqual([]);
  });

  it('leaves the fleet PKI out because the agent never imports it (no build plugin excludes it)', () => {
    const inputs = (JSON.parse(readFileSync(MANIFEST, 'utf8')) as { inputs: string[] }).inputs;
    expect(inputs.filter((input) => input.startsWith('proto/src/pki/'))).toEqual([]);
    expect(inputs).toContain('proto/src/envelope/seal.ts');
    // Names that survive minification in @peculiar/x509, asn1js and their helpers (the PKI bundled
    // alone contains each of them). node:crypto's X509Certificate, which the agent uses, is not one.
    const bundle = readFileSync(BUNDLE, 'utf8');
    const pkiMarkers = ['@peculiar', 'asn1js', 'X509CertificateGenerator', 'AsnConvert', 'BasicConstraints', 'defineMetadata', 'tsyringe', 'pvtsutils'];
    expect(pkiMarkers.filter((marker) => bundle.includes(marker))).toEqual([]);
  });

  it('answers --help, check, and config mistakes exactly as the sources do', () => {
    const cases: string[][] = [
      ['agent', '--help'],
      ['agent', 'check', '--help'],
      ['agent', 'enroll', '--help'],
      ['agent', 'check', '--config', goodConfig],
      ['agent', 'check', '--config', join(dir, 'missing.yaml')],
      ['agent', '--config', join(dir, 'missing.yaml')],
      ['agent'],
      ['agent', 'check'],
      ['agent', '--no-such-flag'],
    ];
    for (const args of cases) {
      // A drive's use may move between the two runs (other suites write to /tmp): compare without it.
      const fromBundle = withoutDiskFigures(vigil(args, 'bundle'));
      const fromSources = withoutDiskFigures(vigil(args, 'sources'));
      expect({ args, ...fromBundle }).toEqual({ args, ...fromSources });
    }
    // And they are the answers a user needs, not two identical failures.
    expect(vigil(['agent', '--help'], 'bundle').stdout).toMatch(/^Usage: vigil agent/m);
    const check = vigil(['agent', 'check', '--config', goodConfig], 'bundle');
    expect(check.status).toBe(0);
    expect(check.stdout).toContain('valid config for recorder "rec-bundle"');
    expect(check.stdout).toMatch(/^logs: ok/m);
    const missing = vigil(['agent', '--config', join(dir, 'missing.yaml')], 'bundle');
    expect(missing.status).toBe(2);
    expect(missing.stderr).toContain('cannot read the file (ENOENT)');
  }, 150_000); // 18 processes one after another, half of them loading the fleet side's sources through tsx (~3 s each under CI's load)

  it('reports a bad VIGIL_LOG_LEVEL as a usage error (exit 2) either way', () => {
    const fromBundle = vigil(['agent', '--config', goodConfig], 'bundle', { VIGIL_LOG_LEVEL: 'loud' });
    const fromSources = vigil(['agent', '--config', goodConfig], 'sources', { VIGIL_LOG_LEVEL: 'loud' });
    expect(fromBundle).toEqual(fromSources);
    expect(fromBundle.status).toBe(2);
    expect(fromBundle.stderr).toContain('vigil: VIGIL_LOG_LEVEL is "loud"');
  });

  it.skipIf(process.platform === 'win32')('runs from a copy of agent/dist through its launcher, as an installer runs it', async () => {
    // Outside the repository, so nothing can come from its node_modules: the copy must be complete.
    const installed = join(dir, 'installed');
    cpSync(join(REPO, 'agent', 'dist'), installed, { recursive: true });
    const launcher = join(installed, 'vigil-agent');
    const check = spawnSync(launcher, ['check', '--config', goodConfig], { encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(withoutDiskFigures(check).stdout).toBe(withoutDiskFigures(vigil(['agent', 'check', '--config', goodConfig], 'sources')).stdout);
    expect(check.status).toBe(0);

    // Running: the spool (native SQLite) opens, the broker is not there, SIGTERM stops it cleanly.
    const agent = spawn(launcher, ['--config', goodConfig], { env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    agent.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    agent.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const exited = new Promise<number | null>((resolveExit) => agent.once('exit', (code) => resolveExit(code)));
    const deadline = Date.now() + 20_000;
    while (!output.includes('broker connection error') && Date.now() < deadline && agent.exitCode === null) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(join(dir, 'data', 'spool.db'))).toBe(true);
    agent.kill('SIGTERM');
    expect(await exited).toBe(0);
    expect(output).toContain('broker connection error');
    expect(output).toContain('is the broker running and the URL right?');
  });

  it('counts as stale once a file it was built from changes, so old code never runs', () => {
    const source = join(dir, 'source.ts');
    const bundle = join(dir, 'bundle.mjs');
    const manifest = join(dir, 'inputs.json');
    writeFileSync(source, 'export {};\n');
    writeFileSync(bundle, '');
    writeFileSync(manifest, JSON.stringify({ inputs: ['source.ts'] }));
    const past = new Date(Date.now() - 60_000);
    utimesSync(source, past, past);
    const paths = { bundle, manifest, repo: dir };
    expect(bundleStatus(paths)).toEqual({ current: true, path: bundle });
    utimesSync(source, new Date(), new Date());
    expect(bundleStatus(paths)).toEqual({ current: false, reason: 'stale: source.ts changed after the build' });
    rmSync(source);
    expect(bundleStatus(paths)).toEqual({ current: false, reason: 'stale: source.ts is gone' });
    expect(bundleStatus({ ...paths, bundle: join(dir, 'none.mjs') }).current).toBe(false);
    expect(BUNDLE).toBe(join(REPO, 'agent', 'dist', 'vigil-agent.mjs'));
  });
});
