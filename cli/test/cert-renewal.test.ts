import { execFile } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { type FaultAgent, Fleet, waitFor } from '../../test/faults/support/fleet.js';

const run = promisify(execFile);
const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');
const DAY = 86_400_000;
const ID = 'rec-renew';
const serialOf = (pem: Buffer | string) => new X509Certificate(pem).serialNumber.toLowerCase().replace(/^0+/, '');

/**
 * Real `vigil broker`, `vigil ingestor` and `vigil agent` processes: an agent whose certificate
 * runs out within tls.renewBeforeDays renews it by itself while its recorder keeps reporting, and
 * the broker then admits only the new certificate (docs/DESIGN.md "Enrolment").
 */
describe('an agent renews its certificate before it expires, with no visit', () => {
  let fleet: Fleet;
  let agent: FaultAgent;
  let old: { cert: Buffer; key: Buffer };
  let configPath: string;

  beforeAll(async () => {
    fleet = await Fleet.start('renewal');
    // Ten days left: outside a 5-day window, inside the default 30-day one.
    await fleet.pki.issueDevice(ID, { notAfter: new Date(Date.now() + 10 * DAY) });
    const bundle = fleet.pki.device(ID);
    old = { cert: readFileSync(bundle.cert), key: readFileSync(bundle.key) };
    agent = await fleet.agent(ID, { config: { tls: { renewUrl: `https://127.0.0.1:${fleet.ports.enroll}`, renewBeforeDays: 5 } } });
    configPath = join(fleet.dir, `${ID}.yaml`);
  });
  afterAll(async () => {
    await fleet?.close();
  });

  it('renews at start once within tls.renewBeforeDays, reconnects with the new certificate while shipping, stays online, and every observation arrives once', async () => {
    const writer = agent.writeSteadily(20);
    await waitFor(
      'the first lines stored',
      () => fleet.count(agent).stored,
      (n) => n >= 20,
    );
    // Not due yet: nothing asked, nothing changed.
    expect(agent.process.lines.some((line) => line.msg === 'certificate due for renewal; renewing')).toBe(false);
    expect(fleet.pki.registry().recorders[ID]?.serial.replace(/^0+/, '')).toBe(serialOf(old.cert));

    // The operator widens the window (as if the days had passed); a backlog waits in the log, so
    // batches are in flight when the renewed certificate replaces the session.
    await agent.process.stop();
    const config = parse(readFileSync(configPath, 'utf8')) as { tls: { renewBeforeDays: number } };
    config.tls.renewBeforeDays = 30;
    writeFileSync(configPath, stringify(config));
    agent.writeLines(3_000);
    await agent.process.start();
    await waitFor(
      'online again',
      () => fleet.recorderState(ID),
      (state) => state === 'online',
    );
    // From here on, every state the fleet shows for it (a 50 ms poll of fleet.db).
    const states = new Set<string>();
    const watching = setInterval(() => {
      const state = fleet.recorderState(ID);
      if (state) states.add(state);
    }, 50);
    try {
      await waitFor(
        'the agent to say it renewed',
        () => agent.process.lines.some((line) => line.msg === 'certificate renewed and saved'),
        (done) => done,
      );
      const bundle = fleet.pki.device(ID);
      const renewed = readFileSync(bundle.cert);
      expect(serialOf(renewed)).not.toBe(serialOf(old.cert));
      expect(new X509Certificate(renewed).subject).toContain(`CN=${ID}`);
      // The broker's validity (825 days by default), not the ten days it had.
      expect(Date.parse(new X509Certificate(renewed).validTo) - Date.now()).toBeGreaterThan(800 * DAY);
      expect(statSync(bundle.key).mode & 0o777).toBe(0o600);
      expect(existsSync(`${bundle.key}.next`) || existsSync(`${bundle.cert}.next`)).toBe(false);
      expect(fleet.broker.lines.some((line) => line.msg === 'recorder certificate renewed' && line.recorderId === ID)).toBe(true);
      await waitFor(
        'the agent to reconnect with it',
        () => agent.process.lines.some((line) => line.msg === 'reconnecting with the renewed certificate'),
        (done) => done,
      );

      // It connected again with the new certificate: that is what retires the old serial.
      await waitFor(
        'the registry to hold only the renewed serial',
        () => fleet.pki.registry().recorders[ID],
        (entry) => entry?.serial.replace(/^0+/, '') === serialOf(renewed) && entry.previousSerial === undefined,
      );

      // Data keeps flowing over the new session.
      const before = agent.sent;
      await waitFor(
        'lines written after the switch to be stored',
        () => fleet.count(agent).stored,
        (n) => n >= before,
      );
      writer.stop();
      const count = await fleet.settle(agent);
      console.log(
        `renewal: sent ${count.sent}, stored ${count.stored}, lost ${count.lost}, doubled ${count.doubled}; states after restart: ${[...states].join(', ')}`,
      );
      expect(count.sent).toBeGreaterThan(3_000);
      expect(count).toEqual({ sent: count.sent, stored: count.sent, lost: 0, doubled: 0, unexpected: 0 });
      // Never shown down: the old session ended with a clean DISCONNECT, so no will was published.
      expect([...states].filter((state) => state !== 'online' && state !== 'degraded')).toEqual([]);
      expect(fleet.recorderState(ID)).toBe('online');
    } finally {
      clearInterval(watching);
      writer.stop();
    }
  });

  it('no longer admits the old certificate', async () => {
    await expect(
      connectAsync(`mqtts://127.0.0.1:${fleet.ports.mqtt}`, {
        clientId: ID,
        ...old,
        ca: readFileSync(fleet.pki.caCertPath),
        reconnectPeriod: 0,
        connectTimeout: 10_000,
      }),
    ).rejects.toThrow();
    // The refused attempt did not take the agent's session over.
    expect(fleet.recorderState(ID)).toBe('online');
    await waitFor(
      "the broker's refusal in its log",
      () => fleet.broker.lines.some((line) => line.msg === 'connection refused' && line.reason === 'not-admitted' && line.clientId === ID),
      (logged) => logged,
      10_000,
    );
  });

  it('"vigil agent check" shows the new expiry and the renewal', async () => {
    const { stdout } = await run(process.execPath, [VIGIL, 'agent', 'check', '--config', configPath]);
    const expires = new X509Certificate(readFileSync(fleet.pki.device(ID).cert)).validTo;
    expect(stdout).toContain(`certificate: expires ${new Date(expires).toISOString()}`);
    expect(stdout).toMatch(/renewal: automatic from \d{4}-\d\d-\d\d \(tls\.renewBeforeDays 30\) at https:\/\/127\.0\.0\.1:\d+\/renew/);
    expect(stdout).toMatch(/last renewed: \d{4}-/);
    expect(stdout).not.toContain('FAILED');
  });
});
