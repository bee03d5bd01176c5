import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError, emailSender, smtpTransportFrom, webhookSender, type AlertNotice, type Notification } from '@vigil/ingestor';
import { CATCHER_KEEP, startDemoCatchers, type DemoCatchers } from '../src/demo/catchers.js';

const T0 = Date.UTC(2025, 5, 1, 12, 0, 0);

function alert(overrides: Partial<AlertNotice> = {}): AlertNotice {
  return {
    id: 1,
    ruleId: 1,
    ruleName: 'Disks nearly full',
    state: 'firing',
    severity: 'critical',
    summary: 'drive-full on D:\\ (96.1 %)',
    conditionKey: 'problem:drive-full',
    target: { kind: 'recorder', id: 'sc-ham-01' },
    recorder: { id: 'sc-ham-01', name: 'Hamburg 1' },
    // Names come from agents: the page and the log must show them, not run them.
    site: { id: 'ham', name: 'Hamburg <script>alert(1)</script>' },
    installation: { slc: 'M01-C01-111-11-111111', name: 'Seacoast \u001b[31mRetail' },
    since: T0,
    resolvedAt: null,
    link: null,
    ...overrides,
  };
}

const notification = (id: number, alerts: AlertNotice[]): Notification => ({ id, kind: 'firing', createdAt: T0, alerts });

/** GET with a chosen Host header (fetch does not let one set it). */
function get(url: string, host?: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const target = new URL(url);
    const req = request({ host: target.hostname, port: target.port, path: target.pathname, headers: host ? { host } : {} }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function waitFor<T>(probe: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

let dataDir: string;
let catchers: DemoCatchers;
beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'vigil-catchers-'));
  catchers = await startDemoCatchers({ dataDir, logger: pino({ level: 'silent' }) });
});
afterAll(async () => {
  await catchers?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("the demo's notification catchers", () => {
  it('an e-mail and webhooks sent by the real senders show up on the page, newest first, escaped, and in the log file', async () => {
    const live = new AbortController().signal;
    const mail = smtpTransportFrom(catchers.smtpSettings);
    try {
      await emailSender(mail, { to: ['noc@demo.vigil.invalid'] }).send(notification(41, [alert()]), live);
    } finally {
      mail.close();
    }
    await webhookSender({ url: catchers.webhookUrl, secret: catchers.webhookSecret, timeoutMs: 5_000 }).send(notification(42, [alert()]), live);
    // A channel with the wrong secret is told so (401, not retried) and the page shows the bad signature.
    const refused = await webhookSender({ url: catchers.webhookUrl, secret: 'not-the-demo-secret-at-all', timeoutMs: 5_000 })
      .send(notification(43, [alert()]), live)
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(refused).toBeInstanceOf(ChannelError);
    expect((refused as ChannelError).retryable).toBe(false);

    const subject = '[Vigil] FIRING critical: drive-full — Seacoast  [31mRetail / Hamburg <script>alert(1)</script> / Hamburg 1';
    expect(catchers.emails().map((e) => [e.subject, e.from, e.to])).toEqual([[subject, 'vigil@demo.vigil.invalid', ['noc@demo.vigil.invalid']]]);
    expect(catchers.webhooks().map((w) => [w.delivery, w.kind, w.signatureValid])).toEqual([
      ['43', 'firing', false],
      ['42', 'firing', true],
    ]);

    const inbox = await get(catchers.inboxUrl);
    expect(inbox.status).toBe(200);
    expect(inbox.headers['content-security-policy']).toContain("default-src 'none'");
    const page = inbox.body;
    expect(page).toContain('E-mails (1)');
    expect(page).toContain('Webhooks (2)');
    expect(page).toContain('[Vigil] FIRING critical: drive-full — Seacoast  [31mRetail / Hamburg &#60;script&#62;alert(1)&#60;/script&#62; / Hamburg 1');
    expect(page).not.toContain('<script');
    expect(page.indexOf('delivery 43')).toBeGreaterThan(0);
    expect(page.indexOf('delivery 43')).toBeLessThan(page.indexOf('delivery 42'));
    expect(page).toMatch(/delivery 43 · <span class="bad">signature INVALID<\/span>/);
    expect(page).toMatch(/delivery 42 · <span class="ok">signature valid<\/span>/);
    expect(page).toContain('&#34;summary&#34;: &#34;drive-full on D:\\\\ (96.1 %)&#34;');

    // The e-mail's HTML version, served sandboxed.
    const link = /href="(\/email\/\d+\.html)"/.exec(page)?.[1];
    expect(link).toBeDefined();
    const html = await get(new URL(link as string, catchers.inboxUrl).href);
    expect(html.status).toBe(200);
    expect(html.headers['content-security-policy']).toContain('sandbox');
    expect(html.body).toContain('Hamburg &#60;script&#62;');

    // The log is appended after the answer went out: wait for the last block.
    const log = await waitFor(() => {
      const text = readFileSync(catchers.logFile, 'utf8');
      return text.includes('webhook delivery 43') ? text : undefined;
    });
    expect(catchers.logFile).toBe(join(dataDir, 'demo', 'notifications.log'));
    expect(statSync(catchers.logFile).mode & 0o777).toBe(0o600);
    expect(log).toContain(`e-mail from vigil@demo.vigil.invalid to noc@demo.vigil.invalid\nSubject: ${subject}\n`);
    expect(log).toContain('Customer:  Seacoast  [31mRetail (SLC M01-C01-111-11-111111)');
    expect(log).toContain('webhook delivery 42 (firing), signature valid\n{\n  "version": 1,');
    expect(log).toContain('webhook delivery 43 (firing), signature INVALID');
    // No terminal escape reaches a `tail -f` of the log.
    expect(log).not.toContain('\u001b');
    expect(log.indexOf('e-mail from')).toBeLessThan(log.indexOf('delivery 42'));
  });

  it(`keeps the last ${CATCHER_KEEP} webhooks on the page`, async () => {
    const sender = webhookSender({ url: catchers.webhookUrl, secret: catchers.webhookSecret, timeoutMs: 5_000 });
    const before = catchers.webhooks().length;
    for (let id = 1000; id < 1000 + CATCHER_KEEP + 5; id++) await sender.send(notification(id, []), new AbortController().signal);
    const kept = catchers.webhooks();
    expect(before).toBeGreaterThan(0);
    expect(kept).toHaveLength(CATCHER_KEEP);
    expect(kept[0]?.delivery).toBe(String(1000 + CATCHER_KEEP + 4));
    expect(kept.at(-1)?.delivery).toBe('1005');
    await waitFor(() => readFileSync(catchers.logFile, 'utf8').includes(`webhook delivery ${1000 + CATCHER_KEEP + 4} (firing)`) || undefined);
    expect(readFileSync(catchers.logFile, 'utf8')).toContain('webhook delivery 1000 (firing)');
  });

  it('answers only under its own loopback name (a web page cannot read it through DNS rebinding)', async () => {
    const port = new URL(catchers.inboxUrl).port;
    expect((await get(catchers.inboxUrl, `evil.example:${port}`)).status).toBe(403);
    expect((await get(catchers.inboxUrl, `localhost:${port}`)).status).toBe(200);
  });

  it('keeps its webhook secret across restarts, so a channel configured once still verifies', async () => {
    const again = await startDemoCatchers({ dataDir, logger: pino({ level: 'silent' }) });
    try {
      expect(again.webhookSecret).toBe(catchers.webhookSecret);
      expect(again.webhookSecret.length).toBeGreaterThanOrEqual(32);
      expect(statSync(join(dataDir, 'demo', 'webhook-secret')).mode & 0o777).toBe(0o600);
    } finally {
      await again.close();
    }
  });
});
