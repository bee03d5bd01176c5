import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertingDesk, WebhookReceiver } from './support/alerting.js';
import { Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/**
 * The pending rule's `for`: long enough that the ingestor is killed and serving again well before
 * it is due (a start takes seconds, more on a loaded machine), so its alert must fire from the
 * start time kept in alerts.db, not one the restart made up.
 */
const FOR_SECONDS = 40;

/**
 * `vigil ingestor` SIGKILLed while one alert is firing (and its channel already told) and another
 * is pending, then started again: the firing one is not notified again, the pending one keeps its
 * start and fires once, on time.
 */
describe('fault: alerting across an ingestor restart', () => {
  let fleet: Fleet;
  let receiver: WebhookReceiver;
  let desk: AlertingDesk | undefined;
  beforeAll(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
    fleet = await Fleet.start('alerting-restart');
  });
  afterAll(async () => {
    desk?.close();
    await fleet?.close();
    await receiver?.close();
  });

  it('a firing alert is not notified again, a pending one keeps its start and fires once', async () => {
    const agent = await fleet.agent('rec-restart-1');
    desk = await AlertingDesk.open(fleet);
    const hook = desk.webhook('NOC hook', receiver);
    const now = desk.rule({
      name: 'Camera down',
      condition: { kind: 'problem', code: 'camera-unreachable' },
      forSeconds: 0,
      severity: 'error',
      channelIds: [hook.id],
    });
    const later = desk.rule({
      name: `Degraded for ${FOR_SECONDS} s`,
      condition: { kind: 'state', states: ['degraded'] },
      forSeconds: FOR_SECONDS,
      severity: 'warning',
      channelIds: [hook.id],
    });
    desk.store.requestChannelTest(desk.noc, hook.id);
    await waitFor(
      'the channel test',
      () => receiver.of('test').length,
      (n) => n === 1,
      60_000,
    );
    agent.writeLines(50);

    // A camera condition makes the recorder degraded too: one alert fires at once, one waits.
    agent.writeRaw(['VIGIL-CAM c3 DOWN']);
    await waitFor(
      'the firing notification',
      () => receiver.of('firing'),
      (n) => n.length > 0,
      60_000,
    );
    // Delivered and recorded as delivered: a kill before the record would rightly send it again (at least once).
    await waitFor(
      'the delivery recorded',
      () => desk!.channelStatus(hook.id)?.last_success_at ?? null,
      (at) => at !== null && at >= receiver.of('firing')[0]!.at - 1_000,
      30_000,
    );
    const before = desk.alerts();
    const pendingBefore = before.find((a) => a.rule_id === later.id);
    expect(pendingBefore?.state).toBe('pending');

    await fleet.ingestor.kill('SIGKILL');
    await fleet.ingestor.start();
    const restartedAt = Date.now();
    // The scenario proves something only if the ingestor was back before the pending alert was due.
    expect(restartedAt).toBeLessThan(pendingBefore!.pending_since + FOR_SECONDS * 1000 - 2_000);
    agent.writeLines(50);

    await waitFor(
      'the pending alert to fire and be notified',
      () => receiver.of('firing').filter((r) => r.body.alerts.some((a) => a.rule.id === later.id)),
      (n) => n.length > 0,
      90_000,
    );
    await receiver.quietSpell();
    const after = desk.alerts();
    const total = await fleet.settle(agent);
    const firingOf = (ruleId: number) => receiver.received.filter((r) => r.body.kind !== 'test' && r.body.alerts.some((a) => a.rule.id === ruleId));
    const pendingAfter = after.find((a) => a.id === pendingBefore!.id);

    reportFault({
      name: 'alerting-restart',
      ...total,
      recoveredSeconds: secondsSince(restartedAt),
      details: {
        'notifications of the firing alert': firingOf(now.id).length,
        'notifications of the pending alert': firingOf(later.id).length,
        'pending fired after its start s': ((pendingAfter!.firing_since! - pendingAfter!.pending_since) / 1000).toFixed(1),
      },
    });

    expect(receiver.summary()).toEqual([
      expect.stringMatching(/^test#/),
      expect.stringMatching(new RegExp(`^firing#\\d+:recorder=${agent.id}/firing$`)),
      expect.stringMatching(new RegExp(`^firing#\\d+:recorder=${agent.id}/firing$`)),
    ]);
    expect(receiver.received.every((r) => r.signatureValid)).toBe(true);
    expect(firingOf(now.id)).toHaveLength(1);
    expect(firingOf(later.id)).toHaveLength(1);
    // The same alerts, not new ones: the firing one still firing, notified once.
    expect(after.filter((a) => a.state !== 'resolved').map((a) => [a.id, a.rule_id, a.state, a.notified_count])).toEqual(
      before.map((a) => [a.id, a.rule_id, 'firing', 1]),
    );
    // The pending one kept its start and fired `for` after it (within a tick and a little).
    expect(pendingAfter!.pending_since).toBe(pendingBefore!.pending_since);
    expect(pendingAfter!.firing_since! - pendingAfter!.pending_since).toBeGreaterThanOrEqual(FOR_SECONDS * 1000);
    expect(pendingAfter!.firing_since! - pendingAfter!.pending_since).toBeLessThan(FOR_SECONDS * 1000 + 3_000);
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
  }, 240_000);
});
