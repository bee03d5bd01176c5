import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type AlertRow, AlertingDesk, WebhookReceiver } from './support/alerting.js';
import { type FaultAgent, Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

const HEARTBEAT_SECONDS = 2;
const SITE = { installationSlc: 'SLC-ALERT-QUAY', siteId: 'quay' };
const SITE_KEY = `${SITE.installationSlc}/${SITE.siteId}`;
const MEMBERS = ['rec-quay-1', 'rec-quay-2', 'rec-quay-3'];
/**
 * The rule's `for`. Frozen at the same instant, the site's recorders are still declared
 * unavailable one by one (each on its own heartbeat phase, up to an interval apart), so the first
 * is down before the site is known to be unreachable. 20 s is far longer than that spread: no
 * recorder's alert can fire before the site outage inhibits it, and a real operator wants a few
 * missed heartbeats tolerated anyway.
 */
const FOR_SECONDS = 20;

/**
 * Alerting under a real site outage: three `vigil agent` processes of one site frozen (SIGSTOP,
 * what the demo does for its uplink loss) past the broker's keepalive, so they go unavailable and
 * later offline by their wills. A NOC "recorder down" rule with a webhook must produce exactly one
 * firing notification naming the site, none per recorder (their alerts are kept, inhibited), and
 * one resolution once the agents run again; nothing else.
 */
describe('fault: alerting during a site outage', () => {
  let fleet: Fleet;
  let receiver: WebhookReceiver;
  let desk: AlertingDesk | undefined;
  beforeAll(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
    fleet = await Fleet.start('alerting-site-outage');
  });
  afterAll(async () => {
    desk?.close();
    await fleet?.close();
    await receiver?.close();
  });

  it('one site notification while its frozen recorders are inhibited, one resolution, nothing else', async () => {
    const members: FaultAgent[] = [];
    for (const id of MEMBERS) members.push(await fleet.agent(id, { heartbeatSeconds: HEARTBEAT_SECONDS, site: SITE }));
    const elsewhere = await fleet.agent('rec-quay-elsewhere', { heartbeatSeconds: HEARTBEAT_SECONDS });
    const agents = [...members, elsewhere];
    desk = await AlertingDesk.open(fleet);
    const channel = desk.webhook('NOC hook', receiver);
    const rule = desk.rule({
      name: 'Recorder down',
      condition: { kind: 'state', states: ['unavailable', 'offline'] },
      forSeconds: FOR_SECONDS,
      severity: 'critical',
      repeatMinutes: 0,
      channelIds: [channel.id],
    });
    // The ingestor has read the channel once its test arrives: from here on, the rule is in force.
    desk.store.requestChannelTest(desk.noc, channel.id);
    await waitFor(
      'the channel test',
      () => receiver.of('test').length,
      (n) => n === 1,
      60_000,
    );
    for (const agent of agents) agent.writeLines(20);

    for (const agent of members) agent.process.pause();
    const frozenAt = Date.now();
    const firing = await waitFor(
      'the firing notification',
      () => receiver.of('firing'),
      (n) => n.length > 0,
      90_000,
    );
    const firingAfter = (firing[0]!.at - frozenAt) / 1000;
    // What alerts.db says while the site is out and its notification has gone.
    const during = desk.alerts();
    // Through the will phase, as the demo's outage: recorders turning offline keep it one site outage.
    await waitFor(
      "the broker firing the frozen agents' wills",
      () => MEMBERS.map((id) => fleet.recorderState(id)),
      (states) => states.every((s) => s === 'offline'),
      90_000,
    );
    const afterWills = desk.alerts();

    for (const agent of members) agent.process.resume();
    const resumedAt = Date.now();
    await waitFor(
      'the resolution',
      () => receiver.of('resolved'),
      (n) => n.length > 0,
      90_000,
    );
    const recoveredSeconds = secondsSince(resumedAt);
    await waitFor(
      'every recorder online',
      () => agents.map((a) => fleet.recorderState(a.id)),
      (states) => states.every((s) => s === 'online'),
      60_000,
    );
    for (const agent of agents) agent.writeLines(20);
    const total = await fleet.settleAll(agents);
    await receiver.quietSpell();
    const after = desk.alerts();

    const siteAlerts = (rows: AlertRow[]) => rows.filter((a) => a.target_kind === 'site');
    const memberAlerts = (rows: AlertRow[]) =>
      rows.filter((a) => a.target_kind === 'recorder' && MEMBERS.includes(a.target_id)).sort((a, b) => a.target_id.localeCompare(b.target_id));
    reportFault({
      name: 'alerting-site-outage',
      ...total,
      recoveredSeconds,
      details: {
        'firing notifications': receiver.of('firing').length,
        resolutions: receiver.of('resolved').length,
        'inhibited recorder alerts': memberAlerts(during).filter((a) => a.inhibited === 1).length,
        'site notified after freeze s': firingAfter.toFixed(1),
      },
    });

    if (receiver.received.length !== 3) {
      // Which change did it: the notifications and alerts.db's transitions on one clock (seconds after the resume).
      console.log(['after the resume:', ...receiver.timeline(resumedAt), ...desk.timeline(resumedAt)].join('\n  '));
    }
    // Exactly: the test, one firing and one resolution, each once and signed.
    expect(receiver.summary()).toEqual([
      expect.stringMatching(/^test#/),
      expect.stringMatching(new RegExp(`^firing#\\d+:site=${SITE_KEY}/firing$`)),
      expect.stringMatching(new RegExp(`^resolved#\\d+:site=${SITE_KEY}/resolved$`)),
    ]);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    const [fired] = receiver.of('firing');
    const alert = fired!.body.alerts[0]!;
    expect(alert).toMatchObject({
      severity: 'critical',
      rule: { id: rule.id, name: 'Recorder down' },
      problem: { key: 'site-unreachable' },
      recorder: null,
      site: { id: SITE_KEY },
      installation: { slc: SITE.installationSlc },
    });
    expect(receiver.of('resolved')[0]!.body.alerts[0]!.id).toBe(alert.id);
    // The site was declared, and its alert fired, no sooner than `for` after the freeze.
    expect(firingAfter).toBeGreaterThanOrEqual(FOR_SECONDS);

    // alerts.db: one site alert, and one per recorder, kept, inhibited and never notified.
    expect(siteAlerts(during).map((a) => [a.target_id, a.state, a.notified_count])).toEqual([[SITE_KEY, 'firing', 1]]);
    const siteAlert = siteAlerts(during)[0]!;
    expect(siteAlert.firing_since! - siteAlert.pending_since).toBeGreaterThanOrEqual(FOR_SECONDS * 1000);
    for (const rows of [during, afterWills]) {
      expect(memberAlerts(rows).map((a) => [a.target_id, a.state, a.inhibited, a.notified_count])).toEqual(
        MEMBERS.map((id) => [id, expect.stringMatching(/^(pending|firing)$/), 1, 0]),
      );
    }
    expect(after.filter((a) => a.state !== 'resolved')).toEqual([]);
    expect(memberAlerts(after).map((a) => a.notified_count)).toEqual([0, 0, 0]);
    // The recorder elsewhere never matched.
    expect(after.filter((a) => a.recorder_id === elsewhere.id)).toEqual([]);
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
  }, 240_000);
});
