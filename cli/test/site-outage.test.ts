import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fleetPaths, resolveSettings, startDemoFleet, startFleet, UPLINK_SITE, type DemoFleet, type RunningFleet } from '../src/index.js';

/**
 * Site correlation with real agents: the demo's uplink site has two recorders whose agent processes
 * are frozen (SIGSTOP), so their connections go silent as behind a cut line. The broker times them
 * out and fires their wills; the ingestor calls it one site outage, and clears it when they resume.
 */
describe('a site loses its uplink', () => {
  let dir: string;
  let fleet: RunningFleet;
  let demo: DemoFleet;
  const OSLO = ['nt-osl-01', 'nt-osl-02'];

  const until = async (what: string, check: () => boolean, ms: number) => {
    const started = Date.now();
    while (!check()) {
      if (Date.now() - started > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return Date.now() - started;
  };
  const stateOf = (id: string) => fleet.ingestor.state.stateOf(id);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-uplink-'));
    const settings = resolveSettings(
      { dataDir: join(dir, 'data'), httpPort: '0', mqttPort: '0', wssPort: '0', metricsPort: '0', enrollPort: '0' },
      { VIGIL_ADMIN_PASSWORD: 'uplink-admin' },
    );
    const logger = pino({ level: 'silent' });
    fleet = await startFleet(settings, logger);
    demo = await startDemoFleet(fleet.pki, fleet.brokerUrl, fleetPaths(settings.dataDir).demo, logger, { scenario: false });
  });

  afterAll(async () => {
    await demo?.stop();
    await fleet?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('is one site outage, not two recorder failures, and ends when the line is back', async () => {
    await until('the Oslo recorders online', () => OSLO.every((id) => stateOf(id) === 'online'), 30_000);
    demo.uplink(false);
    // Demo agents beat every 10 s: three missed (32 s) come before the broker's keepalive timeout (45 s).
    const lostMs = await until('the site unreachable', () => fleet.ingestor.state.isSiteUnreachable('M01-AC-TRANSIT-0003', UPLINK_SITE), 90_000);
    expect(OSLO.map(stateOf)).toEqual(['unavailable', 'unavailable']);
    // Then the broker times both connections out and publishes their wills: still one site outage.
    await until('the wills', () => OSLO.every((id) => stateOf(id) === 'offline'), 60_000);
    expect(fleet.ingestor.state.isSiteUnreachable('M01-AC-TRANSIT-0003', UPLINK_SITE)).toBe(true);
    expect(fleet.ingestor.db.unreachableSites()).toEqual([expect.objectContaining({ installationSlc: 'M01-AC-TRANSIT-0003', siteId: UPLINK_SITE })]);
    expect(stateOf('nt-got-01')).toBe('online'); // the same installation's other site is fine

    demo.uplink(true);
    const backMs = await until('the site reachable', () => !fleet.ingestor.state.isSiteUnreachable('M01-AC-TRANSIT-0003', UPLINK_SITE), 60_000);
    await until('both online', () => OSLO.every((id) => stateOf(id) === 'online'), 30_000);
    expect(fleet.ingestor.db.unreachableSites()).toEqual([]);
    console.log(`uplink: site unreachable ${lostMs} ms after the cut, reachable ${backMs} ms after it was restored`);
  }, 180_000);
});
