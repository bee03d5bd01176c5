import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertingDesk, HangingSmtpServer, plainSmtpEnv, WebhookReceiver } from './support/alerting.js';
import { type FaultAgent, Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/** The ingestor's SMTP deadline: long enough that the webhook's delivery visibly happens while the mail still hangs. */
const SMTP_TIMEOUT_MS = 8_000;
const LINES_PER_SECOND = 100;
/** How far behind the store may fall at worst on a shared 2-core machine; a pipeline waiting on the mail server would fall 8 s behind. */
const MAX_LAG_MS = 4_000;

interface LagSample {
  at: number;
  /** Age of the oldest numbered line written but not yet stored (0: all stored). */
  lagMs: number;
}

/** Samples, every 250 ms, how far the store is behind what the agent was given. */
function watchLag(fleet: Fleet, agent: FaultAgent): { samples: LagSample[]; stop(): void } {
  const samples: LagSample[] = [];
  let firstMissing = 0;
  const timer = setInterval(() => {
    const stored = new Set(fleet.storedEvents(agent.id).map((e) => e.n));
    while (firstMissing < agent.sent && stored.has(firstMissing)) firstMissing++;
    const now = Date.now();
    samples.push({ at: now, lagMs: firstMissing < agent.sent ? now - (agent.writtenAt[firstMissing] ?? now) : 0 });
  }, 250);
  return { samples, stop: () => clearInterval(timer) };
}

const maxLag = (samples: LagSample[], from: number, to: number) => Math.max(0, ...samples.filter((s) => s.at >= from && s.at <= to).map((s) => s.lagMs));

/**
 * A mail server that accepts the connection and never greets, as one channel of a rule, and a
 * webhook as the other. The notifier is its own stage with a queue per channel: the webhook must be
 * told promptly, the pipeline must keep storing a steady stream of numbered lines at its normal
 * pace, and the e-mail channel must show its error in alerts.db, the dashboard and /metrics.
 */
describe('fault: alerting with a hanging SMTP server', () => {
  let fleet: Fleet;
  let smtp: HangingSmtpServer;
  let receiver: WebhookReceiver;
  let desk: AlertingDesk | undefined;
  beforeAll(async () => {
    smtp = new HangingSmtpServer();
    await smtp.start();
    receiver = new WebhookReceiver();
    await receiver.start();
    fleet = await Fleet.start('alerting-hanging-smtp', { ingestorEnv: plainSmtpEnv(smtp.port, SMTP_TIMEOUT_MS) });
  });
  afterAll(async () => {
    desk?.close();
    await fleet?.close();
    await receiver?.close();
    await smtp?.close();
  });

  it('the webhook is told at once, ingestion keeps its pace, the e-mail channel shows its error', async () => {
    const agent = await fleet.agent('rec-hang-1');
    desk = await AlertingDesk.open(fleet);
    const mail = desk.email('NOC mail', ['noc@faults.example']);
    const hook = desk.webhook('NOC hook', receiver);
    desk.rule({
      name: 'Camera down',
      condition: { kind: 'problem', code: 'camera-unreachable' },
      forSeconds: 0,
      severity: 'error',
      channelIds: [mail.id, hook.id],
    });
    desk.store.requestChannelTest(desk.noc, hook.id);
    await waitFor(
      'the channel test',
      () => receiver.of('test').length,
      (n) => n === 1,
      60_000,
    );

    const lag = watchLag(fleet, agent);
    const writer = agent.writeSteadily(LINES_PER_SECOND);
    const baselineFrom = Date.now();
    await waitFor(
      'a steady stream',
      () => Date.now() - baselineFrom,
      (ms) => ms >= 8_000,
      20_000,
    );
    const raisedAt = Date.now();
    agent.writeRaw(['VIGIL-CAM c7 DOWN']);
    const [hooked] = await waitFor(
      'the webhook notification',
      () => receiver.of('firing'),
      (n) => n.length > 0,
      60_000,
    );
    const hookedAfter = (hooked!.at - raisedAt) / 1000;
    const failed = await waitFor(
      'the e-mail channel to show its failure',
      () => desk!.channelStatus(mail.id),
      (s) => s?.last_failure_at != null && s.last_error != null,
      60_000,
    );
    const firstMail = smtp.connections[0];
    // Both were due together: the webhook went while the first mail attempt was under way (opened
    // about then, given up only seconds later), not after it.
    const mailHangingAtHook =
      firstMail !== undefined && Math.abs(firstMail.openedAt - hooked!.at) < 2_000 && (firstMail.closedAt ?? Infinity) > hooked!.at + SMTP_TIMEOUT_MS / 2;
    // A second attempt (a retry with backoff) hangs too; keep the stream going through it.
    await waitFor(
      'a retry of the e-mail',
      () => smtp.connections.length,
      (n) => n >= 2,
      60_000,
    );
    const faultEnd = Date.now() + 3_000;
    await waitFor(
      'the stream through the retry',
      () => Date.now(),
      (now) => now >= faultEnd,
      10_000,
    );
    writer.stop();
    lag.stop();
    const total = await fleet.settle(agent);
    const shown = desk.store.channelsFor(desk.noc).find((c) => c.id === mail.id)!;
    const metrics = await (await fetch(`http://127.0.0.1:${fleet.ports.ingestorMetrics}/metrics`)).text();
    const hookStatus = desk.channelStatus(hook.id);
    const baselineLag = maxLag(lag.samples, baselineFrom + 2_000, raisedAt);
    const faultLag = maxLag(lag.samples, raisedAt, faultEnd);

    reportFault({
      name: 'alerting-hanging-smtp',
      ...total,
      recoveredSeconds: secondsSince(raisedAt),
      details: {
        'webhook after raise s': hookedAfter.toFixed(1),
        'smtp attempts': smtp.connections.length,
        'max lag before ms': baselineLag,
        'max lag while mail hangs ms': faultLag,
      },
    });
    const rel = (t: number | null) => (t === null ? 'open' : ((t - raisedAt) / 1000).toFixed(1));
    if (!mailHangingAtHook)
      console.log(
        `webhook at ${rel(hooked!.at)} s; SMTP connections (s after the raise): ${smtp.connections.map((c) => `${rel(c.openedAt)}..${rel(c.closedAt)}`).join(', ')}`,
      );

    expect(mailHangingAtHook).toBe(true);
    // Promptly: the grouping window (10 s) and a few seconds of slack, not the SMTP deadline on top.
    expect(hookedAfter).toBeLessThan(10 + 6);
    expect(hooked!.body.alerts.map((a) => [a.recorder?.id, a.problem.key])).toEqual([[agent.id, 'problem:camera-unreachable']]);
    expect(hooked!.signatureValid).toBe(true);
    // The e-mail's failure, where an operator looks: alerts.db, the dashboard's channel list, /metrics.
    expect(failed!.last_success_at).toBeNull();
    expect(failed!.last_error).toMatch(new RegExp(`not sent within ${SMTP_TIMEOUT_MS} ms`));
    expect(shown.status.lastError).toBe(failed!.last_error);
    expect(metrics).toMatch(new RegExp(`vigil_alert_channel_last_failure_seconds\\{channel="${mail.id}"\\} \\d`));
    expect(hookStatus?.last_success_at).not.toBeNull();
    expect(hookStatus?.last_error ?? null).toBeNull();
    // Ingestion kept its pace while the mail hung: every line stored once, never far behind.
    expect(faultLag).toBeLessThan(MAX_LAG_MS);
    expect(total.sent).toBeGreaterThan(LINES_PER_SECOND * 15);
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
  }, 240_000);
});
