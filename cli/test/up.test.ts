import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');

interface Started {
  output: () => string;
  stop: (signal?: NodeJS.Signals) => Promise<number | null>;
}

/** Starts `vigil up --demo` as a user would and waits for its banner. */
async function up(dataDir: string): Promise<Started> {
  const child = spawn(
    process.execPath,
    [VIGIL, 'up', '--demo', '--http-port', '0', '--mqtt-port', '0', '--wss-port', '0', '--metrics-port', '0', '--enroll-port', '0'],
    {
      env: { ...process.env, VIGIL_DATA_DIR: dataDir, VIGIL_ADMIN_PASSWORD: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  child.stderr.on('data', (chunk: Buffer) => {
    out += chunk.toString();
  });
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  const deadline = Date.now() + 30_000;
  while (!out.includes('Press Ctrl-C to stop') && Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vigil up exited early:\n${out}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    output: () => out,
    stop: async (signal = 'SIGINT') => {
      child.kill(signal);
      return exited;
    },
  };
}

const field = (out: string, pattern: RegExp): string => {
  const match = out.match(pattern);
  if (!match?.[1]) throw new Error(`no ${pattern} in:\n${out}`);
  return match[1];
};

async function login(url: string, username: string, password: string): Promise<string> {
  const res = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password }),
  });
  expect(res.status).toBe(200);
  return (res.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
}

async function fleet(url: string, cookie: string): Promise<Array<{ id: string; state: string }>> {
  const res = await fetch(`${url}/api/recorders`, { headers: { cookie } });
  return ((await res.json()) as { recorders: Array<{ id: string; state: string }> }).recorders;
}

describe('vigil up --demo (what npm start runs)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-up-'));
  const dataDir = join(dir, 'data');
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('brings the demo fleet online, stops cleanly on Ctrl-C, and reuses its data on the next start', async () => {
    const first = await up(dataDir);
    const out = first.output();
    const url = field(out, /Dashboard:\s+(http:\/\/\S+)/);
    const adminPassword = field(out, /Log in as admin \/ (\S+)/);
    const nocPassword = field(out, /^\s+noc\s+(\S+)/m);
    const northwindPassword = field(out, /^\s+northwind\s+(\S+)/m);

    const noc = await login(url, 'noc', nocPassword);
    const started = Date.now();
    let recorders = await fleet(url, noc);
    while ((recorders.length < 14 || recorders.some((r) => r.state !== 'online')) && Date.now() - started < 30_000) {
      await new Promise((r) => setTimeout(r, 200));
      recorders = await fleet(url, noc);
    }
    expect(recorders.length).toBeGreaterThanOrEqual(12);
    expect(recorders.every((r) => r.state === 'online')).toBe(true);
    console.log(`vigil up --demo: ${recorders.length} recorders online ${Date.now() - started} ms after the banner`);

    // a reseller sees only its own customers
    const northwind = await fleet(url, await login(url, 'northwind', northwindPassword));
    expect(northwind.length).toBe(6);
    expect(northwind.every((r) => /^(hl|cm)-/.test(r.id))).toBe(true);
    await login(url, 'admin', adminPassword);

    const firstExit = await first.stop('SIGINT');
    expect(firstExit, `vigil up's output:\n${first.output().slice(-3000)}`).toBe(0);
    expect(statSync(join(dataDir, 'pki', 'ca.key')).mode & 0o777).toBe(0o600);

    const second = await up(dataDir);
    try {
      const again = second.output();
      expect(again).not.toContain(adminPassword); // printed once only
      const url2 = field(again, /Dashboard:\s+(http:\/\/\S+)/);
      expect(field(again, /^\s+noc\s+(\S+)/m)).toBe(nocPassword);
      await login(url2, 'admin', adminPassword);
      const cookie = await login(url2, 'noc', nocPassword);
      const deadline = Date.now() + 30_000;
      let states = await fleet(url2, cookie);
      while (states.some((r) => r.state !== 'online') && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 200));
        states = await fleet(url2, cookie);
      }
      expect(states.length).toBe(recorders.length);
      expect(states.every((r) => r.state === 'online')).toBe(true);
    } finally {
      expect(await second.stop('SIGTERM')).toBe(0);
    }
  });
});

describe('vigil --help', () => {
  it.each(['', 'up', 'agent', 'agent check', 'agent enroll', 'broker', 'ingestor', 'dashboard', 'pki', 'pki init', 'pki issue', 'pki revoke', 'pki token'])(
    'vigil %s --help explains itself',
    (command: string) => {
      const result = spawnSync(process.execPath, [VIGIL, ...command.split(' ').filter(Boolean), '--help'], { encoding: 'utf8' });
      expect(result.status).toBe(0);
      expect(result.stdout).toMatch(/^Usage: vigil/m);
    },
  );

  it('names the setting and the fix for a bad port', () => {
    const result = spawnSync(process.execPath, [VIGIL, 'up', '--http-port', 'eighty'], { encoding: 'utf8' });
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--http-port (or VIGIL_HTTP_PORT) is "eighty"');
  });
});
