import { existsSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALPHA, as, BRAVO, logIn, seedFleet, startFixture, type Fixture, type Session } from './support/fixture.js';
import { AlertsDbWriter, type AlertFixtureRow } from './support/alerts-db.js';

/**
 * Alerting in the dashboard (docs/DESIGN.md "Alerting"): rules, channels and silences people
 * decide, validated and audited; and the engine's alerts read from alerts.db, grouped, scoped,
 * acknowledged and silenced. alerts.db is written here with exactly the documented views.
 */

interface RuleJson {
  id: number;
  name: string;
  condition: Record<string, unknown>;
  scope: { installations: string[]; sites: string[]; recorders: string[] };
  forSeconds: number;
  severity: string;
  whenCovered: string;
  repeatMinutes: number;
  channelIds: number[];
  enabled: boolean;
  owner: { kind: string; username?: string };
  updatedBy: string;
}

interface EntryJson {
  id: number;
  ids: number[];
  rules: Array<{ id: number; name: string }>;
  state: string;
  severity: string;
  conditionKey: string;
  target: { kind: string; id: string };
  recorder: { id: string; name: string } | null;
  site: { id: string; name: string } | null;
  installation: { slc: string; name: string } | null;
  firingSince: number | null;
  resolvedAt: number | null;
  inhibited: boolean;
  silenced: { id: number; reason: string; endsAt: number } | null;
  acknowledged: { by: string; at: number; comment: string } | null;
}

const SECRET = 'hmac-secret-that-must-never-leak-42';

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('alert rules, channels, silences: validation, tenancy, audit', () => {
  let fx: Fixture;
  let noc: Session;
  let alice: Session;
  let bob: Session;
  const post = (s: Session, url: string, body: unknown) => as(fx.dashboard, s, 'POST', url, body);

  beforeAll(async () => {
    fx = await startFixture();
    noc = await logIn(fx.dashboard, 'noc');
    alice = await logIn(fx.dashboard, 'alice');
    bob = await logIn(fx.dashboard, 'bob');
  });
  afterAll(async () => fx?.close());

  it('publishes the conditions a rule may name, site-unreachable and recorder-unavailable among the proto codes', async () => {
    const res = await as(fx.dashboard, alice, 'GET', '/api/alert-conditions');
    expect(res.statusCode).toBe(200);
    const body = res.json<{
      codes: Array<{ code: string; label: string; subject: string }>;
      states: string[];
      metrics: Array<{ metric: string }>;
      severities: string[];
    }>();
    const codes = body.codes.map((c) => c.code);
    expect(codes).toEqual(
      expect.arrayContaining(['drive-full', 'camera-unreachable', 'archive-fatal-error', 'recorder-unavailable', 'site-unreachable', 'agent-clock-off']),
    );
    expect(codes).not.toContain('unspecified');
    expect(new Set(codes).size).toBe(codes.length);
    expect(body.codes.find((c) => c.code === 'drive-full')).toEqual({ code: 'drive-full', label: 'Drive full', subject: 'drive path' });
    expect(body.states).toEqual(['unavailable', 'offline', 'degraded', 'stopped']);
    expect(body.metrics.map((m) => m.metric)).toEqual(['disk-used-percent', 'licence-use-percent']);
    expect(body.severities).toEqual(['info', 'warning', 'error', 'critical']);
  });

  it('creates a rule with the defaults, replaces and deletes it, and refuses bad input with a 400 naming the field', async () => {
    const created = await post(noc, '/api/rules', { name: 'Drives', condition: { kind: 'problem', code: 'drive-full' }, severity: 'error' });
    expect(created.statusCode, created.body).toBe(201);
    const rule = created.json<RuleJson>();
    expect(rule).toMatchObject({
      name: 'Drives',
      condition: { kind: 'problem', code: 'drive-full' },
      scope: { installations: [], sites: [], recorders: [] },
      forSeconds: 0,
      severity: 'error',
      whenCovered: 'lower',
      repeatMinutes: 240,
      channelIds: [],
      enabled: true,
      owner: { kind: 'noc' },
      updatedBy: 'noc',
    });
    const put = await as(fx.dashboard, noc, 'PUT', `/api/rules/${rule.id}`, {
      name: 'Depot down',
      condition: { kind: 'state', states: ['unavailable', 'offline'] },
      scope: { sites: [`${ALPHA.slc}/alpha-depot`], recorders: ['b-rec-2'] },
      forSeconds: 120,
      severity: 'critical',
      whenCovered: 'skip',
      repeatMinutes: 0,
      enabled: false,
    });
    expect(put.statusCode, put.body).toBe(200);
    expect(put.json<RuleJson>()).toMatchObject({
      id: rule.id,
      condition: { kind: 'state', states: ['unavailable', 'offline'] },
      scope: { installations: [], sites: [`${ALPHA.slc}/alpha-depot`], recorders: ['b-rec-2'] },
      forSeconds: 120,
      whenCovered: 'skip',
      enabled: false,
    });

    const bad: Array<[unknown, RegExp]> = [
      [{ name: 'x', condition: { kind: 'problem', code: 'drive-fulll' }, severity: 'error' }, /condition\.code.*"drive-fulll"/],
      [{ name: 'x', condition: { kind: 'problem' }, severity: 'error', colour: 'red' }, /unknown field "colour"/],
      [{ name: 'x', condition: { kind: 'problem', codes: ['drive-full'] }, severity: 'error' }, /body\/condition: unknown field "codes"/],
      [{ name: 'x', condition: { kind: 'state', states: ['asleep'] }, severity: 'error' }, /body\/condition\/states\/0 must be one of/],
      [{ name: 'x', condition: { kind: 'state', states: [] }, severity: 'error' }, /body\/condition\/states/],
      [{ name: 'x', condition: { kind: 'metric', metric: 'cpu', above: 5 }, severity: 'error' }, /body\/condition\/metric must be one of/],
      [
        { name: 'x', condition: { kind: 'metric', metric: 'disk-used-percent', above: 150 }, severity: 'error' },
        /condition\.above: disk-used-percent takes 1 to 100/,
      ],
      [{ name: 'x', condition: { kind: 'mood' }, severity: 'error' }, /kind/],
      [{ name: 'x', condition: { kind: 'problem' }, severity: 'loud' }, /body\/severity must be one of/],
      [
        { name: 'x', condition: { kind: 'problem' }, severity: 'error', scope: { installations: ['SLC-NOWHERE-0404'] } },
        /scope\.installations: no installation "SLC-NOWHERE-0404"/,
      ],
      [{ name: 'x', condition: { kind: 'problem' }, severity: 'error', scope: { recorders: ['zz-rec-9'] } }, /scope\.recorders: no recorder "zz-rec-9"/],
      [{ name: 'x', condition: { kind: 'problem' }, severity: 'error', scope: { sites: ['alpha-hq'] } }, /scope\.sites: no site "alpha-hq"/],
      [{ name: 'x', condition: { kind: 'problem' }, severity: 'error', scope: { everything: true } }, /body\/scope: unknown field "everything"/],
      [{ name: 'x', condition: { kind: 'problem' }, severity: 'error', channelIds: [9999] }, /channelIds: no channel 9999/],
    ];
    for (const [body, message] of bad) {
      const res = await post(noc, '/api/rules', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<{ error: string }>().error, JSON.stringify(body)).toMatch(message);
    }
    expect((await as(fx.dashboard, noc, 'DELETE', `/api/rules/${rule.id}`)).statusCode).toBe(204);
    expect((await as(fx.dashboard, noc, 'DELETE', `/api/rules/${rule.id}`)).statusCode).toBe(404);
    expect((await as(fx.dashboard, noc, 'GET', '/api/rules')).json<{ rules: RuleJson[] }>().rules.map((r) => r.name)).toEqual([
      'Everything from error up',
      'Bravo drives',
      'Alpha cameras',
    ]);
  });

  it('keeps a reseller to its own rules and channels: its scope only what it holds, its channels only, others’ answer like nonexistent', async () => {
    const bobsChannel = await post(bob, '/api/alert-channels', { name: 'Bob pager', type: 'email', config: { to: ['pager@bravo.example'] } });
    expect(bobsChannel.statusCode, bobsChannel.body).toBe(201);
    const bobChannelId = bobsChannel.json<{ id: number }>().id;
    const bobsRule = await post(bob, '/api/rules', {
      name: 'Bravo offline',
      condition: { kind: 'state', states: ['offline'] },
      severity: 'critical',
      channelIds: [bobChannelId],
    });
    expect(bobsRule.statusCode, bobsRule.body).toBe(201);
    expect(bobsRule.json<RuleJson>().owner).toEqual({ kind: 'reseller', username: 'bob' });
    const bobRuleId = bobsRule.json<RuleJson>().id;

    // Alice names Bob's installation, site, recorder: the same answer as for ones that do not exist
    const pairs: Array<[object, object, string]> = [
      [{ installations: [BRAVO.slc] }, { installations: ['SLC-NONE-0000'] }, BRAVO.slc],
      [{ sites: [`${BRAVO.slc}/bravo-mall`] }, { sites: ['SLC-NONE-0000/nowhere'] }, `${BRAVO.slc}/bravo-mall`],
      [{ recorders: ['b-rec-1'] }, { recorders: ['zz-rec-9'] }, 'b-rec-1'],
    ];
    for (const [bobs, none, name] of pairs) {
      const theirs = await post(alice, '/api/rules', { name: 'probe', condition: { kind: 'problem' }, severity: 'error', scope: bobs });
      const missing = await post(alice, '/api/rules', { name: 'probe', condition: { kind: 'problem' }, severity: 'error', scope: none });
      expect(theirs.statusCode).toBe(400);
      const noneName = Object.values(none)[0][0] as string;
      expect(theirs.body.replace(name, 'X')).toBe(missing.body.replace(noneName, 'X'));
    }
    const useBobs = await post(alice, '/api/rules', { name: 'probe', condition: { kind: 'problem' }, severity: 'error', channelIds: [bobChannelId] });
    const useNone = await post(alice, '/api/rules', { name: 'probe', condition: { kind: 'problem' }, severity: 'error', channelIds: [99999] });
    expect(useBobs.statusCode).toBe(400);
    expect(useBobs.body.replace(String(bobChannelId), 'N')).toBe(useNone.body.replace('99999', 'N'));
    // a NOC rule may use NOC channels only
    expect((await post(noc, '/api/rules', { name: 'probe', condition: { kind: 'problem' }, severity: 'error', channelIds: [bobChannelId] })).statusCode).toBe(
      400,
    );
    // her own installation is fine
    const own = await post(alice, '/api/rules', {
      name: 'Alpha HQ',
      condition: { kind: 'problem' },
      severity: 'error',
      scope: { sites: [`${ALPHA.slc}/alpha-hq`] },
    });
    expect(own.statusCode, own.body).toBe(201);

    // she sees her own rules and channels only; Bob's answer 404 like missing ones
    expect((await as(fx.dashboard, alice, 'GET', '/api/rules')).json<{ rules: RuleJson[] }>().rules.map((r) => r.name)).toEqual(['Alpha HQ']);
    expect((await as(fx.dashboard, alice, 'GET', '/api/alert-channels')).json<{ channels: unknown[] }>().channels).toEqual([]);
    for (const [method, url, body] of [
      ['PUT', `/api/rules/${bobRuleId}`, { name: 'mine', condition: { kind: 'problem' }, severity: 'info' }],
      ['DELETE', `/api/rules/${bobRuleId}`, undefined],
      ['PUT', `/api/alert-channels/${bobChannelId}`, { name: 'mine', type: 'email', config: { to: ['alice@alpha.example'] } }],
      ['DELETE', `/api/alert-channels/${bobChannelId}`, undefined],
      ['POST', `/api/alert-channels/${bobChannelId}/test`, {}],
    ] as const) {
      const res = await as(fx.dashboard, alice, method, url, body);
      expect(res.statusCode, `${method} ${url}`).toBe(404);
      expect(res.body).not.toMatch(/bob|bravo/i);
    }
    // NOC sees everything, and Bob's rule is still his
    const all = (await as(fx.dashboard, noc, 'GET', '/api/rules')).json<{ rules: RuleJson[] }>().rules;
    expect(all.find((r) => r.id === bobRuleId)).toMatchObject({ name: 'Bravo offline', owner: { kind: 'reseller', username: 'bob' } });
    // a channel in use is not deleted from under its rule
    const inUse = await as(fx.dashboard, bob, 'DELETE', `/api/alert-channels/${bobChannelId}`);
    expect(inUse.statusCode).toBe(409);
    expect(inUse.json<{ error: string }>().error).toContain('Bravo offline');
  });

  it('keeps a webhook secret write-only: never answered, never audited, stored for the engine in a file only its owner reads', async () => {
    const created = await post(noc, '/api/alert-channels', {
      name: 'Ops hook',
      type: 'webhook',
      config: { url: 'https://hooks.example.com/vigil', secret: SECRET },
    });
    expect(created.statusCode, created.body).toBe(201);
    const channel = created.json<{ id: number; config: Record<string, unknown>; owner: unknown }>();
    expect(channel.config).toEqual({ url: 'https://hooks.example.com/vigil', timeoutMs: 10_000, secretSet: true });
    expect(channel.owner).toEqual({ kind: 'noc' });
    // PUT without a secret keeps it; with one replaces it
    const renamed = await as(fx.dashboard, noc, 'PUT', `/api/alert-channels/${channel.id}`, {
      name: 'Ops hook 2',
      type: 'webhook',
      config: { url: 'https://hooks.example.com/v2', timeoutMs: 3000 },
    });
    expect(renamed.statusCode, renamed.body).toBe(200);
    const reader = new Database(join(fx.dir, 'dashboard.db'), { readonly: true });
    const stored = () =>
      JSON.parse((reader.prepare('SELECT config FROM read_v1_alert_channels WHERE id = ?').pluck().get(channel.id) as string) ?? '{}') as Record<
        string,
        unknown
      >;
    expect(stored()).toEqual({ url: 'https://hooks.example.com/v2', secret: SECRET, timeoutMs: 3000 });
    const newSecret = 'a-second-secret-also-never-shown';
    await as(fx.dashboard, noc, 'PUT', `/api/alert-channels/${channel.id}`, {
      name: 'Ops hook 2',
      type: 'webhook',
      config: { url: 'https://hooks.example.com/v2', secret: newSecret },
    });
    expect(stored().secret).toBe(newSecret);
    reader.close();

    const bad: Array<[unknown, RegExp]> = [
      [{ name: 'x', type: 'webhook', config: { url: 'ftp://files.example.com', secret: SECRET } }, /config\.url: use an http/],
      [{ name: 'x', type: 'webhook', config: { url: 'not a url at all', secret: SECRET } }, /config\.url/],
      [{ name: 'x', type: 'webhook', config: { url: 'https://hooks.example.com' } }, /config\.secret: required/],
      [{ name: 'x', type: 'webhook', config: { url: 'https://hooks.example.com', secret: 'short' } }, /config\/secret/],
      [{ name: 'x', type: 'webhook', config: { url: 'https://hooks.example.com', secret: SECRET, timeoutMs: 10 } }, /config\/timeoutMs/],
      [{ name: 'x', type: 'webhook', config: { url: 'https://hooks.example.com', secret: SECRET, retries: 3 } }, /unknown field "retries"/],
      [{ name: 'x', type: 'email', config: { to: [] } }, /config\/to/],
      [{ name: 'x', type: 'email', config: { to: ['not-an-address'] } }, /config\/to\/0/],
      [{ name: 'x', type: 'pigeon', config: {} }, /type/],
    ];
    for (const [body, message] of bad) {
      const res = await post(noc, '/api/alert-channels', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<{ error: string }>().error, JSON.stringify(body)).toMatch(message);
      expect(res.body).not.toContain(SECRET);
    }

    for (const url of ['/api/alert-channels', `/api/audit?entity=channel&id=${channel.id}`, '/api/audit']) {
      const res = await as(fx.dashboard, noc, 'GET', url);
      expect(res.statusCode).toBe(200);
      expect(res.body, url).not.toContain(SECRET);
      expect(res.body, url).not.toContain(newSecret);
    }
    const entries = (await as(fx.dashboard, noc, 'GET', `/api/audit?entity=channel&id=${channel.id}`)).json<{
      entries: Array<{ action: string; by: string; before: { name: string } | null; after: { name: string; config: object; secretChanged?: boolean } | null }>;
    }>().entries;
    expect(entries.map((e) => e.action)).toEqual(['update', 'update', 'create']);
    expect(entries[2]).toMatchObject({ by: 'noc', before: null, after: { name: 'Ops hook', config: { secretSet: true } } });
    expect(entries[1]).toMatchObject({ before: { name: 'Ops hook' }, after: { name: 'Ops hook 2' } });
    expect(entries[1]!.after).not.toHaveProperty('secretChanged');
    expect(entries[0]!.after).toMatchObject({ secretChanged: true });

    // dashboard.db (and its WAL) are the owner's only
    for (const file of ['dashboard.db', 'dashboard.db-wal']) {
      const path = join(fx.dir, file);
      if (existsSync(path)) expect((statSync(path).mode & 0o777).toString(8), file).toBe('600');
    }
  });

  it('audits every rule and silence change with who, when, before and after; a reseller reads only its own entries', async () => {
    const t0 = Date.now();
    const rule = (
      await post(alice, '/api/rules', { name: 'Audit me', condition: { kind: 'problem', code: 'drive-full' }, severity: 'warning' })
    ).json<RuleJson>();
    await as(fx.dashboard, alice, 'PUT', `/api/rules/${rule.id}`, {
      name: 'Audit me',
      condition: { kind: 'problem', code: 'drive-full' },
      severity: 'critical',
    });
    await as(fx.dashboard, alice, 'DELETE', `/api/rules/${rule.id}`);
    const entries = (await as(fx.dashboard, alice, 'GET', `/api/audit?entity=rule&id=${rule.id}`)).json<{
      entries: Array<{ at: number; by: string; entity: string; entityId: number; action: string; before: RuleJson | null; after: RuleJson | null }>;
    }>().entries;
    expect(entries.map((e) => [e.action, e.by, e.entity, e.entityId])).toEqual([
      ['delete', 'alice', 'rule', rule.id],
      ['update', 'alice', 'rule', rule.id],
      ['create', 'alice', 'rule', rule.id],
    ]);
    expect(entries.every((e) => e.at >= t0)).toBe(true);
    expect(entries[1]!.before?.severity).toBe('warning');
    expect(entries[1]!.after?.severity).toBe('critical');
    expect(entries[0]!.after).toBeNull();
    expect(entries[2]!.before).toBeNull();

    const silence = await post(alice, '/api/silences', { scope: { recorders: ['a-rec-1'] }, endsAt: Date.now() + 3_600_000, reason: 'maintenance' });
    expect(silence.statusCode, silence.body).toBe(201);
    const silenceId = silence.json<{ id: number }>().id;
    expect((await as(fx.dashboard, alice, 'DELETE', `/api/silences/${silenceId}`)).statusCode).toBe(204);
    const silenceEntries = (await as(fx.dashboard, alice, 'GET', `/api/audit?entity=silence&id=${silenceId}`)).json<{
      entries: Array<{ action: string; after: { endsAt: number } | null }>;
    }>().entries;
    expect(silenceEntries.map((e) => e.action)).toEqual(['delete', 'create']);
    expect(silenceEntries[0]!.after!.endsAt).toBeLessThanOrEqual(Date.now());

    // Bob's and NOC's changes are not in Alice's audit; NOC sees Alice's
    const alicesAll = (await as(fx.dashboard, alice, 'GET', '/api/audit')).json<{ entries: Array<{ by: string }> }>().entries;
    expect(alicesAll.length).toBeGreaterThan(0);
    expect(new Set(alicesAll.map((e) => e.by))).toEqual(new Set(['alice']));
    expect((await as(fx.dashboard, noc, 'GET', '/api/audit?entity=rule')).json<{ entries: Array<{ by: string }> }>().entries.map((e) => e.by)).toEqual(
      expect.arrayContaining(['alice', 'bob', 'noc']),
    );
    expect((await as(fx.dashboard, alice, 'GET', '/api/audit?entity=rules')).statusCode).toBe(400);
  });

  it('validates silences: scope within what the caller holds, its own rule, a future end, a reason', async () => {
    const later = Date.now() + 3_600_000;
    const bad: Array<[Session, unknown, RegExp]> = [
      [alice, { scope: { installations: [BRAVO.slc] }, endsAt: later, reason: 'x' }, /scope\.installations/],
      [alice, { scope: {}, ruleId: 1, endsAt: later, reason: 'x' }, /ruleId: no rule 1/],
      [noc, { scope: {}, endsAt: Date.now() - 1000, reason: 'x' }, /endsAt/],
      [noc, { scope: {}, endsAt: later, reason: '   ' }, /reason/],
      [noc, { scope: {}, endsAt: later, reason: 'x', why: 'y' }, /unknown field "why"/],
    ];
    for (const [session, body, message] of bad) {
      const res = await post(session, '/api/silences', body);
      expect(res.statusCode, JSON.stringify(body)).toBe(400);
      expect(res.json<{ error: string }>().error).toMatch(message);
    }
    const bobs = (await post(bob, '/api/silences', { scope: {}, endsAt: later, reason: 'Bravo maintenance' })).json<{ id: number }>();
    expect((await as(fx.dashboard, alice, 'GET', '/api/silences')).json<{ silences: Array<{ id: number }> }>().silences.map((s) => s.id)).not.toContain(
      bobs.id,
    );
    expect((await as(fx.dashboard, alice, 'DELETE', `/api/silences/${bobs.id}`)).statusCode).toBe(404);
    expect((await as(fx.dashboard, noc, 'GET', '/api/silences')).json<{ silences: Array<{ id: number; owner: object }> }>().silences).toContainEqual(
      expect.objectContaining({ id: bobs.id, owner: { kind: 'reseller', username: 'bob' }, reason: 'Bravo maintenance' }),
    );
  });

  it('publishes the read_v1 views the alert engine reads, with their version', () => {
    const reader = new Database(join(fx.dir, 'dashboard.db'), { readonly: true });
    try {
      // Version 2 added read_v1_user_contacts beside the views of version 1, which the file still publishes.
      expect(reader.prepare('SELECT version FROM read_model ORDER BY version').pluck().all()).toEqual([1, 2]);
      const columns = (view: string) => (reader.pragma(`table_info(${view})`) as Array<{ name: string }>).map((c) => c.name);
      expect(columns('read_v1_alert_rules')).toEqual([
        'id',
        'name',
        'owner_reseller_id',
        'condition',
        'scope',
        'for_seconds',
        'severity',
        'when_covered',
        'repeat_minutes',
        'channel_ids',
        'enabled',
        'updated_at',
      ]);
      expect(columns('read_v1_alert_channels')).toEqual(['id', 'name', 'owner_reseller_id', 'type', 'config', 'enabled']);
      expect(columns('read_v1_alert_silences')).toEqual(['id', 'owner_reseller_id', 'scope', 'rule_id', 'starts_at', 'ends_at', 'reason', 'created_by']);
      expect(columns('read_v1_alert_acks')).toEqual(['alert_id', 'by', 'at', 'comment']);
      expect(columns('read_v1_installation_holders')).toEqual(['slc', 'reseller_id']);
      expect(columns('read_v1_channel_tests')).toEqual(['id', 'channel_id', 'requested_by', 'requested_at']);
      expect(columns('read_v1_user_contacts')).toEqual(['username', 'contact_email']);
      const holders = reader.prepare('SELECT slc FROM read_v1_installation_holders ORDER BY slc').pluck().all();
      expect(holders).toEqual([ALPHA.slc, BRAVO.slc]);
      const bobRule = reader.prepare("SELECT * FROM read_v1_alert_rules WHERE name = 'Bravo offline'").get() as Record<string, unknown>;
      expect(JSON.parse(bobRule.condition as string)).toEqual({ kind: 'state', states: ['offline'] });
      expect(bobRule.owner_reseller_id).toBe(fx.dashboard.store.userByName('bob')!.id);
    } finally {
      reader.close();
    }
  });
});

describe('alerts from alerts.db: grouping, views, tenancy, acknowledge, silence, history, channel tests, live', () => {
  let fx: Fixture;
  let noc: Session;
  let alice: Session;
  let bob: Session;
  let writer: AlertsDbWriter;
  const now = Date.now();
  let rules: Record<string, number>;

  const list = async (session: Session, view?: string) => {
    const res = await as(fx.dashboard, session, 'GET', `/api/alerts${view ? `?view=${view}` : ''}`);
    expect(res.statusCode, res.body).toBe(200);
    return res.json<{ alerts: EntryJson[] }>().alerts;
  };
  const summary = async (session: Session) =>
    (await as(fx.dashboard, session, 'GET', '/api/alerts/summary')).json<{ firing: number; firingUnacknowledged: number }>();

  const alert = (row: Partial<AlertFixtureRow> & Pick<AlertFixtureRow, 'id' | 'rule_id'>): AlertFixtureRow => ({
    target_kind: 'recorder',
    target_id: 'b-rec-1',
    recorder_id: 'b-rec-1',
    installation_slc: BRAVO.slc,
    site_id: 'bravo-mall',
    condition_key: 'problem:drive-full',
    state: 'firing',
    severity: 'critical',
    summary: 'drive E:\\bravo-archive is 99% full',
    pending_since: now - 120_000,
    firing_since: now - 120_000,
    resolved_at: null,
    ...row,
  });

  beforeAll(async () => {
    fx = await startFixture({ broker: true });
    noc = await logIn(fx.dashboard, 'noc');
    alice = await logIn(fx.dashboard, 'alice');
    bob = await logIn(fx.dashboard, 'bob');
    rules = Object.fromEntries((await as(fx.dashboard, noc, 'GET', '/api/rules')).json<{ rules: RuleJson[] }>().rules.map((r) => [r.name, r.id]));
  });
  afterAll(async () => {
    writer?.close();
    await fx?.close();
  });

  it('lists nothing, and zeros, while the ingestor has not created alerts.db; never creates it', async () => {
    expect(await list(noc, 'all')).toEqual([]);
    expect(await summary(noc)).toEqual({ firing: 0, firingUnacknowledged: 0 });
    expect((await as(fx.dashboard, noc, 'GET', '/api/recorders/b-rec-1/alerts')).json()).toEqual({ alerts: [] });
    const ack = await as(fx.dashboard, noc, 'POST', '/api/alerts/1/acknowledge', { comment: 'x' });
    expect(ack.statusCode).toBe(404);
    expect(existsSync(join(fx.dir, 'alerts.db'))).toBe(false);
    // an alerts.db without the views (an engine not started yet) is no alerts either
    const empty = new Database(join(fx.dir, 'alerts.db'));
    empty.close();
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(await list(noc, 'all')).toEqual([]);
  });

  it('shows the engine’s alerts once it publishes them: the same problem matched by two rules is one entry, with names', async () => {
    writer = new AlertsDbWriter(join(fx.dir, 'alerts.db'));
    writer.alert(alert({ id: 1, rule_id: rules['Everything from error up']! }));
    writer.alert(alert({ id: 2, rule_id: rules['Bravo drives']!, severity: 'warning' }));
    // Alice's depot: a site outage, and the per-recorder alerts under it, inhibited
    writer.alert(
      alert({
        id: 3,
        rule_id: rules['Everything from error up']!,
        target_kind: 'site',
        target_id: `${ALPHA.slc}/alpha-depot`,
        recorder_id: null,
        installation_slc: ALPHA.slc,
        site_id: 'alpha-depot',
        condition_key: 'problem:site-unreachable',
        summary: 'site Alpha Depot unreachable',
        pending_since: now - 290_000,
        firing_since: now - 290_000,
      }),
    );
    writer.alert(
      alert({
        id: 4,
        rule_id: rules['Everything from error up']!,
        target_id: 'a-rec-3',
        recorder_id: 'a-rec-3',
        installation_slc: ALPHA.slc,
        site_id: 'alpha-depot',
        condition_key: 'problem:recorder-unavailable',
        severity: 'error',
        summary: 'a-rec-3 unavailable',
        inhibited: 1,
      }),
    );
    // Alice's camera: pending (its rule's `for` not over yet)
    writer.alert(
      alert({
        id: 5,
        rule_id: rules['Alpha cameras']!,
        target_id: 'a-rec-2',
        recorder_id: 'a-rec-2',
        installation_slc: ALPHA.slc,
        site_id: 'alpha-hq',
        condition_key: 'problem:camera-unreachable',
        state: 'pending',
        severity: 'warning',
        summary: 'camera alpha-cam-3 unreachable',
        firing_since: null,
      }),
    );
    // resolved an hour ago, and one resolved two days ago (not "today")
    writer.alert(
      alert({
        id: 6,
        rule_id: rules['Everything from error up']!,
        target_id: 'b-rec-2',
        recorder_id: 'b-rec-2',
        condition_key: 'problem:recorder-unavailable',
        state: 'resolved',
        severity: 'critical',
        pending_since: now - 7_200_000,
        firing_since: now - 7_000_000,
        resolved_at: now - 3_600_000,
      }),
    );
    writer.alert(
      alert({
        id: 7,
        rule_id: rules['Everything from error up']!,
        target_id: 'b-rec-2',
        recorder_id: 'b-rec-2',
        condition_key: 'problem:recorder-unavailable',
        state: 'resolved',
        pending_since: now - 3 * 86_400_000,
        firing_since: now - 3 * 86_400_000,
        resolved_at: now - 2 * 86_400_000,
      }),
    );

    const firing = await waitFor('the alerts', async () => {
      const entries = await list(noc);
      return entries.length > 0 ? entries : undefined;
    });
    const drive = firing.find((e) => e.conditionKey === 'problem:drive-full')!;
    expect(drive).toMatchObject({
      id: 1,
      ids: [1, 2],
      state: 'firing',
      severity: 'critical',
      target: { kind: 'recorder', id: 'b-rec-1' },
      recorder: { id: 'b-rec-1', name: 'Recorder b-rec-1' },
      site: { id: 'bravo-mall', name: 'Bravo Mall' },
      installation: { slc: BRAVO.slc, name: BRAVO.name },
      acknowledged: null,
      silenced: null,
      inhibited: false,
    });
    expect(drive.rules.map((r) => r.name).sort()).toEqual(['Bravo drives', 'Everything from error up']);
    expect(firing.filter((e) => e.conditionKey === 'problem:drive-full')).toHaveLength(1);
    const site = firing.find((e) => e.target.kind === 'site')!;
    expect(site).toMatchObject({ recorder: null, site: { id: 'alpha-depot', name: 'Alpha Depot' }, installation: { slc: ALPHA.slc } });
    expect(firing.find((e) => e.target.id === 'a-rec-3')).toMatchObject({ inhibited: true });
    expect(firing.some((e) => e.state === 'pending')).toBe(false);
    // the badge counts entries, not rules, and not what an unreachable site inhibits
    expect(await summary(noc)).toEqual({ firing: 2, firingUnacknowledged: 2 });

    const resolved = await list(noc, 'resolved-today');
    expect(resolved.map((e) => e.ids)).toEqual([[6]]);
    expect(resolved[0]).toMatchObject({ state: 'resolved', resolvedAt: now - 3_600_000 });
    expect((await list(noc, 'all')).map((e) => e.id).sort()).toEqual([1, 3, 4, 5, 6]);
    // alerts.db is the engine's: the dashboard's connection to it cannot write
    expect(() => fx.dashboard.store.reader.prepare('DELETE FROM alerts.read_v1_alerts').run()).toThrow();
    expect(() => fx.dashboard.store.reader.prepare('DELETE FROM alerts.t_alerts').run()).toThrow(/readonly/i);
    expect(writer.db.prepare('SELECT COUNT(*) FROM t_alerts').pluck().get()).toBe(7);
  });

  it('shows a reseller the alerts of its installations only (NOC rules’ too), and refuses others’ like nonexistent', async () => {
    const alices = await list(alice, 'all');
    expect(alices.map((e) => e.id).sort()).toEqual([3, 4, 5]);
    expect(JSON.stringify(alices)).not.toMatch(/bravo|b-rec-/i);
    expect((await list(bob, 'all')).map((e) => e.id).sort()).toEqual([1, 6]);
    expect(await summary(alice)).toEqual({ firing: 1, firingUnacknowledged: 1 });
    expect(await list(await logIn(fx.dashboard, 'carol'), 'all')).toEqual([]);
    const theirs = await as(fx.dashboard, alice, 'POST', '/api/alerts/1/acknowledge', { comment: 'mine?' });
    const none = await as(fx.dashboard, alice, 'POST', '/api/alerts/999/acknowledge', { comment: 'mine?' });
    expect(theirs.statusCode).toBe(404);
    expect(theirs.body.replace('1', 'N')).toBe(none.body.replace('999', 'N'));
    expect((await as(fx.dashboard, alice, 'GET', '/api/recorders/b-rec-1/alerts')).statusCode).toBe(404);
  });

  it('acknowledges every alert of an entry (who, when, comment): off the firing view, on the acknowledged one, 409 the second time', async () => {
    const before = Date.now();
    const res = await as(fx.dashboard, bob, 'POST', '/api/alerts/2/acknowledge', { comment: '  new drive ordered ' });
    expect(res.statusCode, res.body).toBe(200);
    const entry = res.json<EntryJson>();
    expect(entry).toMatchObject({ id: 1, ids: [1, 2], acknowledged: { by: 'bob', comment: 'new drive ordered' } });
    expect(entry.acknowledged!.at).toBeGreaterThanOrEqual(before);
    expect((await list(noc)).some((e) => e.id === 1)).toBe(false);
    expect((await list(noc, 'acknowledged')).map((e) => e.id)).toEqual([1]);
    expect(await summary(noc)).toEqual({ firing: 2, firingUnacknowledged: 1 });
    const again = await as(fx.dashboard, noc, 'POST', '/api/alerts/1/acknowledge'); // no body at all: no comment
    expect(again.statusCode).toBe(409);
    expect(again.json<{ error: string }>().error).toContain('bob');
    // the engine reads it, per alert
    const reader = new Database(join(fx.dir, 'dashboard.db'), { readonly: true });
    expect(reader.prepare('SELECT alert_id, "by", comment FROM read_v1_alert_acks ORDER BY alert_id').all()).toEqual([
      { alert_id: 1, by: 'bob', comment: 'new drive ordered' },
      { alert_id: 2, by: 'bob', comment: 'new drive ordered' },
    ]);
    reader.close();
    // a resolved one is not acknowledged
    expect((await as(fx.dashboard, noc, 'POST', '/api/alerts/6/acknowledge', {})).statusCode).toBe(409);
    expect((await as(fx.dashboard, noc, 'POST', '/api/alerts/1/acknowledge', { comment: 'x', who: 'y' })).json<{ error: string }>().error).toMatch(
      /unknown field "who"/,
    );
  });

  it('silences from an alert: listed as silenced, off the firing view and the badge; ending it brings it back', async () => {
    const site = (await list(alice)).find((e) => e.target.kind === 'site')!;
    const res = await as(fx.dashboard, alice, 'POST', '/api/silences', {
      scope: { sites: [site.target.id] },
      endsAt: Date.now() + 3_600_000,
      reason: 'uplink works at the depot',
    });
    expect(res.statusCode, res.body).toBe(201);
    const silenceId = res.json<{ id: number }>().id;
    // it covers the NOC rule's alerts at her site too (the engine notifies nobody of them), and the inhibited recorder's under it
    const silenced = await list(alice, 'silenced');
    expect(silenced.map((e) => e.id).sort()).toEqual([3, 4]);
    expect(silenced.find((e) => e.id === 3)!.silenced).toMatchObject({ id: silenceId, reason: 'uplink works at the depot' });
    expect((await list(noc)).map((e) => e.id)).not.toContain(3);
    expect(await summary(noc)).toEqual({ firing: 2, firingUnacknowledged: 0 });
    expect((await as(fx.dashboard, alice, 'DELETE', `/api/silences/${silenceId}`)).statusCode).toBe(204);
    expect((await list(noc)).map((e) => e.id)).toContain(3);
    // a silence of another rule leaves it alone
    const other = await as(fx.dashboard, noc, 'POST', '/api/silences', {
      scope: { sites: [site.target.id] },
      ruleId: rules['Alpha cameras'],
      endsAt: Date.now() + 3_600_000,
      reason: 'camera work',
    });
    expect(other.statusCode, other.body).toBe(201);
    expect((await list(noc)).map((e) => e.id)).toContain(3);
    expect((await as(fx.dashboard, noc, 'DELETE', `/api/silences/${other.json<{ id: number }>().id}`)).statusCode).toBe(204);
  });

  it('gives a recorder’s alert history with transitions, its site’s included', async () => {
    const res = await as(fx.dashboard, alice, 'GET', `/api/recorders/a-rec-3/alerts?from=${now - 86_400_000}&to=${now + 1000}`);
    expect(res.statusCode, res.body).toBe(200);
    const { alerts } = res.json<{ alerts: Array<EntryJson & { transitions: Array<{ at: number; state: string }> }> }>();
    expect(alerts.map((a) => a.id)).toEqual([3, 4]);
    expect(alerts[0]!.transitions).toEqual([
      { at: now - 290_000, state: 'pending' },
      { at: now - 290_000, state: 'firing' },
    ]);
    const bobs = (await as(fx.dashboard, bob, 'GET', `/api/recorders/b-rec-2/alerts?from=${now - 4 * 86_400_000}&to=${now}`)).json<{ alerts: EntryJson[] }>()
      .alerts;
    expect(bobs.map((a) => a.ids)).toEqual([[7], [6]]);
    expect((await as(fx.dashboard, bob, 'GET', `/api/recorders/b-rec-2/alerts?from=${now}&to=${now - 1}`)).statusCode).toBe(400);
  });

  it('files a channel test the engine reads, and reports its outcome from alerts.db; the channel shows its last failure', async () => {
    const channel = (
      await as(fx.dashboard, bob, 'POST', '/api/alert-channels', {
        name: 'Bob hook',
        type: 'webhook',
        config: { url: 'http://127.0.0.1:9/hook', secret: SECRET },
      })
    ).json<{ id: number }>();
    const res = await as(fx.dashboard, bob, 'POST', `/api/alert-channels/${channel.id}/test`);
    expect(res.statusCode, res.body).toBe(202);
    const { testId } = res.json<{ testId: number }>();
    const reader = new Database(join(fx.dir, 'dashboard.db'), { readonly: true });
    expect(reader.prepare('SELECT id, channel_id, requested_by FROM read_v1_channel_tests WHERE id = ?').get(testId)).toEqual({
      id: testId,
      channel_id: channel.id,
      requested_by: 'bob',
    });
    reader.close();
    const url = `/api/alert-channels/${channel.id}/tests/${testId}`;
    expect((await as(fx.dashboard, bob, 'GET', url)).json()).toEqual({ status: 'waiting', error: null, at: null });
    writer.testResult(testId, channel.id, 'failed', now, 'connect ECONNREFUSED 127.0.0.1:9');
    writer.channelStatus(channel.id, { lastFailureAt: now, lastError: 'connect ECONNREFUSED 127.0.0.1:9' });
    expect((await as(fx.dashboard, bob, 'GET', url)).json()).toEqual({ status: 'failed', error: 'connect ECONNREFUSED 127.0.0.1:9', at: now });
    const listed = (await as(fx.dashboard, bob, 'GET', '/api/alert-channels')).json<{ channels: Array<{ id: number; status: Record<string, unknown> }> }>()
      .channels;
    expect(listed.find((c) => c.id === channel.id)!.status).toEqual({
      lastSuccessAt: null,
      lastFailureAt: now,
      lastError: 'connect ECONNREFUSED 127.0.0.1:9',
      lastTest: { id: testId, requestedAt: expect.any(Number), requestedBy: 'bob', status: 'failed', error: 'connect ECONNREFUSED 127.0.0.1:9', at: now },
    });
    // another's test, or a test of another channel, is not there
    expect((await as(fx.dashboard, alice, 'GET', url)).statusCode).toBe(404);
    expect((await as(fx.dashboard, bob, 'GET', `/api/alert-channels/${channel.id}/tests/${testId + 100}`)).statusCode).toBe(404);
  });

  it('sends each open page an `alerts` event with its own summary when alerts.db changes', async () => {
    await fx.dashboard.app.listen({ port: 0, host: '127.0.0.1' });
    const base = `http://127.0.0.1:${(fx.dashboard.app.server.address() as AddressInfo).port}`;
    const open = async (session: Session) => {
      const controller = new AbortController();
      const res = await fetch(`${base}/api/events`, { headers: { cookie: session.cookie }, signal: controller.signal });
      let text = '';
      const reader = res.body!.getReader();
      const pump = (async () => {
        try {
          for (;;) {
            const { value, done } = await reader.read();
            if (done) return;
            text += Buffer.from(value).toString();
          }
        } catch {
          // aborted
        }
      })();
      return { text: () => text, close: async () => (controller.abort(), await pump) };
    };
    const aliceStream = await open(alice);
    const bobStream = await open(bob);
    try {
      await waitFor('the first summaries', async () =>
        aliceStream.text().includes('event: alerts') && bobStream.text().includes('event: alerts') ? true : undefined,
      );
      // a new firing alert at Bravo: Bob's badge goes up, Alice's stays as it was
      writer.alert(
        alert({
          id: 8,
          rule_id: rules['Everything from error up']!,
          target_id: 'b-rec-2',
          recorder_id: 'b-rec-2',
          condition_key: 'state:down',
          summary: 'b-rec-2 offline',
        }),
      );
      await waitFor('Bob’s new summary', async () => (bobStream.text().includes('"firing":2,"firingUnacknowledged":1') ? true : undefined));
      expect(aliceStream.text()).not.toMatch(/"firing":2/);
      expect(aliceStream.text()).toContain('event: alerts\ndata: {"firing":1,');
    } finally {
      await aliceStream.close();
      await bobStream.close();
    }
  });
});

describe('dashboard.db from before: old rules become rules of the new shape', () => {
  it('migrates code, minimum severity and installation, owned by NOC, at least warning, no channels', async () => {
    const fx = await startFixture({
      seed: (fleetDbPath) => {
        // the fixture's fleet, and a dashboard.db written by the previous build
        seedFleet(fleetDbPath);
        const old = new Database(join(fleetDbPath, '..', 'dashboard.db'));
        old.exec(`CREATE TABLE rules (id INTEGER PRIMARY KEY, name TEXT NOT NULL, code TEXT, min_severity TEXT NOT NULL, installation_slc TEXT,
          enabled INTEGER NOT NULL DEFAULT 1, created_at INTEGER NOT NULL)`);
        old.prepare('INSERT INTO rules VALUES (?, ?, ?, ?, ?, ?, ?)').run(41, 'Old any info', null, 'info', null, 1, 1_700_000_000_000);
        old.prepare('INSERT INTO rules VALUES (?, ?, ?, ?, ?, ?, ?)').run(42, 'Old Bravo drives', 'drive-full', 'critical', BRAVO.slc, 0, 1_700_000_000_001);
        old.close();
      },
    });
    try {
      const noc = await logIn(fx.dashboard, 'noc');
      const migrated = (await as(fx.dashboard, noc, 'GET', '/api/rules')).json<{ rules: RuleJson[] }>().rules.filter((r) => r.id === 41 || r.id === 42);
      expect(migrated).toEqual([
        expect.objectContaining({
          id: 41,
          name: 'Old any info',
          condition: { kind: 'problem', minSeverity: 'info' },
          scope: { installations: [], sites: [], recorders: [] },
          severity: 'warning',
          channelIds: [],
          enabled: true,
          owner: { kind: 'noc' },
        }),
        expect.objectContaining({
          id: 42,
          condition: { kind: 'problem', code: 'drive-full', minSeverity: 'critical' },
          scope: { installations: [BRAVO.slc], sites: [], recorders: [] },
          severity: 'critical',
          enabled: false,
        }),
      ]);
      const reader = new Database(join(fx.dir, 'dashboard.db'), { readonly: true });
      expect(reader.prepare("SELECT name FROM sqlite_master WHERE name = 'rules'").get()).toBeUndefined();
      expect((statSync(join(fx.dir, 'dashboard.db')).mode & 0o777).toString(8)).toBe('600');
      reader.close();
    } finally {
      await fx.close();
    }
  });
});
