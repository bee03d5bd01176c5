import { renameSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { alertingFixture } from './support.js';

type Fixture = ReturnType<typeof alertingFixture>;
let f: Fixture;
afterEach(() => f?.close());

const driveFull = { kind: 'problem', code: 'drive-full' };
const down = { kind: 'state', states: ['unavailable', 'offline'] };

describe('alert lifecycle', () => {
  it('goes pending, fires once its for has passed, and resolves when the problem clears, notifying each step', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: driveFull, forSeconds: 300, channels: [1] });
    f.recorder('rec-1');
    f.condition('rec-1', 'drive-full', 'D:', true);
    f.recorder('rec-1');
    f.tick();
    expect(f.alerts().map((a) => a.state)).toEqual(['pending']);
    f.advance(299_000);
    expect(f.alerts()[0]?.state).toBe('pending');
    expect(f.notifications()).toEqual([]);
    f.advance(1_000);
    const [alert] = f.alerts();
    expect(alert?.state).toBe('firing');
    expect(alert?.summary).toContain('drive-full D:');
    expect(f.notifications().map((n) => [n.kind, n.alertIds])).toEqual([['firing', [alert?.id]]]);
    f.advance(60_000);
    expect(f.notifications()).toHaveLength(1);
    f.condition('rec-1', 'drive-full', 'D:', false);
    f.recorder('rec-1');
    f.tick();
    expect(f.alerts()[0]?.state).toBe('resolved');
    expect(f.transitions(alert?.id as number)).toEqual(['pending', 'firing', 'resolved']);
    expect(f.notifications().map((n) => n.kind)).toEqual(['firing', 'resolved']);
  });

  it('resolves a pending alert that clears before its for without ever notifying', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: driveFull, forSeconds: 600, channels: [1] });
    f.recorder('rec-1');
    f.condition('rec-1', 'drive-full', 'D:', true);
    f.recorder('rec-1');
    f.tick();
    f.advance(100_000);
    f.condition('rec-1', 'drive-full', 'D:', false);
    f.recorder('rec-1');
    f.advance(1_000_000);
    expect(f.alerts().map((a) => a.state)).toEqual(['resolved']);
    expect(f.transitions(f.alerts()[0]?.id as number)).toEqual(['pending', 'resolved']);
    expect(f.notifications()).toEqual([]);
  });

  it('starts a new episode (a new alert) when the problem comes back', () => {
    f = alertingFixture();
    f.rule({ condition: driveFull });
    f.recorder('rec-1');
    for (const active of [true, false, true]) {
      f.condition('rec-1', 'drive-full', 'D:', active);
      f.recorder('rec-1');
      f.advance(1_000);
    }
    expect(f.alerts().map((a) => a.state)).toEqual(['resolved', 'firing']);
  });

  it('resolves alerts of a rule that is disabled, and judges the fleet again when rules change', () => {
    f = alertingFixture();
    const rule = f.rule({ condition: driveFull });
    f.recorder('rec-1');
    f.condition('rec-1', 'drive-full', 'D:', true);
    f.recorder('rec-1');
    f.tick();
    expect(f.alerts()[0]?.state).toBe('firing');
    f.setRule(rule, { enabled: 0 });
    f.advance(1_000);
    expect(f.alerts()[0]?.state).toBe('resolved');
    // A new rule matches what is already true, without any new message from the recorder.
    f.rule({ condition: { kind: 'problem', minSeverity: 'error' } });
    f.advance(1_000);
    expect(f.alerts().map((a) => a.state)).toEqual(['resolved', 'firing']);
  });

  it('leaves every alert as it is while the dashboard has published no rules', () => {
    f = alertingFixture();
    f.rule({ condition: driveFull });
    f.recorder('rec-1');
    f.condition('rec-1', 'drive-full', 'D:', true);
    f.recorder('rec-1');
    f.tick();
    expect(f.alerts()[0]?.state).toBe('firing');
    // The configuration cannot be read (dashboard.db replaced by a file without the views).
    renameSync(`${f.dir}/dashboard.db`, `${f.dir}/dashboard.db.moved`);
    writeFileSync(`${f.dir}/dashboard.db`, '');
    f.restart();
    f.advance(5_000);
    expect(f.alerts()[0]?.state).toBe('firing');
  });
});

describe('one problem, several rules', () => {
  it('notifies a channel once when two rules match the same problem of the same recorder, and resolves once', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: driveFull, channels: [1] });
    f.rule({ condition: { kind: 'problem', code: 'drive-full', minSeverity: 'warning' }, channels: [1] });
    f.recorder('rec-1');
    f.condition('rec-1', 'drive-full', 'D:', true);
    f.recorder('rec-1');
    f.tick();
    expect(f.alerts().filter((a) => a.state === 'firing')).toHaveLength(2);
    expect(f.notifications().filter((n) => n.kind === 'firing')).toHaveLength(1);
    f.condition('rec-1', 'drive-full', 'D:', false);
    f.recorder('rec-1');
    f.tick();
    expect(f.notifications().filter((n) => n.kind === 'resolved')).toHaveLength(1);
  });
});

describe('tenancy', () => {
  it("never matches a reseller's rule against another reseller's recorder", () => {
    f = alertingFixture();
    f.holder('SLC-ACME', 10);
    f.holder('SLC-NORTH', 20);
    f.channel(5, 10);
    f.rule({ owner: 10, condition: down, channels: [5] });
    f.recorder('acme-1', { slc: 'SLC-ACME', state: 'unavailable' });
    f.recorder('north-1', { slc: 'SLC-NORTH', state: 'unavailable' });
    f.recorder('nobody-1', { slc: 'SLC-FREE', state: 'unavailable' });
    f.tick();
    expect(f.alerts().map((a) => a.target_id)).toEqual(['acme-1']);
  });

  it('does not send to a channel of another owner even if a rule names it', () => {
    f = alertingFixture();
    f.holder('SLC-ACME', 10);
    f.channel(5, 20);
    f.rule({ owner: 10, condition: down, channels: [5] });
    f.recorder('acme-1', { slc: 'SLC-ACME', state: 'offline' });
    f.tick();
    expect(f.alerts()).toHaveLength(1);
    expect(f.notifications()).toEqual([]);
  });
});

describe('site outages', () => {
  it("raises one alert for an unreachable site under a recorder-down rule and inhibits the recorders' own", () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: down, channels: [1] });
    for (const id of ['r1', 'r2', 'r3']) f.recorder(id, { site: 'store-12' });
    f.tick();
    for (const id of ['r1', 'r2', 'r3']) f.recorder(id, { site: 'store-12', state: 'unavailable' });
    f.siteUnreachable('SLC-A', 'store-12', true);
    f.tick();
    const open = f.alerts().filter((a) => a.state === 'firing');
    expect(open.filter((a) => a.target_kind === 'site').map((a) => [a.target_id, a.condition_key])).toEqual([['SLC-A/store-12', 'site-unreachable']]);
    expect(open.filter((a) => a.target_kind === 'recorder').every((a) => a.inhibited === 1)).toBe(true);
    const sent = f.notifications();
    expect(sent).toHaveLength(1);
    expect(f.alerts().find((a) => a.id === sent[0]?.alertIds[0])?.target_kind).toBe('site');
    // Back: the site alert resolves, and so do the recorders'.
    for (const id of ['r1', 'r2', 'r3']) f.recorder(id, { site: 'store-12', state: 'online' });
    f.siteUnreachable('SLC-A', 'store-12', false);
    f.tick();
    expect(f.alerts().every((a) => a.state === 'resolved')).toBe(true);
    expect(f.notifications().map((n) => n.kind)).toEqual(['firing', 'resolved']);
  });

  it('fires a site-unreachable rule at its own severity', () => {
    f = alertingFixture();
    f.rule({ condition: { kind: 'problem', code: 'site-unreachable' }, severity: 'critical' });
    f.recorder('r1', { site: 's', state: 'offline' });
    f.recorder('r2', { site: 's', state: 'offline' });
    f.siteUnreachable('SLC-A', 's', true);
    f.tick();
    expect(f.alerts().map((a) => [a.target_kind, a.severity])).toEqual([['site', 'critical']]);
  });

  it('notifies the recorders once the site is back but they are still down', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: down, channels: [1] });
    f.recorder('r1', { site: 's', state: 'unavailable' });
    f.recorder('r2', { site: 's', state: 'unavailable' });
    f.siteUnreachable('SLC-A', 's', true);
    f.tick();
    expect(f.notifications()).toHaveLength(1);
    // r2 is heard again; r1 stays down, no longer under a site outage (notified once its
    // site's recorders have had time to reconnect).
    f.recorder('r2', { site: 's', state: 'online' });
    f.siteUnreachable('SLC-A', 's', false);
    f.tick();
    f.advance(10_000);
    const r1 = f.alerts().find((a) => a.target_id === 'r1' && a.state === 'firing');
    expect(r1?.inhibited).toBe(0);
    expect(f.notifications().some((n) => n.kind === 'firing' && n.alertIds.includes(r1?.id as number))).toBe(true);
  });
});

describe('backfill', () => {
  it('never fires for a condition that cleared within the backfill', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: driveFull, channels: [1] });
    f.recorder('rec-1');
    f.engine.batchStored('rec-1', true);
    f.condition('rec-1', 'drive-full', 'D:', true);
    f.engine.batchStored('rec-1', true);
    f.tick();
    expect(f.alerts().map((a) => a.state)).toEqual(['pending']);
    f.condition('rec-1', 'drive-full', 'D:', false);
    f.engine.batchStored('rec-1', true);
    f.advance(1_000);
    f.engine.batchStored('rec-1', false);
    f.advance(60_000);
    expect(f.alerts().map((a) => a.state)).toEqual(['resolved']);
    expect(f.notifications()).toEqual([]);
  });

  it('fires for a condition still true once the recorder has caught up (a live batch, or 35 s without backfill)', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: driveFull, channels: [1] });
    f.recorder('rec-1');
    f.condition('rec-1', 'drive-full', 'D:', true);
    f.engine.batchStored('rec-1', true);
    // Longer than the agent's longest reconnect backoff (30 s): a backfill cut by a lost connection resumes within it.
    f.advance(34_000);
    expect(f.alerts()[0]?.state).toBe('pending');
    f.advance(1_000);
    expect(f.alerts()[0]?.state).toBe('firing');
    expect(f.notifications()).toHaveLength(1);
  });
});

describe('restarts', () => {
  it("does not notify a firing alert again, and keeps a pending one's start", () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: driveFull, channels: [1] });
    f.rule({ condition: down, forSeconds: 120, channels: [1] });
    f.recorder('rec-1');
    f.condition('rec-1', 'drive-full', 'D:', true);
    f.recorder('rec-2', { state: 'unavailable' });
    f.recorder('rec-1');
    f.tick();
    const pendingSince = f.alerts().find((a) => a.state === 'pending')?.pending_since;
    expect(f.notifications()).toHaveLength(1);
    f.advance(60_000);
    f.restart();
    expect(f.notifications()).toHaveLength(1);
    expect(f.alerts().find((a) => a.target_id === 'rec-2')?.pending_since).toBe(pendingSince);
    f.advance(59_000);
    expect(f.alerts().find((a) => a.target_id === 'rec-2')?.state).toBe('pending');
    f.advance(1_000);
    expect(f.alerts().find((a) => a.target_id === 'rec-2')?.state).toBe('firing');
    expect(f.notifications()).toHaveLength(2);
  });
});

describe('silences, acknowledgement, repeats', () => {
  it('keeps a silenced alert firing without notifying, and notifies it when the silence ends', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: down, channels: [1] });
    f.silence({ scope: { sites: ['SLC-A/main'] }, endsAt: f.now + 3_600_000 });
    f.recorder('rec-1', { state: 'offline' });
    f.tick();
    expect(f.alerts()[0]?.state).toBe('firing');
    expect(f.notifications()).toEqual([]);
    f.advance(3_600_000);
    expect(f.notifications().map((n) => n.kind)).toEqual(['firing']);
  });

  it('repeats a firing alert every repeat interval until acknowledged', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: down, channels: [1], repeatMinutes: 60 });
    f.recorder('rec-1', { state: 'offline' });
    f.tick();
    f.advance(60 * 60_000);
    expect(f.notifications().map((n) => n.kind)).toEqual(['firing', 'repeat']);
    f.acknowledge(f.alerts()[0]?.id as number);
    f.advance(3 * 60 * 60_000);
    expect(f.notifications().map((n) => n.kind)).toEqual(['firing', 'repeat']);
    expect(f.alerts()[0]?.state).toBe('firing');
  });
});

describe('grouping', () => {
  it('sends one notification listing every recorder of an installation that fired within the window', () => {
    f = alertingFixture({ groupWindowMs: 10_000 });
    f.channel(1);
    f.rule({ condition: down, channels: [1] });
    f.recorder('r1', { state: 'offline' });
    f.tick();
    f.advance(3_000);
    f.recorder('r2', { state: 'offline', site: 'other' });
    f.recorder('r3', { state: 'offline', site: 'third' });
    f.tick();
    f.advance(20_000);
    f.recorder('r4', { state: 'offline' });
    f.tick();
    const sent = f.notifications();
    expect(sent.map((n) => n.alertIds.length)).toEqual([3, 1]);
  });
});

describe('conditions', () => {
  it('lowers the severity of a covered recorder one step, or skips it, as the rule says', () => {
    f = alertingFixture();
    f.rule({ condition: down, severity: 'critical', whenCovered: 'lower' });
    f.rule({ condition: down, severity: 'critical', whenCovered: 'skip' });
    f.recorder('rec-1', { state: 'offline', coveredBy: 'rec-2', partner: 'rec-2' });
    f.tick();
    expect(f.alerts().map((a) => [a.rule_id, a.severity])).toEqual([[1, 'error']]);
  });

  it('fires on disk use above a threshold and names the drives', () => {
    f = alertingFixture();
    f.rule({ condition: { kind: 'metric', metric: 'disk-used-percent', above: 90 } });
    f.recorder('rec-1');
    f.disk('rec-1', 'D:', 85);
    f.engine.batchStored('rec-1', false);
    f.tick();
    expect(f.alerts()).toEqual([]);
    f.disk('rec-1', 'D:', 93.5);
    f.engine.batchStored('rec-1', false);
    f.tick();
    expect(f.alerts()[0]?.summary).toContain('D: 93.5 %');
  });

  it('fires on licence use above a threshold', () => {
    f = alertingFixture();
    f.rule({ condition: { kind: 'metric', metric: 'licence-use-percent', above: 100 } });
    f.recorder('rec-1', { cameras: 10, licensed: 10 });
    f.tick();
    expect(f.alerts()).toEqual([]);
    f.recorder('rec-1', { cameras: 12, licensed: 10 });
    f.tick();
    expect(f.alerts()[0]?.summary).toContain('120.0 %');
  });

  it('matches only the scope given: an installation, a site, a recorder', () => {
    f = alertingFixture();
    f.rule({ condition: down, scope: { installations: ['SLC-B'] } });
    f.rule({ condition: down, scope: { sites: ['SLC-A/north'] } });
    f.rule({ condition: down, scope: { recorders: ['a3'] } });
    f.recorder('a1', { state: 'offline', site: 'north' });
    f.recorder('a2', { state: 'offline', site: 'south' });
    f.recorder('a3', { state: 'offline', site: 'south' });
    f.recorder('b1', { state: 'offline', slc: 'SLC-B' });
    f.tick();
    expect(
      f
        .alerts()
        .map((a) => `${a.rule_id}:${a.target_id}`)
        .sort(),
    ).toEqual(['1:b1', '2:a1', '3:a3']);
  });
});

describe('site outages, one recorder first', () => {
  it('inhibits the alert of the recorder lost first once the whole site is found unreachable', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: down, channels: [1] });
    f.recorder('r1', { site: 's' });
    f.recorder('r2', { site: 's' });
    f.tick();
    f.recorder('r1', { site: 's', state: 'unavailable' });
    f.tick();
    expect(f.alerts().map((a) => [a.target_id, a.inhibited])).toEqual([['r1', 0]]);
    f.advance(2_000);
    f.recorder('r2', { site: 's', state: 'unavailable' });
    f.siteUnreachable('SLC-A', 's', true);
    f.tick();
    expect(f.alerts().map((a) => [a.target_id, a.inhibited])).toEqual([
      ['r1', 1],
      ['SLC-A/s', 0],
      ['r2', 1],
    ]);
  });
});

describe('quick changes', () => {
  it('sends nothing for an alert that fired and ended within the grouping window', () => {
    f = alertingFixture({ groupWindowMs: 10_000 });
    f.channel(1);
    f.rule({ condition: down, channels: [1] });
    f.recorder('r1', { state: 'offline' });
    f.tick();
    f.advance(3_000);
    f.recorder('r1', { state: 'online' });
    f.tick();
    f.advance(30_000);
    expect(f.alerts().map((a) => a.state)).toEqual(['resolved']);
    expect(f.notifications().map((n) => n.status)).toEqual(['skipped']);
  });

  it('gives recorders of a site that is back time to reconnect before their own alerts notify', () => {
    f = alertingFixture();
    f.channel(1);
    f.rule({ condition: down, channels: [1] });
    f.recorder('r1', { site: 's', state: 'offline' });
    f.recorder('r2', { site: 's', state: 'offline' });
    f.siteUnreachable('SLC-A', 's', true);
    f.tick();
    expect(f.notifications()).toHaveLength(1);
    // r1 is heard: the site clears; r2 reconnects a moment later.
    f.recorder('r1', { site: 's', state: 'online' });
    f.siteUnreachable('SLC-A', 's', false);
    f.tick();
    f.advance(300);
    f.recorder('r2', { site: 's', state: 'online' });
    f.tick();
    f.advance(30_000);
    expect(f.notifications().map((n) => n.kind)).toEqual(['firing', 'resolved']);
    // One that stays down is notified once the settling time has passed.
    f.recorder('r1', { site: 's', state: 'offline' });
    f.recorder('r2', { site: 's', state: 'offline' });
    f.siteUnreachable('SLC-A', 's', true);
    f.tick();
    f.recorder('r1', { site: 's', state: 'online' });
    f.siteUnreachable('SLC-A', 's', false);
    f.tick();
    f.advance(5_000);
    expect(f.notifications().filter((n) => n.kind === 'firing')).toHaveLength(2);
    f.advance(6_000);
    const r2 = f.alerts().find((a) => a.target_id === 'r2' && a.state === 'firing');
    expect(f.notifications().some((n) => n.kind === 'firing' && n.alertIds.includes(r2?.id as number))).toBe(true);
  });
});
