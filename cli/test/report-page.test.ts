import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DEMO_INSTALLATIONS } from '../src/index.js';
import { describeWithSystem } from '../../testing/system.js';
import { type BrowserFleet, CHROMIUM, type DemoUser, startBrowserFleet, VIEWPORTS, type ViewportName } from './support/browser-fleet.js';

/**
 * The service report page (#/report) as its users use it, in Debian's Chromium against a real
 * fleet with the demo agents: each user picks an installation and a month at the three screens
 * of issue #15, prints it (print media: only the report), downloads the PDF, and never sees
 * another reseller's installation.
 */

const RESELLERS = [...new Set(DEMO_INSTALLATIONS.map((i) => i.reseller).filter((r): r is string => r !== undefined))];
const ownSlcs = (user: string) => DEMO_INSTALLATIONS.filter((i) => user === 'noc' || i.reseller === user).map((i) => i.slc);
const month = () => new Date().toISOString().slice(0, 7);

/**
 * What sticks out past the right edge of the page's content (main): a view that scrolls sideways
 * on a phone. The top bar is the shell's (its phone layout is checked with the other views).
 */
function overflow(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const width = document.documentElement.clientWidth;
    const wide = [];
    const main = document.querySelector('main');
    if (main.scrollWidth > width) wide.push('main ' + main.scrollWidth + ' > ' + width);
    for (const el of document.querySelectorAll('#report *')) {
      const box = el.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 1) wide.push(el.tagName.toLowerCase() + '.' + el.className + ' right ' + Math.round(box.right) + ' > ' + width);
    }
    return wide.slice(0, 5);
  })()`);
}

describeWithSystem('service report page', [CHROMIUM, '/usr/bin/pdftotext'], () => {
  let bf: BrowserFleet;
  const started = Date.now();

  beforeAll(async () => {
    bf = await startBrowserFleet();
  }, 180_000);

  afterAll(async () => {
    await bf?.close();
    console.log(`report-page: ${((Date.now() - started) / 1000).toFixed(1)} s with the fleet`);
  });

  it('each user picks an installation and a month at 1366, 1920 and 390 px; another reseller’s is not offered; print shows only the report', async () => {
    const users: DemoUser[] = ['noc', ...(RESELLERS as DemoUser[])];
    expect(users).toHaveLength(3);
    for (const user of users) {
      const page = await bf.logIn(user, { viewport: 'laptop' });
      await bf.go(page, '#/report');
      await page.locator('#report h1').filter({ hasText: 'Service report' }).waitFor();
      const select = page.getByLabel('Installation');
      await expect.poll(async () => (await select.locator('option').count()) > 0, { timeout: 30_000 }).toBe(true);
      const offered = await select.locator('option').evaluateAll((options) => options.map((o) => o.getAttribute('value') ?? ''));
      const own = ownSlcs(user);
      // Only installations with recorders are offered: the reseller's own, NOC every one reporting.
      for (const slc of offered) expect(own, `${user} is offered ${slc}`).toContain(slc);
      expect(offered.length).toBeGreaterThan(0);
      const slc = offered[0]!;
      const installation = DEMO_INSTALLATIONS.find((i) => i.slc === slc)!;
      // The keyboard way: choose, type the month, Enter.
      await select.selectOption(slc);
      await page.getByLabel('Month (UTC)').fill(month());
      await page.getByLabel('Month (UTC)').press('Enter');
      await page.waitForFunction(`location.hash === ${JSON.stringify(`#/report/${slc}/${month()}`)}`);
      const figure = page.locator('#report-availability');
      await figure.waitFor({ timeout: 30_000 });
      await expect.poll(() => figure.textContent()).toMatch(/^(\d{1,3}\.\d{2} %|n\/a)$/);
      await expect.poll(() => page.locator('.report-title').textContent()).toBe(installation.name);
      expect(await page.locator('.report-meta').first().textContent()).toContain(slc);
      expect(await page.locator('.report-doc').textContent()).toContain('UTC');
      for (const viewport of Object.keys(VIEWPORTS) as ViewportName[]) {
        await page.setViewportSize(VIEWPORTS[viewport]);
        expect(await overflow(page), `${user} at ${viewport}`).toEqual([]);
        await bf.shot(page, `report-${user}-${viewport}`);
      }
      // Printed (at a laptop's width, near A4's): no top bar, no picker, no subscriptions; the report itself.
      await page.setViewportSize(VIEWPORTS.laptop);
      await page.emulateMedia({ media: 'print' });
      expect(await page.locator('header.topbar').isVisible()).toBe(false);
      expect(await page.locator('#nav').isVisible()).toBe(false);
      expect(await page.locator('.report-picker').isVisible()).toBe(false);
      expect(await page.locator('.report-subscriptions').isVisible()).toBe(false);
      expect(await page.locator('.report-doc').isVisible()).toBe(true);
      expect(await page.locator('.report-table thead').first().isVisible()).toBe(true);
      await bf.shot(page, `report-${user}-print`);
      await page.emulateMedia({ media: 'screen' });
      await page.close();
    }
  }, 240_000);

  it('downloads the PDF with the installation, the month and the availability; the CSV too', async () => {
    const reseller = RESELLERS[0] as DemoUser;
    const slc = ownSlcs(reseller)[0]!;
    const name = DEMO_INSTALLATIONS.find((i) => i.slc === slc)!.name;
    const page = await bf.logIn(reseller, { viewport: 'phone' });
    await bf.go(page, `#/report/${slc}/${month()}`);
    const figure = page.locator('#report-availability');
    await figure.waitFor({ timeout: 30_000 });
    const shown = (await figure.textContent())!;
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#report-pdf').click()]);
    expect(download.suggestedFilename()).toBe(`vigil-report-${slc}-${month()}.pdf`);
    const file = (await download.path())!;
    expect(readFileSync(file).subarray(0, 5).toString()).toBe('%PDF-');
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    expect(text).toContain(name);
    expect(text).toContain(slc);
    expect(text).toContain(new Date().toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' }));
    // The page and the PDF say the same figure (it may have moved on by a hundredth since).
    expect(text).toMatch(shown === 'n/a' ? /n\/a/ : /\d{1,3}\.\d{2} %/);
    const [csv] = await Promise.all([page.waitForEvent('download'), page.locator('#report-csv').click()]);
    expect(csv.suggestedFilename()).toBe(`vigil-report-${slc}-${month()}.csv`);
    expect(readFileSync((await csv.path())!, 'utf8').split('\r\n')[0]).toMatch(/^section,slc,month,/);
    await page.close();
  }, 120_000);

  it('another reseller’s installation answers "not found", and a subscription without a mail server shows why it was not sent', async () => {
    const [first, second] = RESELLERS as DemoUser[];
    const theirs = ownSlcs(second!)[0]!;
    const page = await bf.logIn(first!, { viewport: 'phone', expectErrors: [{ status: 404, pathPrefix: `/api/reports/${theirs}` }] });
    await bf.go(page, `#/report/${theirs}/${month()}`);
    await page.locator('#not-found').waitFor({ timeout: 30_000 });
    expect(await page.locator('#report .report-doc').count()).toBe(0);

    const own = ownSlcs(first!)[0]!;
    await bf.go(page, `#/report/${own}/${month()}`);
    await page.locator('#report-availability').waitFor({ timeout: 30_000 });
    await page.getByLabel('E-mail addresses (comma separated)').fill('customer@example.com');
    await page.getByRole('button', { name: 'Subscribe' }).click();
    const row = page.locator('.subscription').filter({ hasText: 'customer@example.com' });
    await row.waitFor();
    await row.getByRole('button', { name: 'Send now' }).click();
    await expect
      .poll(
        () =>
          row
            .locator('.sub-error')
            .textContent()
            .catch(() => ''),
        { timeout: 30_000 },
      )
      .toMatch(/VIGIL_SMTP_HOST/);
    expect(await overflow(page)).toEqual([]);
    await bf.shot(page, `report-${first}-phone-subscription`);
    await page.close();
    expect(bf.problems).toEqual([]);
  }, 120_000);
});
