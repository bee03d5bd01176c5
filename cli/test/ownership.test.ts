import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { resolveSettings, startFleet, type RunningFleet } from '../src/index.js';

const run = promisify(execFile);
const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');
const ADMIN_PASSWORD = 'ownership-admin-password';
const PASSWORD = 'ownership reseller password';
const HARBOUR = { slc: 'M01-OWN-HARBOUR-0001', name: 'Harbour Terminal' };

interface Session {
  cookie: string;
  csrf: string;
}

interface TokenAnswer {
  id: number;
  token: string;
  command: string;
  agentConfig: string;
  ca: string;
  status: string;
}

/**
 * docs/DESIGN.md "Tenancy", end to end with real processes: reseller A makes an enrolment token
 * in the dashboard, a real "vigil agent enroll" redeems it at the broker, a real agent reports the
 * installation through broker and ingestor, and only then is the installation A's. Reseller B
 * cannot take it: neither by SLC (a pending claim) nor with a token of its own (also a claim);
 * the admin decides.
 */
describe('ownership of an installation, proven by an enrolment with the reseller’s token', () => {
  let dir: string;
  let fleet: RunningFleet;
  const agents: ChildProcess[] = [];
  const sessions: Record<string, Session> = {};

  const call = async (who: string, method: string, path: string, body?: unknown) => {
    const session = sessions[who]!;
    const headers: Record<string, string> = { cookie: session.cookie };
    if (method !== 'GET') headers['x-csrf-token'] = session.csrf;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(`${fleet.dashboardUrl}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, text, json: <T>() => JSON.parse(text) as T };
  };

  const logIn = async (username: string, password: string) => {
    const res = await fetch(`${fleet.dashboardUrl}/api/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
    expect(res.status).toBe(200);
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0]!;
    const csrf = ((await (await fetch(`${fleet.dashboardUrl}/api/csrf`, { headers: { cookie } })).json()) as { token: string }).token;
    sessions[username] = { cookie, csrf };
  };

  const poll = async <T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value)} after ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 200));
    }
  };

  const tokenStatus = async (who: string, id: number) =>
    (await call(who, 'GET', '/api/enrollment-tokens')).json<{ tokens: Array<{ id: number; status: string }> }>().tokens.find((t) => t.id === id)?.status;

  /** What the installer does with the answer: saves the CA, runs the command shown (with the real `vigil` path), writes agent.yaml, starts the agent. */
  const installRecorder = async (made: TokenAnswer, recorderId: string) => {
    const host = join(dir, 'hosts', recorderId);
    const caFile = join(dir, `${recorderId}-ca.crt`);
    writeFileSync(caFile, made.ca);
    const args = made.command.split(' ');
    expect(args.slice(0, 3)).toEqual(['vigil', 'agent', 'enroll']);
    const flag = (name: string) => args[args.indexOf(name) + 1]!;
    expect(flag('--url')).toBe(`https://127.0.0.1:${fleet.broker.enrollPort}`);
    expect(flag('--token')).toBe(made.token);
    const enrolled = await run(process.execPath, [
      VIGIL,
      'agent',
      'enroll',
      '--url',
      flag('--url'),
      '--token',
      flag('--token'),
      '--recorder-id',
      flag('--recorder-id'),
      '--ca',
      caFile,
      '--out',
      join(host, 'bundle'),
    ]);
    expect(enrolled.stdout).toContain(`enrolled ${recorderId}`);
    // The lines the dashboard gave for agent.yaml, completed with what only the installer knows.
    const shown = parse(made.agentConfig) as { recorderId: string; inventory: { installation: { slc: string; name: string } } };
    const config = join(host, 'agent.yaml');
    writeFileSync(
      config,
      stringify({
        recorderId: shown.recorderId,
        broker: { url: fleet.brokerUrl },
        bundleDir: join(host, 'bundle'),
        heartbeatSeconds: 5,
        dataDir: join(host, 'data'),
        inventory: { installation: shown.inventory.installation, site: { id: 'quay', name: 'Quay 4' } },
      }),
    );
    const child = spawn(process.execPath, [VIGIL, 'agent', '--config', config], {
      env: { ...process.env, VIGIL_LOG_LEVEL: 'warn' },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    agents.push(child);
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-ownership-'));
    const settings = resolveSettings(
      { dataDir: join(dir, 'data'), httpPort: '0', mqttPort: '0', wssPort: '0', metricsPort: '0', enrollPort: '0', host: '127.0.0.1' },
      { VIGIL_ADMIN_PASSWORD: ADMIN_PASSWORD },
    );
    fleet = await startFleet(settings, pino({ level: 'silent' }));
    await logIn('admin', ADMIN_PASSWORD);
    for (const reseller of ['anna', 'bruno']) {
      expect((await call('admin', 'POST', '/api/users', { username: reseller, role: 'reseller', password: PASSWORD })).status).toBe(201);
      await logIn(reseller, PASSWORD);
    }
  });

  afterAll(async () => {
    for (const child of agents) child.kill('SIGKILL');
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('makes the installation A’s when a recorder enrolled with A’s token reports it; B sees nothing and cannot take it', async () => {
    const made = await call('anna', 'POST', '/api/enrollment-tokens', { slc: HARBOUR.slc, installationName: HARBOUR.name, recorderId: 'hbr-rec-01' });
    expect(made.status).toBe(201);
    const token = made.json<TokenAnswer>();
    expect(token.token).toMatch(/^vgl_/);
    // shown once: the list never carries the secret
    const listed = await call('anna', 'GET', '/api/enrollment-tokens');
    expect(listed.text).not.toContain(token.token);
    expect(await tokenStatus('anna', token.id)).toBe('pending');
    // nothing is hers yet
    expect((await call('anna', 'GET', '/api/installations')).json<{ installations: unknown[] }>().installations).toEqual([]);

    const started = Date.now();
    await installRecorder(token, 'hbr-rec-01');
    await poll(
      'A’s installations',
      async () =>
        (await call('anna', 'GET', '/api/installations')).json<{ installations: Array<{ slc: string; source: string; recorders: number }> }>().installations,
      (list) => list.some((i) => i.slc === HARBOUR.slc && i.recorders === 1),
    );
    console.log(`ownership: installation became the reseller's ${Date.now() - started} ms after "vigil agent enroll" started`);
    expect((await call('anna', 'GET', '/api/installations')).json<{ installations: Array<{ slc: string; source: string }> }>().installations).toEqual([
      expect.objectContaining({ slc: HARBOUR.slc, name: HARBOUR.name, source: 'enrollment' }),
    ]);
    expect(await tokenStatus('anna', token.id)).toBe('granted');
    expect((await call('anna', 'GET', '/api/recorders/hbr-rec-01')).status).toBe(200);
    // a used token cannot be revoked, nor used again
    expect((await call('anna', 'DELETE', `/api/enrollment-tokens/${token.id}`)).status).toBe(409);

    // B: the recorder does not exist for him, and claiming the SLC only makes a pending request
    const unknown = await call('bruno', 'GET', '/api/recorders/hbr-rec-01');
    expect(unknown.status).toBe(404);
    expect(unknown.text.replace('hbr-rec-01', 'X')).toBe((await call('bruno', 'GET', '/api/recorders/no-such-rec')).text.replace('no-such-rec', 'X'));
    const claim = await call('bruno', 'POST', '/api/installations', { slc: HARBOUR.slc });
    const freeClaim = await call('bruno', 'POST', '/api/installations', { slc: 'M01-OWN-NOBODY-0009' });
    expect(claim.status).toBe(202);
    expect(claim.text.replace(HARBOUR.slc, 'X')).toBe(freeClaim.text.replace('M01-OWN-NOBODY-0009', 'X'));
    expect(claim.text.toLowerCase()).not.toContain('anna');
    expect((await call('bruno', 'GET', '/api/recorders')).json<{ recorders: unknown[] }>().recorders).toEqual([]);
    // nor can he enrol A's recorder again (its certificate would be replaced)
    expect((await call('bruno', 'POST', '/api/enrollment-tokens', { slc: HARBOUR.slc, installationName: 'x', recorderId: 'hbr-rec-01' })).status).toBe(409);
  });

  it('turns B’s own enrolment into the installation A holds into a pending claim; the admin rejects one and approves the other', async () => {
    const made = await call('bruno', 'POST', '/api/enrollment-tokens', { slc: HARBOUR.slc, installationName: 'Harbour (mine)', recorderId: 'hbr-rec-02' });
    expect(made.status).toBe(201);
    const token = made.json<TokenAnswer>();
    await installRecorder(token, 'hbr-rec-02');
    await poll(
      'B’s token',
      () => tokenStatus('bruno', token.id),
      (status) => status === 'claim-pending',
    );
    // still A's alone: B sees neither recorder
    for (const id of ['hbr-rec-01', 'hbr-rec-02']) expect((await call('bruno', 'GET', `/api/recorders/${id}`)).status).toBe(404);
    await poll(
      'A’s recorders',
      async () =>
        (await call('anna', 'GET', '/api/recorders'))
          .json<{ recorders: Array<{ id: string }> }>()
          .recorders.map((r) => r.id)
          .sort(),
      (ids) => ids.length === 2,
    );
    // B's own view of his claims: no holder, no name from the fleet
    const own = (await call('bruno', 'GET', '/api/claims')).json<{ claims: Array<Record<string, unknown>> }>().claims;
    expect(JSON.stringify(own).toLowerCase()).not.toContain('anna');
    expect(own.filter((c) => c.slc === HARBOUR.slc).map((c) => `${c.via} ${c.recorderId} ${c.status}`)).toEqual(['enrollment hbr-rec-02 pending']);

    // the admin sees both requests, who asks and who holds
    const claims = (await call('admin', 'GET', '/api/claims')).json<{
      claims: Array<{ id: number; slc: string; via: string; reseller: string; holder: string | null; status: string; recorderId: string | null }>;
    }>().claims;
    const bySlc = claims.filter((c) => c.slc === HARBOUR.slc);
    // (one pending claim per reseller and installation: his enrolment joined the claim by SLC he had made)
    expect(bySlc.map((c) => `${c.reseller} ${c.via} ${c.recorderId} ${c.status} ${c.holder}`)).toEqual(['bruno enrollment hbr-rec-02 pending anna']);
    const bySlcClaim = bySlc[0]!;
    expect((await call('admin', 'POST', `/api/claims/${bySlcClaim.id}/decision`, { decision: 'rejected' })).status).toBe(204);
    expect((await call('bruno', 'GET', '/api/recorders/hbr-rec-01')).status).toBe(404);
    expect(
      (await call('bruno', 'GET', '/api/claims')).json<{ claims: Array<{ id: number; status: string }> }>().claims.find((c) => c.id === bySlcClaim.id)?.status,
    ).toBe('rejected');

    // B asks again; this time the admin approves: the installation moves to B
    expect((await call('bruno', 'POST', '/api/installations', { slc: HARBOUR.slc })).status).toBe(202);
    const again = (await call('admin', 'GET', '/api/claims'))
      .json<{ claims: Array<{ id: number; slc: string; status: string }> }>()
      .claims.find((c) => c.slc === HARBOUR.slc && c.status === 'pending')!;
    expect((await call('admin', 'POST', `/api/claims/${again.id}/decision`, { decision: 'approved' })).status).toBe(204);
    expect((await call('bruno', 'GET', '/api/recorders/hbr-rec-01')).status).toBe(200);
    expect((await call('anna', 'GET', '/api/recorders/hbr-rec-01')).status).toBe(404);
    // and an admin's direct assignment gives it back
    expect((await call('admin', 'PUT', `/api/installations/${HARBOUR.slc}/owner`, { reseller: 'anna' })).status).toBe(204);
    expect((await call('anna', 'GET', '/api/recorders/hbr-rec-01')).status).toBe(200);
    expect((await call('bruno', 'GET', '/api/recorders/hbr-rec-01')).status).toBe(404);
  });

  it('refuses a revoked token at the broker', async () => {
    const made = (
      await call('anna', 'POST', '/api/enrollment-tokens', { slc: HARBOUR.slc, installationName: HARBOUR.name, recorderId: 'hbr-rec-03' })
    ).json<TokenAnswer>();
    expect((await call('anna', 'DELETE', `/api/enrollment-tokens/${made.id}`)).status).toBe(204);
    await expect(installRecorder(made, 'hbr-rec-03')).rejects.toThrow(/not valid for recorder "hbr-rec-03"/);
  });
});
