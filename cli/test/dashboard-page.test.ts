import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { ensureDemoUsers, fleetPaths, resolveSettings, startDemoFleet, startFleet, type DemoFleet, type RunningFleet } from '../src/index.js';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = resolve(import.meta.dirname, '..', '..', 'test-artifacts');

describeWithSystem('fleet page in a real Chromium', [CHROMIUM], () => {
  let dir: string;
  let fleet: RunningFleet;
  let demo: DemoFleet;
  let logins: Record<string, string>;
  let browser: Browser;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-page-'));
    const settings = resolveSettings({ dataDir: join(dir, 'data'), httpPort: '0', mqttPort: '0', wssPort: '0', metricsPort: '0', enrollPort: '0' }, {});
    const logger = pino({ level: 'silent' });
    fleet = await startFleet(settings, logger, { VIGIL_ADMIN_PASSWORD: 'page-test-admin' });
    logins = await ensureDemoUsers(fleet.dashboard.store, fleetPaths(settings.dataDir).demo);
    demo = await startDemoFleet(fleet.pki, fleet.brokerUrl, fleetPaths(settings.dataDir).demo, logger, { scenario: false });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
  });

  const logIn = async (username: string) => {
    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    await page.goto(fleet.dashboardUrl);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', logins[username]!);
    await page.click('button[type=submit]');
    await page.locator('#fleet').waitFor();
    return page;
  };

  afterAll(async () => {
    await browser?.close();
    await demo?.stop();
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("shows a reseller only its own recorders, and a state change live without reload", async () => {
    const page = await logIn('northwind');
    expect(await page.locator('#login').isVisible()).toBe(false);
    // problems first: a healthy fleet lists nothing until "show all" is ticked
    await expect.poll(() => page.locator('#counts [data-state=online]').textContent(), { timeout: 15_000 }).toBe('online: 6');
    expect(await page.locator('#recorders tr').count()).toBe(0);
    expect(await page.locator('#empty').isVisible()).toBe(true);
    await page.check('#show-all');
    await expect.poll(() => page.locator('#recorders tr').count(), { timeout: 15_000 }).toBe(6);
    await expect.poll(() => page.locator('#recorders .state-online').count(), { timeout: 15_000 }).toBe(6);
    const ids = await page.locator('#recorders tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-recorder-id')));
    expect(ids.every((id) => /^(hl|cm)-/.test(id ?? ''))).toBe(true);
    await expect.poll(() => page.locator('#live').textContent(), { timeout: 5_000 }).toBe('live');

    // a recorder of this reseller shuts down: the page must show it within 2 s, without reload
    const agent = demo.agents.find((a) => a.config.recorderId === 'cm-lun-01')!;
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    const stoppedAt = Date.now();
    await agent.stop();
    await page.locator('tr[data-recorder-id="cm-lun-01"] .state-stopped').waitFor({ timeout: 2_000 });
    console.log(`page: state change visible ${Date.now() - stoppedAt} ms after the agent stopped`);
    expect(navigations).toEqual([]);
    await page.screenshot({ path: join(ARTIFACTS, 'fleet-reseller.png'), fullPage: true });
    await page.close();
  });

  it('shows NOC every installation', async () => {
    const page = await logIn('noc');
    await page.check('#show-all');
    await expect.poll(() => page.locator('#recorders tr').count(), { timeout: 15_000 }).toBe(14);
    await page.screenshot({ path: join(ARTIFACTS, 'fleet-noc.png'), fullPage: true });
    await page.close();
  });
});
