import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pino } from 'pino';
import { type Browser, chromium, type Page } from 'playwright-core';
import { DEMO_RESELLERS } from '../../src/demo/plan.js';
import { type DemoFleet, ensureDemoUsers, fleetPaths, type RunningFleet, resolveSettings, startDemoFleet, startFleet } from '../../src/index.js';

/** Debian's Chromium (`apt-get install chromium`); suites using it go through describeWithSystem. */
export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots are kept here as test artefacts (git-ignored). */
export const ARTIFACTS = resolve(import.meta.dirname, '..', '..', '..', 'test-artifacts');

/** The three screens issue #15 asks every view to work on: a laptop, a large monitor, a phone. */
export const VIEWPORTS = {
  laptop: { width: 1366, height: 768 },
  monitor: { width: 1920, height: 1080 },
  phone: { width: 390, height: 844 },
} as const;
export type ViewportName = keyof typeof VIEWPORTS;

/** NOC sees everything; the two demo resellers each hold their own installations only. */
export const DEMO_USERS = ['noc', ...DEMO_RESELLERS] as const;
export type DemoUser = (typeof DEMO_USERS)[number] | 'admin';

export interface BrowserFleetOptions {
  /** Extra environment for resolveSettings (e.g. VIGIL_ALERT_GROUP_SECONDS). */
  env?: Record<string, string>;
  /** Run the demo's scripted troubles (cameras dropping, a drive filling); default false. */
  scenario?: boolean;
  /** The demo agents' heartbeat (default 10 s): shorter makes a lost recorder unavailable sooner (3 missed + 2 s). */
  heartbeatSeconds?: number;
}

export interface LogInOptions {
  viewport?: ViewportName;
  /** Responses with these statuses on paths starting with these prefixes are expected (e.g. a 404 opened on purpose). */
  expectErrors?: ReadonlyArray<{ status: number; pathPrefix: string }>;
}

export interface BrowserFleet {
  fleet: RunningFleet;
  demo: DemoFleet;
  browser: Browser;
  /** Password per user name (the demo users and `admin`). */
  logins: Record<string, string>;
  /**
   * What went wrong in any page so far: script errors, console errors (CSP violations), requests
   * to anywhere but the dashboard (a closed network has no internet), and error answers nobody
   * expected. A suite ends with `expect(problems).toEqual([])`.
   */
  problems: string[];
  /** A new page logged in as `username`, showing the fleet view. */
  logIn(username: DemoUser, options?: LogInOptions): Promise<Page>;
  /** Navigates within the single-page app (hash route) without reloading. */
  go(page: Page, hash: string): Promise<void>;
  /** Keeps a screenshot as a test artefact. */
  shot(page: Page, name: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * A whole fleet (broker, ingestor with alerting, dashboard) and the demo agents in real
 * processes, with one Chromium for every page of a suite: starting these once per file, not per
 * test, is what keeps the browser suites inside CI's time.
 */
export async function startBrowserFleet(options: BrowserFleetOptions = {}): Promise<BrowserFleet> {
  const dir = mkdtempSync(join(tmpdir(), 'vigil-browser-'));
  const adminPassword = 'browser-test-admin';
  const settings = resolveSettings(
    { dataDir: join(dir, 'data'), httpPort: '0', mqttPort: '0', wssPort: '0', metricsPort: '0', enrollPort: '0' },
    { VIGIL_ADMIN_PASSWORD: adminPassword, ...options.env },
  );
  const logger = pino({ level: 'silent' });
  const fleet = await startFleet(settings, logger);
  const logins: Record<string, string> = { ...(await ensureDemoUsers(fleet.dashboard.store, fleetPaths(settings.dataDir).demo)), admin: adminPassword };
  const demo = await startDemoFleet(fleet.pki, fleet.brokerUrl, fleetPaths(settings.dataDir).demo, logger, {
    scenario: options.scenario ?? false,
    ...(options.heartbeatSeconds ? { heartbeatSeconds: options.heartbeatSeconds } : {}),
  });
  const browser = await chromium.launch({
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
  const problems: string[] = [];

  const logIn = async (username: DemoUser, login: LogInOptions = {}): Promise<Page> => {
    const page = await browser.newPage({ viewport: VIEWPORTS[login.viewport ?? 'laptop'] });
    await page.route('**/*', (route) => {
      if (route.request().url().startsWith(fleet.dashboardUrl)) return route.continue();
      problems.push(`${username}: request to ${route.request().url()}`);
      return route.abort('internetdisconnected');
    });
    page.on('pageerror', (error) => problems.push(`${username}: ${error.message}`));
    page.on('console', (message) => {
      // Failed requests are judged by their responses below; this catches everything else.
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) problems.push(`${username}: ${message.text()}`);
    });
    page.on('response', (res) => {
      if (res.status() < 400) return;
      const path = new URL(res.url()).pathname;
      if (login.expectErrors?.some((e) => e.status === res.status() && path.startsWith(e.pathPrefix))) return;
      problems.push(`${username}: ${res.status()} ${res.request().method()} ${path}`);
    });
    await page.goto(fleet.dashboardUrl);
    await page.fill('input[name=username]', username);
    await page.fill('input[name=password]', logins[username] ?? '');
    await page.click('button[type=submit]');
    await page.locator('#fleet').waitFor();
    return page;
  };

  return {
    fleet,
    demo,
    browser,
    logins,
    problems,
    logIn,
    go: async (page, hash) => {
      await page.evaluate(`location.hash = ${JSON.stringify(hash)}`);
    },
    shot: async (page, name) => {
      await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
    },
    close: async () => {
      await browser.close().catch(() => undefined);
      await demo.stop();
      await fleet.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
