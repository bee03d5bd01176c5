import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tileSource } from '../src/plugins/map-config.js';
import { ALPHA, as, BRAVO, logIn, PASSWORD, startFixture, type Fixture, type Session } from './support/fixture.js';

const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);
/** Routes whose success is not the usual code for their method. */
const SUCCESS: Record<string, string> = {
  'POST /api/installations': '202',
  'POST /api/claims/{id}/decision': '204',
  'PUT /api/installations/{slc}/owner': '204',
  'POST /api/alert-channels/{id}/test': '202',
  'POST /api/alerts/{id}/acknowledge': '200',
  'POST /api/report-subscriptions/{id}/send': '200',
  'POST /api/account/password': '204',
  'POST /api/shift-log/seen': '200',
};
/** A concrete URL for a route pattern (any value will do: the checks under test come before the handler). */
const concrete = (url: string) =>
  url
    .replace(/:id\b/, '1')
    .replace(/:slc\b/, ALPHA.slc)
    .replace(/:username\b/, 'carol')
    .replace(/\*$/, 'x');

describe('dashboard security: sessions, CSRF, login rate limit, headers, OpenAPI', () => {
  let fx: Fixture;
  let noc: Session;
  let bob: Session;

  beforeAll(async () => {
    fx = await startFixture();
    noc = await logIn(fx.dashboard, 'noc');
    bob = await logIn(fx.dashboard, 'bob');
  });
  afterAll(async () => fx?.close());

  const apiRoutes = () => fx.dashboard.routes.filter((r) => r.url.startsWith('/api/') && r.method !== 'HEAD');

  it('answers 401 without a session on every /api route but POST /api/login and GET /api/session (which names no user)', async () => {
    const checked: string[] = [];
    const anonymous = await fx.dashboard.app.inject({ method: 'GET', url: '/api/session' });
    expect(anonymous.json()).toEqual({ user: null });
    for (const route of apiRoutes()) {
      if (route.method === 'POST' && route.url === '/api/login') continue;
      if (route.method === 'GET' && route.url === '/api/session') continue;
      const res = await as(fx.dashboard, undefined, route.method, concrete(route.url), STATE_CHANGING.has(route.method) ? {} : undefined);
      expect(res.statusCode, `${route.method} ${route.url}`).toBe(401);
      expect(res.json()).toEqual({ error: expect.stringContaining('log in') });
      checked.push(`${route.method} ${route.url}`);
    }
    expect(checked.length).toBeGreaterThanOrEqual(20);
    // other spellings the router accepts are the same route
    for (const url of ['/%61pi/recorders', '/api/%72ecorders', '/api/recorders/', '/api//recorders', '/api/recorders/%61-rec-1']) {
      const res = await fx.dashboard.app.inject({ method: 'GET', url });
      expect([401, 404], url).toContain(res.statusCode);
      expect(res.body, url).not.toContain('a-rec-1');
    }
    // a made-up or expired session is no session
    const forged = await fx.dashboard.app.inject({ method: 'GET', url: '/api/recorders', headers: { cookie: 'vigil_session=forged' } });
    expect(forged.statusCode).toBe(401);
  });

  it('answers 403 on every state-changing route without the CSRF token, with a wrong one, or with another session’s', async () => {
    const stateChanging = apiRoutes().filter((r) => STATE_CHANGING.has(r.method) && r.url !== '/api/login');
    expect(stateChanging.map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'DELETE /api/alert-channels/:id',
      'DELETE /api/claims/:id',
      'DELETE /api/enrollment-tokens/:id',
      'DELETE /api/installations/:slc',
      'DELETE /api/report-subscriptions/:id',
      'DELETE /api/rules/:id',
      'DELETE /api/silences/:id',
      'DELETE /api/users/:username',
      'PATCH /api/account',
      'PATCH /api/users/:username',
      'POST /api/account/password',
      'POST /api/alert-channels',
      'POST /api/alert-channels/:id/test',
      'POST /api/alerts/:id/acknowledge',
      'POST /api/claims/:id/decision',
      'POST /api/enrollment-tokens',
      'POST /api/installations',
      'POST /api/logout',
      'POST /api/recorders/:id/problems/acknowledge',
      'POST /api/report-subscriptions',
      'POST /api/report-subscriptions/:id/send',
      'POST /api/rules',
      'POST /api/shift-log/seen',
      'POST /api/silences',
      'POST /api/users',
      'PUT /api/alert-channels/:id',
      'PUT /api/installations/:slc/owner',
      'PUT /api/rules/:id',
    ]);
    for (const route of stateChanging) {
      const url = concrete(route.url);
      for (const token of [undefined, 'not-the-token', bob.csrf]) {
        const headers: Record<string, string> = { cookie: noc.cookie };
        if (token) headers['x-csrf-token'] = token;
        const res = await fx.dashboard.app.inject({ method: route.method as 'POST', url, headers, payload: {} });
        expect(res.statusCode, `${route.method} ${route.url} with token ${token}`).toBe(403);
        expect(res.json<{ error: string }>().error).toMatch(/CSRF/);
      }
    }
    for (const url of ['/api/%72ules', '/api/rules/']) {
      const res = await fx.dashboard.app.inject({
        method: 'POST',
        url,
        headers: { cookie: noc.cookie },
        payload: { name: 'sneaky', condition: { kind: 'problem' }, severity: 'info' },
      });
      expect([403, 404], url).toContain(res.statusCode);
    }
    // nothing happened: the rules and the session are all still there
    expect((await as(fx.dashboard, noc, 'GET', '/api/rules')).json<{ rules: unknown[] }>().rules).toHaveLength(3);
    expect((await as(fx.dashboard, noc, 'GET', '/api/me')).statusCode).toBe(200);
  });

  it('gives each session its own CSRF token, and accepts it', async () => {
    const again = await logIn(fx.dashboard, 'noc');
    expect(again.csrf).not.toBe(noc.csrf);
    const created = await as(fx.dashboard, again, 'POST', '/api/rules', {
      name: 'csrf check',
      condition: { kind: 'problem', minSeverity: 'critical' },
      severity: 'critical',
      enabled: false,
    });
    expect(created.statusCode).toBe(201);
    expect((await as(fx.dashboard, again, 'DELETE', `/api/rules/${created.json<{ id: number }>().id}`)).statusCode).toBe(204);
    const out = await as(fx.dashboard, again, 'POST', '/api/logout', {});
    expect(out.statusCode).toBe(204);
    expect((await as(fx.dashboard, again, 'GET', '/api/me')).statusCode).toBe(401);
  });

  it('sets the session cookie httpOnly and SameSite=Strict, without Secure over plain HTTP', async () => {
    const res = await fx.dashboard.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'alice', password: PASSWORD } });
    const cookie = String(res.headers['set-cookie']);
    expect(cookie).toMatch(/^vigil_session=[\w-]{40,};/);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    expect(cookie).not.toContain('Secure');
  });

  it('answers a claim by SLC alone "pending" whether the SLC is held, claimed or free, without revealing who holds it', async () => {
    const held = await as(fx.dashboard, bob, 'POST', '/api/installations', { slc: ALPHA.slc });
    expect(held.statusCode).toBe(202);
    expect(held.body.toLowerCase()).not.toContain('alice');
    expect(JSON.stringify(held.headers).toLowerCase()).not.toContain('alice');
    const carol = await logIn(fx.dashboard, 'carol');
    const free = await as(fx.dashboard, carol, 'POST', '/api/installations', { slc: 'SLC-FREE-0010' });
    // claimed by Carol a moment ago: still the same answer for Bob
    const claimed = await as(fx.dashboard, bob, 'POST', '/api/installations', { slc: 'SLC-FREE-0010' });
    const same = (res: typeof held) => ({ status: res.statusCode, body: res.json<{ status: string }>().status, headers: Object.keys(res.headers).sort() });
    expect(same(free)).toEqual(same(held));
    expect(same(claimed)).toEqual(same(held));
    expect(held.json()).toEqual({ slc: ALPHA.slc, status: 'pending' });
    // and nothing of it became readable
    expect((await as(fx.dashboard, bob, 'GET', '/api/recorders/a-rec-1')).statusCode).toBe(404);
    // own: 200
    expect((await as(fx.dashboard, bob, 'POST', '/api/installations', { slc: BRAVO.slc })).json()).toEqual({ slc: BRAVO.slc, status: 'already-yours' });
    // a bad SLC is a 400 with a reason
    const bad = await as(fx.dashboard, bob, 'POST', '/api/installations', { slc: 'no spaces allowed' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: string }>().error).toMatch(/slc/);
  });

  it('sends security headers (helmet) with a CSP that allows only its own origin', async () => {
    for (const url of ['/', '/api/me', '/docs/json']) {
      const res = await as(fx.dashboard, noc, 'GET', url);
      expect(res.statusCode, url).toBe(200);
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'self'");
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain("img-src 'self' data:;");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('upgrade-insecure-requests'); // plain HTTP on a closed network
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['x-frame-options']).toBe('SAMEORIGIN');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cross-origin-opener-policy']).toBe('same-origin');
      expect(res.headers['strict-transport-security']).toBeUndefined();
    }
  });

  it('serves the OpenAPI description at /docs with every API route, each with tags, a summary and schemas', async () => {
    const ui = await fx.dashboard.app.inject({ method: 'GET', url: '/docs/' });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain('swagger-ui');
    const spec = (await fx.dashboard.app.inject({ method: 'GET', url: '/docs/json' })).json<{
      openapi: string;
      paths: Record<string, Record<string, { tags?: string[]; summary?: string; responses?: Record<string, unknown>; requestBody?: unknown }>>;
    }>();
    expect(spec.openapi).toMatch(/^3\./);
    const documented = Object.entries(spec.paths).flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`));
    const expected = apiRoutes().map((r) => `${r.method} ${r.url.replace(/:(\w+)/g, '{$1}')}`);
    expect(documented.sort()).toEqual(expected.sort());
    for (const [path, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.tags?.length, `${method} ${path} tags`).toBeGreaterThan(0);
        expect(op.summary, `${method} ${path} summary`).toBeTruthy();
        expect(Object.keys(op.responses ?? {}), `${method} ${path} responses`).toContain(
          SUCCESS[`${method.toUpperCase()} ${path}`] ??
            (method === 'delete' || path === '/api/logout' ? '204' : method === 'post' && path !== '/api/login' ? '201' : '200'),
        );
        if (method === 'post' || method === 'put')
          expect(op.requestBody ?? (path === '/api/logout' ? 'none' : undefined), `${method} ${path} body`).toBeDefined();
      }
    }
  });

  it('answers 429 after 10 failed logins a minute from one address, also for the right password, with Retry-After', async () => {
    // successful logins do not count
    for (let i = 0; i < 12; i++) await logIn(fx.dashboard, 'alice');
    for (let i = 0; i < 10; i++) {
      const res = await fx.dashboard.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'alice', password: `guess ${i}` } });
      expect(res.statusCode, `attempt ${i + 1}`).toBe(401);
    }
    const blocked = await fx.dashboard.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'alice', password: PASSWORD } });
    expect(blocked.statusCode).toBe(429);
    expect(Number(blocked.headers['retry-after'])).toBeGreaterThan(0);
    expect(blocked.json<{ error: string }>().error).toMatch(/too many failed logins/);
    // another address is not blocked
    const elsewhere = await fx.dashboard.app.inject({
      method: 'POST',
      url: '/api/login',
      payload: { username: 'alice', password: PASSWORD },
      remoteAddress: '127.0.0.2',
    });
    expect(elsewhere.statusCode).toBe(200);
    // existing sessions keep working
    expect((await as(fx.dashboard, noc, 'GET', '/api/me')).statusCode).toBe(200);
  });
});

describe('dashboard over HTTPS with online map tiles', () => {
  let fx: Fixture;
  beforeAll(async () => {
    fx = await startFixture({
      dashboard: { secureCookies: true, map: { tilesUrl: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png', attribution: '© OpenStreetMap contributors' } },
    });
  });
  afterAll(async () => fx?.close());

  it('marks the cookie Secure, sends HSTS, and lets the page load the configured tile host only', async () => {
    const res = await fx.dashboard.app.inject({ method: 'POST', url: '/api/login', payload: { username: 'noc', password: PASSWORD } });
    expect(String(res.headers['set-cookie'])).toContain('Secure');
    expect(res.headers['strict-transport-security']).toMatch(/max-age=\d+/);
    const csp = String(res.headers['content-security-policy']);
    expect(csp).toContain("img-src 'self' data: https://*.tile.openstreetmap.org;");
    expect(csp).toContain('upgrade-insecure-requests');
    const session = await logIn(fx.dashboard, 'noc');
    expect((await as(fx.dashboard, session, 'GET', '/api/map-config')).json()).toEqual({
      tilesUrl: 'https://{s}.tile.openstreetmap.org/{z}/{x}/{y}.png',
      attribution: '© OpenStreetMap contributors',
    });
  });

  it('turns tile URL templates into CSP sources', () => {
    expect(tileSource('https://tiles.example.net:8443/osm/{z}/{x}/{y}.png')).toBe('https://tiles.example.net:8443');
    expect(tileSource('http://{s}.tiles.lan/{z}/{x}/{y}.png')).toBe('http://*.tiles.lan');
  });
});
