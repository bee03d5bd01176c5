import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { type BrowserFleet, CHROMIUM, DEMO_USERS, type DemoUser, startBrowserFleet, VIEWPORTS, type ViewportName } from './support/browser-fleet.js';

/**
 * Issue #15's phone width and accessibility, for every view of the dashboard: each one at the three
 * screens, as NOC and as both resellers, checked by axe-core (WCAG 2.2 AA) and for anything wider
 * than the screen, with a screenshot each; then keyboard-only walks of what mouse users click.
 * One page per user and screen, moving by hash: a login per view would cost minutes.
 */

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
// Injected with page.evaluate: the dashboard's CSP (script-src 'self') blocks a <script> tag.
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

/** Something of a user's own fleet to open: NOC sees all, each reseller only its installations. */
const OWN: Record<string, { site: string; recorder: string; slc: string }> = {
  noc: { site: 'bc-bremen', recorder: 'bc-bre-01', slc: 'M01-XX-WAREHOUSE-0006' },
  admin: { site: 'bc-bremen', recorder: 'bc-bre-01', slc: 'M01-XX-WAREHOUSE-0006' },
  northwind: { site: 'hl-aarhus', recorder: 'hl-cph-01', slc: 'M01-NW-HARBOUR-0001' },
  acme: { site: 'nt-oslo', recorder: 'nt-osl-01', slc: 'M01-AC-TRANSIT-0003' },
};

interface ViewCase {
  /** Names the screenshot and the failure. */
  name: string;
  hash: string | ((user: string) => string);
  /** Shown once the view has its data. */
  ready: string;
  /** Opens an editor or form after `ready`; `ready` of the opened part is checked by the step. */
  open?: (page: Page) => Promise<void>;
  /** Default: NOC and both resellers. */
  users?: readonly string[];
}

const openEditor = (button: string, form: string) => async (page: Page) => {
  await page.click(button);
  await page.locator(form).waitFor({ timeout: 10_000 });
};

/** Every view of the dashboard; a new view adds a line here and is walked like the others. */
const VIEWS: ViewCase[] = [
  { name: 'fleet', hash: '#/fleet', ready: '#counts .count.total', open: (page) => page.uncheck('#show-all') },
  { name: 'fleet-all', hash: '#/fleet', ready: '#counts .count.total', open: showAllRecorders },
  { name: 'map', hash: '#/map', ready: '#map .map-panel li, #map .map-panel p.ok', open: baseMapDrawn },
  { name: 'site', hash: (u) => `#/site/${OWN[u]?.site}`, ready: '#site tr[data-recorder-id]' },
  { name: 'recorder', hash: (u) => `#/recorder/${OWN[u]?.recorder}`, ready: '#recorder .card-agent dl' },
  { name: 'installations', hash: '#/installations', ready: '#installations table.installations' },
  { name: 'installations-admin', hash: '#/installations', ready: '#installations table.installations', users: ['admin'] },
  ...(['firing', 'acknowledged', 'silenced', 'resolved-today'] as const).map((tab) => ({
    name: `alerts-${tab}`,
    hash: `#/alerts/${tab}`,
    ready: `#alerts .tabs a[data-tab="${tab}"][aria-current=page]`,
  })),
  { name: 'rules', hash: '#/rules', ready: '#rules .card table, #rules .empty' },
  { name: 'rules-editor', hash: '#/rules', ready: '#rules .card table, #rules .empty', open: openEditor('#new-rule-button', '#rule-form') },
  { name: 'channels', hash: '#/channels', ready: '#channels .card table, #channels .empty' },
  {
    name: 'channels-editor',
    hash: '#/channels',
    ready: '#channels .card table, #channels .empty',
    open: openEditor('#new-channel-button', '#channel-form'),
  },
  { name: 'silences', hash: '#/silences', ready: '#silences .card table, #silences .empty' },
  {
    name: 'silences-editor',
    hash: '#/silences',
    ready: '#silences .card table, #silences .empty',
    open: openEditor('#new-silence-button', '#new-silence'),
  },
  { name: 'shift-log', hash: '#/shift-log', ready: '#shift-log .sl-summary' },
  { name: 'availability', hash: '#/availability', ready: '#availability table.avail tbody tr' },
  { name: 'report', hash: (u) => `#/report/${OWN[u]?.slc}/${new Date().toISOString().slice(0, 7)}`, ready: '#report-availability' },
  { name: 'account', hash: '#/account', ready: '#account h1' },
  { name: 'users', hash: '#/users', ready: '#users table.users', users: ['admin'] },
  { name: 'not-found', hash: '#/no-such-view', ready: '#not-found h1' },
];

/** The bundled country shapes are drawn (some are empty paths off screen, so not "visible"). */
async function baseMapDrawn(page: Page): Promise<void> {
  // Polled with evaluate: waitForFunction with a string needs eval, which the page's CSP forbids.
  await expect.poll(() => page.evaluate('document.querySelectorAll("#map path.country").length'), { timeout: 15_000 }).toBeGreaterThan(100);
}

async function showAllRecorders(page: Page): Promise<void> {
  await page.check('#show-all');
  await page.locator('#recorders tr[data-recorder-id]').first().waitFor({ timeout: 10_000 });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: unknown[]; failureSummary?: string }>;
}

/**
 * axe-core's WCAG 2.2 AA rules on the page as it is; its violations as lines people can read.
 * The map's country shapes (decoration, not interactive) are left out: hundreds of paths, no content.
 */
async function axeViolations(page: Page): Promise<string[]> {
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(AXE_SOURCE);
  const violations = (await page.evaluate(
    `axe.run({ exclude: [['.leaflet-overlay-pane']] }, { runOnly: { type: 'tag', values: ${JSON.stringify(AXE_TAGS)} }, resultTypes: ['violations'] }).then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target, failureSummary: n.failureSummary })) })))`,
  )) as AxeViolation[];
  return violations.flatMap((v) =>
    v.nodes.slice(0, 5).map((n) => `${v.id} (${v.impact}): ${v.help} at ${JSON.stringify(n.target)}: ${(n.failureSummary ?? '').replaceAll('\n', ' ')}`),
  );
}

/**
 * What sticks out of the screen sideways: the document scrolling, and every visible element whose
 * right edge passes the viewport, unless an ancestor that fits clips it (the map's panes, a
 * scrolling box). Only the outermost offender of a branch is named.
 */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(OVERFLOW_SCRIPT) as Promise<string[]>;
}
// A string: the test's TypeScript has no DOM types, and this runs in the page.
const OVERFLOW_SCRIPT = `(() => {
  const width = window.innerWidth;
  const found = [];
  const scroll = document.documentElement.scrollWidth;
  if (scroll > width) found.push('document scrolls sideways: scrollWidth ' + scroll + ' > ' + width);
  const describe = (el) =>
    el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + (typeof el.className === 'string' && el.className.trim() ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
  const clippedByFittingAncestor = (el) => {
    for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
      if (getComputedStyle(a).overflowX !== 'visible' && a.getBoundingClientRect().right <= width + 1) return true;
    }
    return false;
  };
  const offenders = new Set();
  for (const el of document.body.querySelectorAll('*')) {
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0 || rect.right <= width + 1) continue;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || style.display === 'contents') continue;
    if (clippedByFittingAncestor(el)) continue;
    let nested = false;
    for (let a = el.parentElement; a; a = a.parentElement) if (offenders.has(a)) nested = true;
    offenders.add(el);
    if (!nested) found.push(describe(el) + ' ends at ' + Math.round(rect.right) + ' px (screen ' + width + '): "' + (el.textContent || '').trim().slice(0, 60) + '"');
  }
  return found;
})()`;

/** h1 elements shown or read (a visually hidden one counts), outside hidden views. */
const H1_COUNT = `[...document.querySelectorAll('h1')].filter((el) => !el.closest('[hidden]')).length`;

/** Whether the focused element shows a focus ring: an outline or a box-shadow. */
const focusShown = (page: Page) =>
  page.evaluate(`(() => {
    const el = document.activeElement;
    if (!el || el === document.body) return 'nothing focused';
    const style = getComputedStyle(el);
    const outline = style.outlineStyle !== 'none' && Number.parseFloat(style.outlineWidth) >= 2;
    const shadow = style.boxShadow !== 'none';
    return outline || shadow ? 'visible' : 'no focus ring on ' + el.tagName.toLowerCase() + '.' + el.className;
  })()`);

/** Presses Tab until the focused element matches `selector`; the number of presses, or fails. */
async function tabTo(page: Page, selector: string, max = 80): Promise<number> {
  for (let i = 1; i <= max; i++) {
    await page.keyboard.press('Tab');
    if (await page.evaluate(`document.activeElement?.matches(${JSON.stringify(selector)}) ?? false`)) return i;
  }
  throw new Error(`${max} presses of Tab never reached ${selector}`);
}

/** Where the walk's time goes, printed at the end (CI time is scarce). */
const spent = { navigate: 0, axe: 0, overflow: 0, screenshot: 0, login: 0 };
async function timed<T>(what: keyof typeof spent, work: Promise<T>): Promise<T> {
  const start = Date.now();
  try {
    return await work;
  } finally {
    spent[what] += Date.now() - start;
  }
}

describeWithSystem('dashboard at phone width and with WCAG 2.2 AA, in a real Chromium', [CHROMIUM], () => {
  let bf: BrowserFleet;

  beforeAll(async () => {
    bf = await startBrowserFleet();
  }, 120_000);

  afterAll(async () => {
    await bf?.close();
  });

  const viewports = Object.keys(VIEWPORTS) as ViewportName[];

  it('the login page at the three screens: no axe violation, nothing wider than the screen', async () => {
    const failures: string[] = [];
    const page = await bf.browser.newPage();
    await page.goto(bf.fleet.dashboardUrl);
    await page.locator('#login input[name=username]').waitFor();
    for (const viewport of viewports) {
      await page.setViewportSize(VIEWPORTS[viewport]);
      for (const line of [...(await axeViolations(page)), ...(await overflowing(page))]) failures.push(`login @ ${viewport}: ${line}`);
      await bf.shot(page, `a11y-login-${viewport}`);
    }
    await page.close();
    expect(failures).toEqual([]);
  });

  // One page per user, resized to each screen in turn (a login per screen costs seconds each).
  it.each([...DEMO_USERS, 'admin'])(
    'every view as %s at the three screens: no axe violation, nothing wider than the screen, one h1',
    async (user) => {
      const views = VIEWS.filter((v) => (v.users ?? DEMO_USERS).includes(user));
      const failures: string[] = [];
      const page = await timed('login', bf.logIn(user as DemoUser, { viewport: viewports[0] }));
      for (const viewport of viewports) {
        await page.setViewportSize(VIEWPORTS[viewport]);
        let previous = '';
        for (const view of views) {
          const hash = typeof view.hash === 'function' ? view.hash(user) : view.hash;
          await timed(
            'navigate',
            (async () => {
              // The same view again (the list, then its editor): only the extra step.
              if (hash !== previous) {
                await bf.go(page, '#/no-view');
                await bf.go(page, hash);
              }
              await page.locator(view.ready).first().waitFor({ timeout: 15_000 });
              await view.open?.(page);
            })(),
          );
          previous = hash;
          const where = `${view.name} as ${user} @ ${viewport}`;
          // The stylesheet has one breakpoint (700 px): the monitor has the laptop's layout, so axe
          // (the costliest check) runs at the phone and the laptop; the rest at every screen.
          if (viewport !== 'monitor') for (const line of await timed('axe', axeViolations(page))) failures.push(`${where}: axe ${line}`);
          for (const line of await timed('overflow', overflowing(page))) failures.push(`${where}: overflow ${line}`);
          const h1s = await page.evaluate(H1_COUNT);
          if (h1s !== 1) failures.push(`${where}: ${h1s} h1 elements, not one`);
          await timed('screenshot', bf.shot(page, `a11y-${view.name}-${user}-${viewport}`));
        }
      }
      await page.close();
      console.log(`a11y walk, ms so far: ${JSON.stringify(spent)}`);
      expect(failures).toEqual([]);
    },
    240_000,
  );

  it('is usable by keyboard alone: fleet to recorder, a map marker, visible focus', async () => {
    const page = await bf.logIn('northwind', { viewport: 'laptop' });
    await page.locator('#counts .count.total').waitFor();
    // The dark top bar's links show where the focus is.
    await tabTo(page, '#nav a[data-view=fleet]');
    expect(await focusShown(page)).toBe('visible');
    // Fleet: tick "show all" with Space, then Tab to a recorder and open it with Enter.
    await tabTo(page, '#show-all');
    expect(await focusShown(page)).toBe('visible');
    await page.keyboard.press('Space');
    await page.locator('#recorders tr[data-recorder-id]').first().waitFor({ timeout: 10_000 });
    await tabTo(page, '#recorders a[href^="#/recorder/"]');
    expect(await focusShown(page)).toBe('visible');
    const target = await page.evaluate('document.activeElement?.getAttribute("href")');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.evaluate('location.hash')).toBe(target);
    await page.locator('#recorder .page-head h1').waitFor({ timeout: 10_000 });

    // Map: Tab to a site marker; Enter opens its site, and so does Space.
    for (const key of ['Enter', 'Space']) {
      await bf.go(page, '#/map');
      await page.locator('#map .site-marker').first().waitFor({ timeout: 15_000 });
      await page.evaluate('document.activeElement?.blur()');
      await tabTo(page, '#map .site-marker');
      expect(await focusShown(page)).toBe('visible');
      const site = await page.evaluate('document.activeElement?.dataset.siteId');
      expect(site).toBeTruthy();
      await page.keyboard.press(key);
      await expect.poll(() => page.evaluate('location.hash'), { timeout: 5_000 }).toBe(`#/site/${site}`);
    }

    // Zoomed out all the way on a large screen: the world fills the map, no empty band (kept for a look).
    await page.setViewportSize(VIEWPORTS.monitor);
    await bf.go(page, '#/map');
    await baseMapDrawn(page);
    const zoomOut = page.locator('#map .leaflet-control-zoom-out');
    for (let i = 0; i < 12 && !(await zoomOut.getAttribute('class'))?.includes('leaflet-disabled'); i++) {
      // Forced: Leaflet disables the button at the last zoom level, perhaps between the check and
      // the click, and a click on a disabled zoom button does nothing.
      await zoomOut.click({ force: true });
      // Leaflet ignores a click while it animates the last zoom: wait for that to end.
      await expect.poll(() => page.evaluate('document.querySelector("#map.leaflet-zoom-anim") === null')).toBe(true);
    }
    await bf.shot(page, 'a11y-map-zoomed-out-monitor');

    // A form control's focus ring.
    await bf.go(page, '#/rules');
    await page.locator('#new-rule-button').waitFor();
    await page.click('#new-rule-button');
    await page.locator('#rule-form input[name=name]').waitFor();
    await page.locator('#rule-form input[name=name]').focus();
    expect(await focusShown(page)).toBe('visible');
    await page.close();
  }, 120_000);

  it('shows a problem message as text a keyboard or touch user can read, and severity in words', async () => {
    const recorder = 'hl-cph-01';
    bf.demo.hosts.get(recorder)!.log('ERROR', "Camera 'Gate 7' (10.0.0.27): Unable to connect to camera");
    const page = await bf.logIn('northwind', { viewport: 'phone' });
    // On the fleet list: the message itself, not only a tooltip.
    const chip = page.locator(`#recorders tr[data-recorder-id="${recorder}"] [data-code="camera-unreachable"]`);
    await chip.waitFor({ timeout: 20_000 });
    const message = await chip.locator('.problem-msg').textContent();
    expect(message).toMatch(/Gate 7/);
    expect(await chip.locator('.problem-msg').isVisible()).toBe(true);
    expect(await page.locator(`#recorders tr[data-recorder-id="${recorder}"] td.problems`).textContent()).toContain(message);
    expect(await chip.textContent()).toMatch(/error/i);
    await bf.go(page, `#/recorder/${recorder}`);
    const row = page.locator('#recorder .card-problems tr[data-code="camera-unreachable"]');
    await row.waitFor({ timeout: 15_000 });
    expect(await row.textContent()).toContain(message);
    expect(await row.textContent()).toMatch(/error/i);
    expect(await overflowing(page)).toEqual([]);
    await bf.shot(page, 'a11y-recorder-problem-phone');
    await page.close();
  }, 120_000);

  it('titles the not-found page, and opens another reseller’s recorder with one request and no error', async () => {
    const page = await bf.logIn('northwind', { viewport: 'phone' });
    const asked: string[] = [];
    page.on('request', (req) => {
      const path = new URL(req.url()).pathname;
      if (path.startsWith('/api/recorders/nt-osl-01')) asked.push(path);
    });
    await bf.go(page, '#/no-such-view');
    await page.locator('#not-found').waitFor();
    await expect.poll(() => page.title()).toBe('Vigil · Not found');
    // Not found once, quietly: the page's problems (which fail on any unexpected 404) stay empty.
    await bf.go(page, '#/fleet');
    await page.locator('#fleet').waitFor();
    await bf.go(page, '#/recorder/nt-osl-01');
    await page.locator('#not-found').waitFor({ timeout: 10_000 });
    await expect.poll(() => page.title()).toBe('Vigil · Not found');
    expect(asked).toEqual(['/api/recorders/nt-osl-01/visible']);
    await page.close();
    expect(bf.problems.filter((p) => p.includes('nt-osl-01'))).toEqual([]);
  }, 120_000);

  it('ran without a script error, a CSP violation, an unexpected error answer or a request to the internet', () => {
    expect(bf.problems).toEqual([]);
  });
});
