import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { chromium, type Browser, type Page } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { ensureDemoUsers, fleetPaths, resolveSettings, startDemoFleet, startFleet, type DemoFleet, type RunningFleet } from '../src/index.js';
import { startMailbox, type Mailbox } from './support/receivers.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '..', '..', 'test-artifacts');
const DESKTOP = { width: 1366, height: 768 };
const PHONE = { width: 390, height: 844 };

/**
 * Issue #14's end-to-end test, on the real engine: `vigil up` with the demo's agents, the alert
 * engine inside the ingestor, e-mail to a real SMTP server this test runs (smtp-server), given to
 * the fleet as its SMTP settings exactly as `VIGIL_SMTP_*` would be. A NOC user sets up a channel
 * and a rule in the page, a demo recorder's Recording Server log gets a matching line, and the
 * alert, its badge, its e-mail and its acknowledgement follow. Then two resellers' rules and
 * channels, each hearing only of its own recorders.
 */
describeWithSystem('alerting end to end: page, engine, notifier, SMTP', [CHROMIUM], () => {
  let dir: string;
  let fleet: RunningFleet;
  let demo: DemoFleet;
  let mailbox: Mailbox;
  let logins: Record<string, string>;
  let browser: Browser;
  let alertsDbPath: string;
  const outside: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-alerting-e2e-'));
    mailbox = await startMailbox();
    const settings = resolveSettings(
      { dataDir: join(dir, 'data'), httpPort: '0', mqttPort: '0', wssPort: '0', metricsPort: '0', enrollPort: '0' },
      // Notifications go out a second after the alert, not after the default 10 s grouping window.
      { VIGIL_ADMIN_PASSWORD: 'alerting-e2e-admin', VIGIL_ALERT_GROUP_SECONDS: '1' },
    );
    const logger = pino({ level: 'silent' });
    fleet = await startFleet({ ...settings, smtp: mailbox.settings }, logger);
    logins = await ensureDemoUsers(fleet.dashboard.store, fleetPaths(settings.dataDir).demo);
    demo = await startDemoFleet(fleet.pki, fleet.brokerUrl, fleetPaths(settings.dataDir).demo, logger, { scenario: false });
    alertsDbPath = fleetPaths(settings.dataDir).alertsDb;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await fleet?.close();
    await mailbox?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const logIn = async (username: string, viewport = DESKTOP): Promise<Page> => {
    const page = await browser.newPage({ viewport });
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(fleet.dashboardUrl)) return route.continue();
      outside.push(route.request().url());
      return route.abort('internetdisconnected');
    });
    page.on('pageerror', (error) => pageErrors.push(`${username}: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) pageErrors.push(`${username}: ${message.text()}`);
    });
    page.on('response', (res) => {
      const path = new URL(res.url()).pathname;
      if (res.status() >= 400) pageErrors.push(`${username}: ${res.status()} ${res.request().method()} ${path}`);
    });
    await page.goto(fleet.dashboardUrl);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', logins[username]!);
    await page.click('button[type=submit]');
    await page.locator('#fleet').waitFor();
    return page;
  };

  const go = (page: Page, hash: string) => page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
  const shot = (page: Page, name: string) => page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  const badge = (page: Page) => page.locator('#alert-badge').evaluate((el) => (el.hidden ? '0' : el.textContent));
  const mainOverflow = (page: Page) => page.evaluate<number>("document.querySelector('main').scrollWidth - document.documentElement.clientWidth");

  /** A call to the API with the page's session, as the page itself would make it. */
  const call = <T = Record<string, unknown>>(page: Page, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> =>
    page.evaluate(
      async ([method, path, body]) => {
        const { token } = (await (await fetch('/api/csrf')).json()) as { token: string };
        const res = await fetch(path, {
          method,
          headers: body === undefined ? { 'x-csrf-token': token } : { 'content-type': 'application/json', 'x-csrf-token': token },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        return { status: res.status, body: res.status === 204 ? null : await res.json() };
      },
      [method, path, body] as const,
    ) as Promise<{ status: number; body: T }>;

  /** What the engine wrote (alerts.db, read-only, through its published view). */
  const engineAlerts = (ruleId: number) => {
    const db = new Database(alertsDbPath, { readonly: true, fileMustExist: true });
    try {
      return db.prepare('SELECT recorder_id AS recorderId, state FROM read_v1_alerts WHERE rule_id = ?').all(ruleId) as Array<{
        recorderId: string;
        state: string;
      }>;
    } finally {
      db.close();
    }
  };

  const cases = [
    {
      viewport: DESKTOP,
      recorder: 'hl-cph-01',
      recorderName: 'Copenhagen warehouse',
      installation: 'Harbour Logistics',
      slc: 'M01-NW-HARBOUR-0001',
      place: 'Harbour Logistics / Copenhagen DC / Copenhagen warehouse',
      camera: "Camera 'Dock 2' (10.0.0.22)",
      subject: 'Dock 2',
      address: 'noc-desk@vigil-test.invalid',
    },
    {
      viewport: PHONE,
      recorder: 'bc-bre-01',
      recorderName: 'Bremen cold store',
      installation: 'Bremen Cold Storage',
      slc: 'M01-XX-WAREHOUSE-0006',
      place: 'Bremen Cold Storage / Bremen / Bremen cold store',
      camera: "Camera 'Freezer 5' (10.0.0.45)",
      subject: 'Freezer 5',
      address: 'noc-phone@vigil-test.invalid',
    },
  ];

  for (const c of cases) {
    const size = `${c.viewport.width}x${c.viewport.height}`;
    it(`at ${size}: NOC makes a channel and a rule in the page; a log line raises the alert with its badge and an e-mail; NOC acknowledges it`, {
      timeout: 150_000,
    }, async () => {
      const page = await logIn('noc', c.viewport);
      await expect.poll(() => badge(page), { timeout: 10_000 }).toBe('0');

      // An e-mail channel, and its "send test" shown as sent once the notifier delivered it to the SMTP server.
      await go(page, '#/channels');
      // Once the list has loaded: a form opened before would be replaced by its rendering.
      await page.locator('#channels .empty, #channels tr[data-channel-id]').first().waitFor({ timeout: 10_000 });
      await page.locator('#new-channel-button').click();
      await page.fill('#channel-form input[name=name]', `NOC mailbox ${size}`);
      await page.selectOption('#channel-form select[name=type]', 'email');
      await page.fill('#channel-form textarea[name=to]', c.address);
      await page.click('#channel-form button[type=submit]');
      const channel = page.locator('#channels tr[data-channel-id]', { hasText: `NOC mailbox ${size}` });
      await channel.waitFor({ timeout: 10_000 });
      await channel.locator('button', { hasText: 'Send test' }).click();
      await expect.poll(() => channel.locator('.test-result').getAttribute('data-test-status'), { timeout: 30_000 }).toBe('sent');
      expect(mailbox.to(c.address).map((mail) => mail.subject)).toEqual(['[Vigil] TEST: this channel works']);
      await expect.poll(() => channel.locator('.chan-status').textContent(), { timeout: 10_000 }).toMatch(/last sent/);
      expect(await mainOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, `alerting-e2e-channel-${size}`);

      // The rule, made in the editor: a camera unreachable at this customer, critical, to that mailbox.
      await go(page, '#/rules');
      await page.locator('#rules .empty, #rules tr[data-rule-id]').first().waitFor({ timeout: 10_000 });
      await page.locator('#new-rule-button').click();
      const form = page.locator('#rule-form');
      await form.locator('input[name=name]').fill(`Cameras at ${c.installation}`);
      await form.locator('select[name=kind]').selectOption('problem');
      await form.locator('select[name=code]').selectOption('camera-unreachable');
      await form.locator('input[name=scope-installations]').fill(c.installation);
      await form.locator('input[name=scope-installations]').press('Enter');
      expect(await form.locator('[data-kind=installations] .chip').getAttribute('data-value')).toBe(c.slc);
      await form.locator('select[name=severity]').selectOption('critical');
      await form
        .locator('label.check', { hasText: `NOC mailbox ${size}` })
        .locator('input')
        .check();
      expect(await mainOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, `alerting-e2e-rule-${size}`);
      await form.locator('button[type=submit]').click();
      const rule = page.locator('#rules tr[data-rule-id]', { hasText: `Cameras at ${c.installation}` });
      await rule.waitFor({ timeout: 10_000 });
      expect(await rule.textContent()).toMatch(new RegExp(`Camera unreachable.*${c.installation}.*Critical.*NOC mailbox ${size}`));

      // The demo recorder's Recording Server log gets the line its agent turns into the problem.
      await go(page, '#/alerts');
      const writtenAt = Date.now();
      demo.hosts.get(c.recorder)!.log('ERROR', `${c.camera}: Unable to connect to camera`);
      const alert = page.locator('#alert-list li.alert', { hasText: c.recorderName });
      await alert.waitFor({ timeout: 30_000 });
      console.log(`alerting-e2e ${size}: alert shown ${Date.now() - writtenAt} ms after the log line`);
      await expect.poll(() => badge(page), { timeout: 10_000 }).toBe('1');
      expect(await page.locator('#alert-badge').getAttribute('aria-label')).toBe('1 firing alert not acknowledged');
      expect(await alert.locator('.sevtag').textContent()).toBe('Critical');
      expect(await alert.locator('.astate').textContent()).toBe('Firing');
      expect(await alert.locator('.alert-rules').textContent()).toBe(`rule: Cameras at ${c.installation}`);
      expect(await mainOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, `alerting-e2e-alert-${size}`);

      // Its e-mail at the test's SMTP server: the subject names the problem, customer, site and recorder.
      await expect.poll(() => mailbox.to(c.address).length, { timeout: 40_000 }).toBe(2);
      const mail = mailbox.to(c.address)[1]!;
      console.log(`alerting-e2e ${size}: e-mail received ${mail.at - writtenAt} ms after the log line`);
      expect(mail.subject).toBe(`[Vigil] FIRING critical: camera-unreachable — ${c.place}`);
      expect(mail.text).toContain(`camera-unreachable ${c.subject}: Camera ${c.subject} is unreachable`);
      expect(mail.html).toContain(c.recorderName);

      // Acknowledged with a comment in the page: out of "firing", the badge down, listed with who and why.
      await alert.locator('button', { hasText: 'Acknowledge…' }).click();
      await alert.locator('input[name=comment]').fill(`on it (${size})`);
      await alert.locator('button[type=submit]').click();
      await expect.poll(() => badge(page), { timeout: 10_000 }).toBe('0');
      await expect.poll(() => page.locator('#alert-list li.alert', { hasText: c.recorderName }).count(), { timeout: 10_000 }).toBe(0);
      await page.click('.tab[data-tab=acknowledged]');
      await expect
        .poll(() => page.locator('#alert-list li.alert', { hasText: c.recorderName }).locator('.note-ack').textContent(), { timeout: 10_000 })
        .toMatch(new RegExp(`^Acknowledged by noc .*: on it \\(${size}\\)$`));
      expect(await mainOverflow(page)).toBeLessThanOrEqual(0);
      await shot(page, `alerting-e2e-acknowledged-${size}`);
      // Only this channel's own mails arrived at this address: the test and the alert, nothing else.
      expect(mailbox.to(c.address)).toHaveLength(2);

      // The camera comes back: the alert is resolved (listed under "resolved today") and the mailbox told so.
      demo.hosts.get(c.recorder)!.log('INFO', `${c.camera}: Connection restored`);
      await page.click('.tab[data-tab=resolved-today]');
      await page.locator('#alert-list li.alert', { hasText: c.recorderName }).waitFor({ timeout: 30_000 });
      await expect.poll(() => mailbox.to(c.address).length, { timeout: 40_000 }).toBe(3);
      expect(mailbox.to(c.address)[2]!.subject).toBe(`[Vigil] RESOLVED critical: camera-unreachable — ${c.place}`);
      await page.close();
    });
  }

  it('a reseller’s rule and e-mail channel hear only of its own recorders, never of another reseller’s', { timeout: 150_000 }, async () => {
    const setUp = async (username: string, address: string) => {
      const page = await logIn(username);
      const channel = await call<{ id: number }>(page, 'POST', '/api/alert-channels', {
        name: `${username} on call`,
        type: 'email',
        config: { to: [address] },
      });
      expect(channel.status).toBe(201);
      // Scope: everything it sees.
      const rule = await call<{ id: number }>(page, 'POST', '/api/rules', {
        name: `${username}: any camera`,
        condition: { kind: 'problem', code: 'camera-unreachable' },
        severity: 'error',
        channelIds: [channel.body.id],
      });
      expect(rule.status).toBe(201);
      return { page, ruleId: rule.body.id };
    };
    const a = await setUp('northwind', 'alerts@northwind.invalid');
    const b = await setUp('acme', 'alerts@acme.invalid');

    // A problem on reseller B's recorder: B's mailbox hears of it (so the engine and the notifier
    // have dealt with it), A's rule raises nothing and A's address gets nothing.
    demo.hosts.get('nt-got-01')!.log('ERROR', "Camera 'Yard 4' (10.0.4.4): Unable to connect to camera");
    await expect.poll(() => mailbox.to('alerts@acme.invalid').length, { timeout: 40_000 }).toBe(1);
    expect(mailbox.to('alerts@acme.invalid')[0]!.subject).toBe(
      '[Vigil] FIRING error: camera-unreachable — Nordic Transit / Gothenburg Depot / Gothenburg depot',
    );
    expect(engineAlerts(b.ruleId)).toEqual([{ recorderId: 'nt-got-01', state: 'firing' }]);
    expect(engineAlerts(a.ruleId)).toEqual([]);
    expect(mailbox.to('alerts@northwind.invalid')).toEqual([]);

    // A problem on reseller A's recorder: A's address only.
    demo.hosts.get('cm-mal-01')!.log('ERROR', "Camera 'Level 1 escalator' (10.0.1.11): Unable to connect to camera");
    await expect.poll(() => mailbox.to('alerts@northwind.invalid').length, { timeout: 40_000 }).toBe(1);
    const toA = mailbox.to('alerts@northwind.invalid')[0]!;
    expect(toA.subject).toBe('[Vigil] FIRING error: camera-unreachable — City Mall Group / Malmö Centre / Malmö levels 1-2');
    expect(toA.to).toEqual(['alerts@northwind.invalid']);
    expect(`${toA.text}${toA.html}`).not.toMatch(/Nordic Transit|Gothenburg|nt-got-01/);
    expect(engineAlerts(a.ruleId)).toEqual([{ recorderId: 'cm-mal-01', state: 'firing' }]);
    expect(engineAlerts(b.ruleId)).toEqual([{ recorderId: 'nt-got-01', state: 'firing' }]);
    expect(mailbox.to('alerts@acme.invalid')).toHaveLength(1);

    // Each reseller's alerts view: its own recorder only.
    for (const [reseller, own, other] of [
      [a, 'Malmö levels 1-2', 'Gothenburg depot'],
      [b, 'Gothenburg depot', 'Malmö levels 1-2'],
    ] as const) {
      await go(reseller.page, '#/alerts');
      await reseller.page.locator('#alert-list li.alert', { hasText: own }).waitFor({ timeout: 10_000 });
      expect(await reseller.page.locator('#alerts').textContent()).not.toContain(other);
      await expect.poll(() => badge(reseller.page), { timeout: 10_000 }).toBe('1');
    }
    await shot(a.page, 'alerting-e2e-reseller');
    await a.page.close();
    await b.page.close();
  });

  it('ran without a script error, a CSP violation, an error answer or a request to the internet', () => {
    expect(pageErrors).toEqual([]);
    expect(outside).toEqual([]);
  });
});
