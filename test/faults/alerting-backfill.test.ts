import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AlertingDesk, WebhookReceiver } from './support/alerting.js';
import { Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/**
 * The backfill is slowed (2 batches of 50 a second) and the camera's clear comes 150 lines after
 * its raise, so the raise is stored and judged seconds before the clear: the engine really sees a
 * condition arrive by backfill, rather than both in one batch.
 */
const SPOOL = { backfillBatchesPerSecond: 2, batchMaxEntries: 50 };

/**
 * The broker SIGKILLed while two recorders' logs raise a camera condition; on one it also clears.
 * The agents spool both and send them, marked historical, once the broker is back: the condition
 * that cleared meanwhile never fires; the one still active fires once the recorder has caught up.
 */
describe('fault: alerting on backfilled data', () => {
  let fleet: Fleet;
  let receiver: WebhookReceiver;
  let desk: AlertingDesk | undefined;
  beforeAll(async () => {
    receiver = new WebhookReceiver();
    await receiver.start();
    fleet = await Fleet.start('alerting-backfill');
  });
  afterAll(async () => {
    desk?.close();
    await fleet?.close();
    await receiver?.close();
  });

  it('a condition raised and cleared in the backfill never fires; one still active fires once', async () => {
    const cleared = await fleet.agent('rec-bf-cleared', { spool: SPOOL });
    const active = await fleet.agent('rec-bf-active', { spool: SPOOL });
    const agents = [cleared, active];
    desk = await AlertingDesk.open(fleet);
    const hook = desk.webhook('NOC hook', receiver);
    const rule = desk.rule({
      name: 'Camera down',
      condition: { kind: 'problem', code: 'camera-unreachable' },
      forSeconds: 0,
      severity: 'error',
      channelIds: [hook.id],
    });
    desk.store.requestChannelTest(desk.noc, hook.id);
    await waitFor(
      'the channel test',
      () => receiver.of('test').length,
      (n) => n === 1,
      60_000,
    );
    for (const agent of agents) agent.writeLines(20);
    await fleet.settleAll(agents);
    const liveSent = agents.map((a) => a.sent);

    await fleet.broker.kill('SIGKILL');
    await waitFor(
      'the agents noticing',
      () => agents.every((a) => a.process.lines.some((l) => l.msg === 'reconnecting')),
      (ok) => ok,
      30_000,
    );
    cleared.writeRaw(['VIGIL-CAM c1 DOWN']);
    cleared.writeLines(150);
    cleared.writeRaw(['VIGIL-CAM c1 UP']);
    active.writeRaw(['VIGIL-CAM c2 DOWN']);
    active.writeLines(150);
    // Each log's last line must be in its spool before the broker returns: a line read after the
    // agent reconnects is live, and a live batch rightly ends the recorder's catch-up.
    const lastLines = [`"camera c1 up"`, `"numbered fault ${active.sent - 1}"`];
    await waitFor(
      'every line read into the spools',
      () => agents.map((a, i) => a.spooledContaining(lastLines[i]!)),
      (n) => n.every((x) => x === 1),
      30_000,
    );
    // The ingestor subscribes again before the agents return: its session died with the broker, so a
    // batch an agent sent first would have no subscriber, and it and its followers would come again
    // together after the agent's ack timeout, raise and clear judged in one pass (no loss: that is
    // the broker-kill scenario). Here the backfill must reach the engine at the agents' own pace.
    const subscribed = () => fleet.ingestor.lines.filter((l) => l.msg === "subscribed: receiving the fleet's messages").length;
    const subscriptionsBefore = subscribed();
    for (const agent of agents) agent.process.pause();
    await fleet.broker.start();
    const restartedAt = Date.now();
    await waitFor('the ingestor subscribed again', subscribed, (n) => n > subscriptionsBefore, 60_000);
    for (const agent of agents) agent.process.resume();
    const [notified] = await waitFor(
      'the active condition notified',
      () => receiver.of('firing'),
      (n) => n.length > 0,
      150_000, // the agents' reconnect, then up to 35 s of catch-up quiet
    );
    const total = await fleet.settleAll(agents);
    await receiver.quietSpell();
    const alerts = desk.alerts();
    const clearedAlerts = alerts.filter((a) => a.recorder_id === cleared.id);
    const activeAlerts = alerts.filter((a) => a.recorder_id === active.id);
    // What the spools sent after the broker came back arrived marked historical.
    const backfilled = agents.map((a, i) => fleet.seriesEvents(a.id).filter((e) => e.n >= liveSent[i]!));

    reportFault({
      name: 'alerting-backfill',
      ...total,
      recoveredSeconds: secondsSince(restartedAt),
      details: {
        'notifications of the cleared condition': receiver.received.filter((r) => r.body.alerts.some((a) => a.recorder?.id === cleared.id)).length,
        'notifications of the active condition': receiver.received.filter((r) => r.body.alerts.some((a) => a.recorder?.id === active.id)).length,
        'active fired after the broker s': ((notified!.at - restartedAt) / 1000).toFixed(1),
      },
    });

    expect(backfilled.map((events) => [events.length, events.every((e) => e.historical)])).toEqual([
      [150, true],
      [150, true],
    ]);
    expect(receiver.summary()).toEqual([expect.stringMatching(/^test#/), expect.stringMatching(new RegExp(`^firing#\\d+:recorder=${active.id}/firing$`))]);
    expect(notified!.body.alerts[0]).toMatchObject({ rule: { id: rule.id }, problem: { key: 'problem:camera-unreachable' } });
    // The engine did see the cleared camera arrive (an alert was raised, held while the recorder
    // caught up) and let it resolve without firing or telling anyone.
    expect(clearedAlerts.map((a) => [a.state, a.firing_since, a.notified_count])).toEqual([['resolved', null, 0]]);
    // The active one fired once the backfill was over, not on its first historical batch.
    expect(activeAlerts.map((a) => [a.state, a.notified_count])).toEqual([['firing', 1]]);
    expect(activeAlerts[0]!.firing_since! - activeAlerts[0]!.pending_since).toBeGreaterThan(1_000);
    expect(total).toEqual({ sent: total.sent, stored: total.sent, lost: 0, doubled: 0, unexpected: 0 });
  }, 240_000);
});
