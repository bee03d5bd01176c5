import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { describeWithSystem } from '../../testing/system.js';
import { DEMO_INSTALLATIONS } from '../src/index.js';
import { type BrowserFleet, CHROMIUM, type DemoUser, startBrowserFleet, VIEWPORTS, type ViewportName } from './support/browser-fleet.js';

/**
 * The shift log page (issue #15 "New views") in a real Chromium against the demo fleet: a demo
 * agent stopped shows up in the open log of NOC and of its reseller without a reload, never in
 * the other reseller's; every user sees only their own entries at the three screens of #15,
 * without sideways scrolling, with screenshots kept.
 */

/** The demo resellers (as the demo plan names them) and the recorders each holds. */
const RESELLERS = [...new Set(DEMO_INSTALLATIONS.flatMap((i) => (i.reseller ? [i.reseller] : [])))] as DemoUser[];
const recordersOf = (reseller: string) =>
  new Set(DEMO_INSTALLATIONS.filter((i) => i.reseller === reseller).flatMap((i) => i.sites.flatMap((s) => s.recorders.map((r) => r.id))));

const TIMEOUT = 60_000;

/** Recorder ids of the entries listed on the page. */
const listedRecorders = async (page: Page) =>
  [...new Set(await page.locator('#shift-log li.sl-entry').evaluateAll((items) => items.map((li) => li.getAttribute('data-recorder') ?? '')))].filter(Boolean);

/**
 * Elements of the view sticking out of the viewport, and how far the view's part of the page
 * (main) scrolls sideways. The top bar's own width at 390 px is the phone-width fix's to prove.
 */
const overflow = (page: Page) =>
  page.evaluate<{ sideways: number; wide: string[] }>(`(() => {
    const width = document.documentElement.clientWidth;
    const wide = [...document.querySelectorAll('#shift-log *')]
      .filter((el) => { const box = el.getBoundingClientRect(); return box.width > 0 && (box.right > width + 1 || box.left < -1); })
      .map((el) => el.tagName.toLowerCase() + '.' + el.className + ' right ' + Math.round(el.getBoundingClientRect().right) + ' > ' + width);
    const main = document.querySelector('main');
    return { sideways: main.scrollWidth - main.clientWidth, wide: wide.slice(0, 5) };
  })()`);

describeWithSystem('shift log page in a real Chromium', [CHROMIUM], () => {
  let bf: BrowserFleet;
  const [first, second] = RESELLERS as [DemoUser, DemoUser];
  // In-process demo agents of each reseller (the crashing one and the uplink site run as processes).
  const agentOf = (reseller: string) => bf.demo.agents.find((a) => recordersOf(reseller).has(a.config.recorderId))!;

  beforeAll(async () => {
    bf = await startBrowserFleet();
    // every demo recorder has reported (their births are the fleet's first state changes)
    const deadline = Date.now() + TIMEOUT;
    while (bf.fleet.dashboard.store.recordersFor(bf.fleet.dashboard.store.userByName('noc')!).length < 14) {
      if (Date.now() > deadline) throw new Error('the demo fleet did not report');
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }, 180_000);
  afterAll(async () => bf?.close());

  it(
    'a recorder stopped shows up live, without a reload, for NOC and its reseller, never for the other reseller',
    async () => {
      const pages = new Map<DemoUser, Page>();
      for (const user of ['noc', first, second] as DemoUser[]) {
        const page = await bf.logIn(user);
        await bf.go(page, '#/shift-log');
        await page.locator('#shift-log h1', { hasText: 'Shift log' }).waitFor();
        await page.locator('#shift-log .sl-summary').filter({ hasText: /entr/ }).waitFor();
        pages.set(user, page);
      }
      const mine = agentOf(first);
      const theirs = agentOf(second);
      const id = mine.config.recorderId;
      const otherId = theirs.config.recorderId;
      await mine.stop();
      await theirs.stop();
      const entry = (page: Page, recorder: string) => page.locator(`#shift-log li.sl-entry[data-kind="outage"][data-recorder="${recorder}"]`);
      for (const user of ['noc', first] as DemoUser[]) {
        await entry(pages.get(user)!, id).waitFor({ timeout: TIMEOUT });
        await expect(entry(pages.get(user)!, id).textContent()).resolves.toMatch(/Recorder stopped \(planned\).*still down/s);
      }
      await entry(pages.get('noc')!, otherId).waitFor({ timeout: TIMEOUT });
      await entry(pages.get(second)!, otherId).waitFor({ timeout: TIMEOUT });
      // the first reseller's page had every chance to show the other's stop: it never does
      expect(await listedRecorders(pages.get(first)!)).not.toContain(otherId);
      expect(await listedRecorders(pages.get(second)!)).not.toContain(id);
      // the entry links to its recorder
      await entry(pages.get(first)!, id).locator(`a[href="#/recorder/${id}"]`).click();
      await pages.get(first)!.waitForURL(new RegExp(`#/recorder/${id}$`));
      await bf.shot(pages.get('noc')!, 'shift-log-live-noc');
      for (const page of pages.values()) await page.close();
    },
    2 * TIMEOUT,
  );

  it(
    'NOC and both resellers see their own entries at 1366x768, 1920x1080 and 390x844, with labelled controls and no sideways scrolling',
    async () => {
      for (const user of ['noc', first, second] as DemoUser[]) {
        const own = recordersOf(user);
        for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
          const page = await bf.logIn(user, { viewport });
          await bf.go(page, '#/shift-log');
          await page.locator('#shift-log .sl-summary').filter({ hasText: /entr/ }).waitFor();
          await page.locator('#shift-log').getByLabel('Period', { exact: true }).selectOption('24h');
          await page.locator('#shift-log li.sl-entry').first().waitFor({ timeout: TIMEOUT });
          const listed = await listedRecorders(page);
          expect(listed.length, `${user} ${viewport}`).toBeGreaterThan(0);
          if (user !== 'noc')
            expect(
              listed.filter((r) => !own.has(r)),
              `${user} sees others' recorders`,
            ).toEqual([]);
          // filter by installation: keyboard-usable selects with labels
          const view = page.locator('#shift-log');
          expect(await view.getByLabel('Installation', { exact: true }).locator('option').count()).toBeGreaterThan(1);
          await view.getByLabel('Site', { exact: true }).focus();
          expect(await page.evaluate<string | undefined>('document.activeElement?.id')).toBe('sl-site');
          expect(await page.title()).toBe('Vigil · Shift log');
          expect(await overflow(page), `${user} at ${viewport}`).toEqual({ sideways: 0, wide: [] });
          await bf.shot(page, `shift-log-${user}-${viewport}`);
          await page.close();
        }
      }
      expect(bf.problems).toEqual([]);
    },
    6 * TIMEOUT,
  );
});
