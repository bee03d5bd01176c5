import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { type BrowserFleet, CHROMIUM, type DemoUser, startBrowserFleet, VIEWPORTS, type ViewportName } from './support/browser-fleet.js';

/**
 * The availability view (issue #15) in Debian's Chromium on the demo fleet: one demo agent loses
 * its connection without a goodbye (a crash: counted downtime), another is stopped gracefully
 * (planned: not counted); the table, its sorting, a row's outages and daily chart, the URL that
 * keeps period and grouping, and each demo user's scope at the three viewports of #15.
 */

const CRASHED = 'hl-cph-01'; // northwind's
const STOPPED = 'cm-lun-01'; // northwind's
/** The second demo reseller. */
const ACME: DemoUser = 'acme';
const NORTHWIND_PREFIXES = ['hl-', 'cm-'];
const ACME_PREFIXES = ['nt-', 'sc-', 'ks-'];

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describeWithSystem('availability page in a real Chromium', [CHROMIUM], () => {
  let bf: BrowserFleet;

  beforeAll(async () => {
    bf = await startBrowserFleet();
    const db = bf.fleet.ingestor.db;
    await until('every in-process demo agent online', () => bf.demo.agents.every((a) => db.recorder(a.config.recorderId)?.state === 'online'));
    const agent = (id: string) => bf.demo.agents.find((a) => a.config.recorderId === id)!;
    // A crash: the TCP connection drops with no DISCONNECT, so the broker publishes the agent's
    // will (offline), and nothing reconnects, as if its process had died (the agent's own flag
    // for "stopping" keeps it from reconnecting; a reconnect within the will's grace is no outage).
    const crashed = agent(CRASHED) as unknown as { stopping: boolean; client: { stream: { destroy(): void } } };
    crashed.stopping = true;
    crashed.client.stream.destroy();
    await until('the crash logged as offline', () => db.stateChangesOf(CRASHED, 0, Date.now() + 1).some((c) => c.state === 'offline'));
    // Maintenance: a graceful stop.
    await agent(STOPPED).stop();
    await until('the graceful stop', () => db.recorder(STOPPED)?.state === 'stopped');
  }, 180_000);

  afterAll(async () => bf?.close());

  // No DOM types in this project: what runs in the page is passed as source.
  const rowIds = async (page: Page) =>
    await page.locator('table.avail tbody tr').evaluateAll((rows) => rows.map((r) => String((r as { dataset?: { id?: string } }).dataset?.id ?? '')));
  const cell = (page: Page, id: string, label: string) => page.locator(`table.avail tr[data-id="${id}"] td[data-label="${label}"]`).textContent();
  /**
   * Nothing of the view reaches past the right edge. The top bar is left out: at 390 px it
   * overflows at the base commit already (Log out ends at ~515 px), which issue #15's phone fix
   * deals with; the lead's combined run checks the whole page.
   */
  const noSidewaysScroll = async (page: Page, where: string) => {
    const { wide, scroll, width } = (await page.evaluate(`(() => {
      const section = document.getElementById('availability');
      return {
        scroll: section.scrollWidth,
        width: section.clientWidth,
        wide: [...section.querySelectorAll('*')]
          .filter((el) => el.getBoundingClientRect().right > window.innerWidth + 1 && el.offsetParent !== null)
          .slice(0, 5)
          .map((el) => el.tagName.toLowerCase() + '.' + el.className + ' ' + Math.round(el.getBoundingClientRect().right) + 'px'),
      };
    })()`)) as { wide: string[]; scroll: number; width: number };
    expect(wide, `${where}: elements past the right edge`).toEqual([]);
    expect(scroll, `${where}: sideways scrolling`).toBeLessThanOrEqual(width);
  };

  it('NOC: the crash is counted, the graceful stop is not; sorting; a row opens its outages and daily chart; the URL keeps it all', async () => {
    const page = await bf.logIn('noc');
    await page.click('#nav a[data-view="availability"]');
    await page.locator('#availability h1', { hasText: 'Availability' }).waitFor();
    await page.selectOption('select[name=period]', '24h');
    await page.locator(`table.avail tr[data-id="${CRASHED}"]`).waitFor();
    expect(page.url()).toContain('period=24h');
    expect(page.url()).toContain('by=recorder');
    expect((await rowIds(page)).length).toBe(14); // every demo recorder
    // worst first by default: the crashed recorder is the only one with downtime
    expect((await rowIds(page))[0]).toBe(CRASHED);
    expect(await cell(page, CRASHED, 'Availability')).not.toBe('100.00 %');
    expect(Number(await cell(page, CRASHED, 'Outages'))).toBeGreaterThanOrEqual(1);
    expect(await cell(page, STOPPED, 'Availability')).toBe('100.00 %');
    expect(await cell(page, STOPPED, 'Outages')).toBe('0');
    expect(await cell(page, STOPPED, 'Planned stops')).toMatch(/^1 \(/);

    // Sorting by name, then reversed, from the column header (a button, so keyboard works too)
    await page.click('button.sort[data-sort="name"]');
    const names = await page.locator('table.avail td.name button').allInnerTexts();
    expect(names).toEqual([...names].sort((a, b) => a.localeCompare(b)));
    expect(await page.locator('th[aria-sort="ascending"]').textContent()).toContain('Recorder');
    await page.keyboard.press('Enter'); // the header button keeps focus
    expect(await page.locator('table.avail td.name button').allInnerTexts()).toEqual([...names].reverse());
    expect(page.url()).toContain('sort=name');
    expect(page.url()).toContain('dir=desc');

    // Drill-down: the crash is an offline outage, with a daily chart and its figures
    await page.click(`table.avail tr[data-id="${CRASHED}"] td.name button`);
    const detail = page.locator('.avail-detail');
    await detail.locator('tr.outage').first().waitFor();
    expect(await detail.locator('tr.outage[data-state="offline"][data-counted="true"]').count()).toBeGreaterThanOrEqual(1);
    expect(await detail.locator('.avail-chart canvas').count()).toBe(1);
    expect(await detail.locator('.daily-figures tbody tr').count()).toBeGreaterThanOrEqual(1);
    expect(await page.evaluate('document.activeElement && document.activeElement.id')).toBe('avail-detail-title');
    expect(page.url()).toContain(`open=${CRASHED}`);
    await bf.shot(page, 'availability-noc-crash-detail');

    // The graceful stop: listed as planned, not counted
    await page.click(`table.avail tr[data-id="${STOPPED}"] td.name button`);
    await detail.locator('tr.outage[data-state="stopped"]').waitFor();
    expect(await detail.locator('tr.outage[data-state="stopped"]').getAttribute('data-counted')).toBe('false');
    expect(await detail.locator('tr.outage[data-counted="true"]').count()).toBe(0);

    // The URL restores the view: reload it elsewhere
    const url = page.url();
    const again = await bf.browser.newPage({ viewport: VIEWPORTS.laptop });
    await again.context().addCookies(await page.context().cookies());
    await again.goto(url);
    await again.locator(`.avail-detail tr.outage[data-state="stopped"]`).waitFor();
    expect(await again.locator('select[name=period]').inputValue()).toBe('24h');
    expect(await again.locator('th[aria-sort="descending"]').textContent()).toContain('Recorder');
    await again.close();

    // Per reseller (NOC only): the two demo resellers; the unheld installation is in neither
    await page.selectOption('select[name=by]', 'reseller');
    await page.locator('table.avail tr[data-id="northwind"]').waitFor();
    expect((await rowIds(page)).sort()).toEqual(['acme', 'northwind']);
    expect(Number(await cell(page, 'northwind', 'Outages'))).toBeGreaterThanOrEqual(1);
    await page.click('table.avail tr[data-id="northwind"] td.name button');
    await detail.locator('tr.outage[data-state="offline"]').first().waitFor();
    await page.close();
  }, 120_000);

  it('each user at 1366 x 768, 1920 x 1080 and 390 x 844: its own fleet only, nothing scrolls sideways, screenshots', async () => {
    const cases: Array<[DemoUser, string[]]> = [
      ['noc', [...NORTHWIND_PREFIXES, ...ACME_PREFIXES, 'bc-']],
      ['northwind', NORTHWIND_PREFIXES],
      [ACME, ACME_PREFIXES],
    ];
    for (const [user, prefixes] of cases) {
      for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
        const page = await bf.logIn(user, { viewport });
        await bf.go(page, '#/availability?period=7d&by=recorder');
        await page.locator('table.avail tbody tr').first().waitFor();
        const ids = await rowIds(page);
        expect(ids.length, `${user} ${viewport}`).toBeGreaterThan(0);
        for (const id of ids)
          expect(
            prefixes.some((p) => id.startsWith(p)),
            `${user} sees ${id}`,
          ).toBe(true);
        expect(await page.locator('h1').filter({ hasText: 'Availability' }).isVisible()).toBe(true);
        // reseller grouping is NOC's
        expect(await page.locator('select[name=by] option[value=reseller]').count()).toBe(user === 'noc' ? 1 : 0);
        await page.click('table.avail tbody tr td.name button');
        await page.locator('.avail-detail .avail-chart canvas').waitFor();
        await noSidewaysScroll(page, `${user} ${viewport} per recorder`);
        await bf.shot(page, `availability-${user}-${viewport}`);
        await page.selectOption('select[name=by]', 'site');
        await page.locator('table.avail td.name[data-label="Site"]').first().waitFor();
        await noSidewaysScroll(page, `${user} ${viewport} per site`);
        await page.close();
      }
    }
    expect(bf.problems).toEqual([]);
  }, 240_000);
});
