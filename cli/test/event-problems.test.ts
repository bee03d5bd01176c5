import { appendFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDashboard, type Dashboard } from '@vigil/dashboard';
import { startHarness, waitFor, type Harness } from './support/harness.js';

/**
 * A fatal archive error in a real agent's watched log makes its recorder degraded with that
 * problem; a NOC user acknowledges it through the dashboard; the problem clears on its own when
 * its lifetime (5 s here, through the ingestor's setting) is over, while the agent sends nothing
 * but heartbeats, and the recorder's history keeps it with start, end and who acknowledged it.
 */

const LIFETIME_MS = 5_000;
const FATAL =
  "2026-11-22 10:00:05.000+01:00 [   90] FATAL      - Fatal error processing archive 'D:\\Archives\\Lobby\\2026-11-21_00-00-00': Index file is corrupt\r\n";

interface Problem {
  kind: string;
  code: string;
  subject: string;
  since: number;
  lastSeen?: number;
  clearsAt?: number;
  acknowledged: { by: string; comment: string } | null;
}

describe('a severe event from a real agent', () => {
  let harness: Harness;
  let dashboard: Dashboard;
  let cookie = '';
  let csrf = '';
  let logFile = '';

  beforeAll(async () => {
    harness = await startHarness({ ingestor: { problemLifetimes: { 'archive-fatal-error': LIFETIME_MS } } });
    dashboard = await buildDashboard({
      dashboardDbPath: join(harness.dir, 'dashboard.db'),
      fleetDbPath: join(harness.dir, 'fleet.db'),
      brokerUrl: harness.brokerUrl,
      tls: harness.pki.service('dashboard'),
      logger: pino({ level: 'silent' }),
      map: { tilesUrl: null, attribution: 'offline' },
    });
    await dashboard.store.createUser('noc', 'noc', 'noc password 123');
    const login = await dashboard.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'noc', password: 'noc password 123' } });
    cookie = String(login.headers['set-cookie']).split(';')[0]!;
    csrf = (await dashboard.app.inject({ method: 'GET', url: '/api/csrf', headers: { cookie } })).json<{ token: string }>().token;

    const logs = join(harness.dir, 'host', 'Logs');
    mkdirSync(logs, { recursive: true });
    logFile = join(logs, 'RecordingServer.log');
    writeFileSync(logFile, '');
    const agent = await harness.inProcessAgent('rec-ev', {
      heartbeatSeconds: 1,
      logs: { files: [{ glob: `${logs.replaceAll('\\', '/')}/*.log` }], rescanSeconds: 1 },
    });
    await agent.start();
  });
  afterAll(async () => {
    await dashboard?.app.close();
    await harness?.close();
  });

  const get = async <T>(url: string) => {
    const res = await dashboard.app.inject({ method: 'GET', url, headers: { cookie } });
    expect(res.statusCode, `${url}: ${res.body}`).toBe(200);
    return res.json<T>();
  };
  const recorder = () => get<{ state: string; problems: Problem[] }>('/api/recorders/rec-ev');
  const stateOf = () => harness.ingestor.state.stateOf('rec-ev');

  it('is DEGRADED with the problem, acknowledged by NOC, and clears after its lifetime with no message but heartbeats', async () => {
    await waitFor('the recorder online', stateOf, (s) => s === 'online', 30_000);
    // The tailer starts at the end of a file present at its start: write once it is up.
    await new Promise((r) => setTimeout(r, 1_500));
    appendFileSync(logFile, FATAL);
    const degraded = await waitFor(
      'the fatal archive error on the recorder',
      recorder,
      (r) => r.state === 'degraded' && r.problems.some((p) => p.code === 'archive-fatal-error'),
      30_000,
    );
    const fatal = degraded.problems.find((p) => p.code === 'archive-fatal-error')!;
    expect(fatal).toMatchObject({ kind: 'event', subject: 'D:\\Archives\\Lobby\\2026-11-21_00-00-00', acknowledged: null });
    expect(fatal.clearsAt).toBe(fatal.lastSeen! + LIFETIME_MS);

    const ack = await dashboard.app.inject({
      method: 'POST',
      url: '/api/recorders/rec-ev/problems/acknowledge',
      headers: { cookie, 'x-csrf-token': csrf },
      payload: { code: fatal.code, subject: fatal.subject, since: fatal.since, comment: 'index rebuild started' },
    });
    expect(ack.statusCode, ack.body).toBe(201);
    const acknowledged = await recorder();
    expect(acknowledged.state).toBe('degraded'); // acknowledged is handled, not repaired
    expect(acknowledged.problems.find((p) => p.code === 'archive-fatal-error')?.acknowledged).toMatchObject({ by: 'noc', comment: 'index rebuild started' });

    const cleared = await waitFor('the problem to clear', recorder, (r) => r.state === 'online', LIFETIME_MS + 20_000);
    expect(cleared.problems).toEqual([]);
    expect(Date.now()).toBeGreaterThanOrEqual(fatal.clearsAt!);

    const timeline = await get<{ changes: Array<{ state: string; since: number }> }>(`/api/recorders/rec-ev/timeline?from=${fatal.since - 60_000}`);
    const states = timeline.changes.map((c) => c.state);
    expect(states.slice(-2)).toEqual(['degraded', 'online']);
    // The sweep ended it within a moment of its end, not at the next message.
    expect(timeline.changes.at(-1)!.since - fatal.clearsAt!).toBeLessThan(2_000);

    const history = await get<{ problems: Array<Problem & { start: number; end: number | null; durationMs: number }> }>(
      `/api/recorders/rec-ev/history?from=${fatal.since - 60_000}`,
    );
    expect(history.problems).toMatchObject([
      {
        kind: 'event',
        code: 'archive-fatal-error',
        start: fatal.since,
        end: fatal.clearsAt,
        durationMs: fatal.clearsAt! - fatal.since,
        acknowledged: { by: 'noc', comment: 'index rebuild started' },
      },
    ]);
  });
});
