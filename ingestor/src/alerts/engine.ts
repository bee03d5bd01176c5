import type { Logger } from 'pino';
import type { AlertsDb } from './alerts-db.js';
import type { AlertConfig } from './config-source.js';
import { isDownRule, matchRecorder, matchSite, scopeHasRecorder, scopeHasSite } from './evaluate.js';
import { type FleetFacts, siteKeyOf } from './fleet-facts.js';
import type { StoredChanges } from '../pipeline/effects.js';
import type { AlertMatch, AlertRule, OpenAlert } from './model.js';

/** Where the engine gets what people decided; undefined while that cannot be read. */
export interface ConfigReader {
  read(): { config: AlertConfig; changed: boolean } | undefined;
}

/**
 * How long without a historical batch before a recorder counts as caught up (when no live batch says
 * so first). Longer than the agent's longest reconnect backoff (its heartbeat interval, 30 s): a
 * connection lost mid-backfill, under load, left gaps of more than the 10 s this once was, and a
 * condition cleared later in the same backfill fired (test/faults/alerting-backfill in CI).
 */
export const CATCH_UP_QUIET_MS = 35_000;

export interface AlertEngineOptions {
  db: AlertsDb;
  facts: FleetFacts;
  config: ConfigReader;
  logger: Logger;
  now?: () => number;
  /** Notifications of one rule, channel and installation raised within this window go out as one. */
  groupWindowMs?: number;
  /** A recorder that sent a historical batch is catching up until a live one, or this long without another (default CATCH_UP_QUIET_MS). */
  catchUpQuietMs?: number;
  /** A channel test request older than this when first seen (the notifier was not running) is not sent. */
  testRequestMaxAgeMs?: number;
  /** Something was put on the notification queue. */
  onQueued?: () => void;
  /** Measures each evaluation of one changed recorder or site. */
  onEvaluated?: (seconds: number) => void;
}

interface RuleIndex {
  everywhere: AlertRule[];
  byInstallation: Map<string, AlertRule[]>;
  bySite: Map<string, AlertRule[]>;
  byRecorder: Map<string, AlertRule[]>;
  /** Rules a site outage answers with a site alert. */
  down: AlertRule[];
  /** The metrics some rule reads. */
  metrics: Set<string>;
}

/** One evaluation pass after a commit gives the pipeline its thread back after this long. */
const PASS_BUDGET_MS = 20;
const TICK_BUDGET_MS = 50;
const INHIBITION_SETTLE_MS = 10_000;

const targetKeyOf = (kind: 'recorder' | 'site', id: string) => `${kind}\u0000${id}`;

function indexRules(rules: Iterable<AlertRule>): RuleIndex {
  const index: RuleIndex = { everywhere: [], byInstallation: new Map(), bySite: new Map(), byRecorder: new Map(), down: [], metrics: new Set() };
  const add = (map: Map<string, AlertRule[]>, key: string, rule: AlertRule) => map.set(key, [...(map.get(key) ?? []), rule]);
  for (const rule of rules) {
    const { installations, sites, recorders } = rule.scope;
    if (installations.length + sites.length + recorders.length === 0) index.everywhere.push(rule);
    for (const slc of installations) add(index.byInstallation, slc, rule);
    for (const site of sites) add(index.bySite, site, rule);
    for (const id of recorders) add(index.byRecorder, id, rule);
    if (isDownRule(rule)) index.down.push(rule);
    if (rule.condition.kind === 'metric') index.metrics.add(rule.condition.metric);
  }
  return index;
}

/**
 * The alert lifecycle (docs/DESIGN.md "Alerting"): pending -> firing -> resolved per rule and
 * target, judged again whenever the fleet state of a recorder or site changes (the ingestor calls
 * `touch*` after each commit), and on a tick for `for` durations, catch-up, silences and repeats.
 * Evaluation is per changed recorder against the rules that can apply to it (indexed by scope),
 * so its cost does not grow with the fleet. Open alerts are also kept in memory; alerts.db holds
 * them across restarts, with the notification queue, written in the same transaction.
 */
export class AlertEngine {
  private readonly db: AlertsDb;
  private readonly facts: FleetFacts;
  private readonly now: () => number;
  private readonly groupWindowMs: number;
  private readonly catchUpQuietMs: number;
  private readonly testRequestMaxAgeMs: number;
  private readonly open = new Map<string, Map<number, OpenAlert>>();
  /** Open alerts that time alone may change (pending, not yet notified, repeating): what the tick walks. */
  private readonly attention = new Set<OpenAlert>();
  /** Alert id -> channel -> the firing row still gathering it (withdrawn if the alert ends first). */
  private readonly unsent = new Map<number, Map<number, number>>();
  /** Alert id -> when a site outage stopped covering it. */
  private readonly inhibitionEnded = new Map<number, number>();
  private readonly notices = new Map<number, Set<number>>();
  private readonly dirtyRecorders = new Set<string>();
  private readonly dirtySites = new Map<string, { installationSlc: string; siteId: string }>();
  private readonly catchingUp = new Map<string, number>();
  private readonly gathering = new Map<string, { id: number; dueAt: number }>();
  private knownTests: Set<number>;
  private covers = new Map<string, Set<string>>();
  private config: AlertConfig | undefined;
  private index: RuleIndex = indexRules([]);
  private scheduled = false;
  private closed = false;
  private readonly warned = new Set<string>();

  constructor(private readonly options: AlertEngineOptions) {
    this.db = options.db;
    this.facts = options.facts;
    this.now = options.now ?? Date.now;
    this.groupWindowMs = options.groupWindowMs ?? 10_000;
    this.catchUpQuietMs = options.catchUpQuietMs ?? CATCH_UP_QUIET_MS;
    this.testRequestMaxAgeMs = options.testRequestMaxAgeMs ?? 15 * 60_000;
    this.knownTests = new Set();
    this.resync();
  }

  /** The fleet state of a recorder changed (state, problems, readings, cover). */
  touchRecorder(recorderId: string): void {
    this.dirtyRecorders.add(recorderId);
    for (const covered of this.covers.get(recorderId) ?? []) this.dirtyRecorders.add(covered);
    this.schedule();
  }

  /**
   * A data batch of this recorder was stored: historical ones hold the alerts they raise until it
   * has caught up. Judged again only if it changed what some rule reads (most batches only extend
   * problems already known, or report readings no metric rule looks at).
   */
  batchStored(recorderId: string, historical: boolean, changed: StoredChanges = { problems: true, disks: true, licences: true }): void {
    const wasCatchingUp = this.catchingUp.has(recorderId);
    if (historical) this.catchingUp.set(recorderId, this.now());
    else this.catchingUp.delete(recorderId);
    const relevant =
      changed.problems ||
      wasCatchingUp !== historical ||
      (changed.disks && this.index.metrics.has('disk-used-percent')) ||
      (changed.licences && this.index.metrics.has('licence-use-percent'));
    if (relevant) this.touchRecorder(recorderId);
  }

  touchSite(installationSlc: string, siteId: string): void {
    this.dirtySites.set(siteKeyOf(installationSlc, siteId), { installationSlc, siteId });
    this.schedule();
  }

  /** The notifier left this alert out of what it sent the channel: no resolution goes there either. */
  forgetNotice(alertId: number, channelId: number): void {
    this.notices.get(alertId)?.delete(channelId);
  }

  /** The configuration last read (undefined until the dashboard has published one). */
  get configuration(): AlertConfig | undefined {
    return this.config;
  }

  /** Open alerts by state (for metrics and tests). */
  counts(): { pending: number; firing: number } {
    let pending = 0;
    let firing = 0;
    for (const alerts of this.open.values()) for (const alert of alerts.values()) alert.state === 'firing' ? firing++ : pending++;
    return { pending, firing };
  }

  openAlerts(): OpenAlert[] {
    return [...this.open.values()].flatMap((alerts) => [...alerts.values()]);
  }

  /** Reloads the configuration if it changed, then judges what is due; run every second or so. */
  tick(): void {
    if (this.closed) return;
    const now = this.now();
    this.guard('tick', () =>
      this.db.transaction(() => {
        this.reloadConfig(now);
        if (!this.config) return;
        for (const [recorderId, at] of this.catchingUp) {
          if (now - at >= this.catchUpQuietMs) {
            this.catchingUp.delete(recorderId);
            this.dirtyRecorders.add(recorderId);
          }
        }
        this.evaluateDirty(now, TICK_BUDGET_MS);
        for (const [key, group] of this.gathering) if (group.dueAt <= now) this.gathering.delete(key);
        for (const alert of this.attention) {
          this.advance(alert, now);
          if (this.settled(alert)) this.attention.delete(alert);
        }
      }),
    );
    if (this.dirtyRecorders.size > 0 || this.dirtySites.size > 0) this.schedule();
  }

  /** Judges every recorder and every site again (start, rule changes). */
  evaluateAll(): void {
    for (const id of this.facts.recorderIds()) this.dirtyRecorders.add(id);
    for (const site of this.facts.unreachableSites()) this.dirtySites.set(siteKeyOf(site.installationSlc, site.siteId), site);
    for (const alerts of this.open.values()) {
      for (const alert of alerts.values()) {
        if (alert.targetKind === 'recorder') this.dirtyRecorders.add(alert.targetId);
        else this.dirtySites.set(alert.targetId, { installationSlc: alert.installationSlc, siteId: alert.siteId });
      }
    }
    this.schedule();
  }

  close(): void {
    this.closed = true;
  }

  private schedule(): void {
    if (this.scheduled || this.closed) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      if (this.closed) return;
      const now = this.now();
      this.guard('evaluation', () =>
        this.db.transaction(() => {
          if (!this.config) this.reloadConfig(now);
          this.evaluateDirty(now, PASS_BUDGET_MS);
        }),
      );
      // A storm (a whole fleet reconnecting) is judged in slices, with the pipeline's messages between them.
      if (this.config && (this.dirtyRecorders.size > 0 || this.dirtySites.size > 0)) this.schedule();
    });
  }

  private reloadConfig(now: number): void {
    const read = this.options.config.read();
    if (!read) return;
    const first = this.config === undefined;
    this.config = read.config;
    if (!read.changed && !first) return;
    this.index = indexRules(read.config.rules.values());
    // Rules, silences and acknowledgements may have changed what is due for any open alert.
    for (const alert of this.openAlerts()) this.attention.add(alert);
    this.covers = this.facts.coverage();
    for (const request of read.config.testRequests) {
      if (this.knownTests.has(request.id)) continue;
      this.knownTests.add(request.id);
      const id = this.db.enqueue({
        channelId: request.channelId,
        kind: 'test',
        groupKey: null,
        alertIds: [],
        testId: request.id,
        createdAt: now,
        dueAt: now,
        gathering: false,
      });
      if (now - request.requestedAt > this.testRequestMaxAgeMs)
        this.db.markFailed(id, null, now, 'not sent: the request is older than 15 minutes (the notifier was not running)');
      else this.options.onQueued?.();
    }
    this.evaluateAll();
  }

  private evaluateDirty(now: number, budgetMs: number): void {
    // Without a configuration nothing is judged: no rules read is not the same as no rules.
    if (!this.config) return;
    const started = process.hrtime.bigint();
    const deadline = started + BigInt(Math.round(budgetMs * 1e6));
    let evaluated = 0;
    for (const [key, site] of this.dirtySites) {
      this.dirtySites.delete(key);
      evaluated++;
      this.evaluateSite(site.installationSlc, site.siteId, now);
      for (const member of this.facts.site(site.installationSlc, site.siteId).members) this.dirtyRecorders.add(member.id);
    }
    for (const id of this.dirtyRecorders) {
      this.dirtyRecorders.delete(id);
      evaluated++;
      this.evaluateRecorder(id, now);
      if ((evaluated & 15) === 0 && process.hrtime.bigint() > deadline) break;
    }
    if (evaluated > 0 && this.options.onEvaluated) {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.options.onEvaluated(seconds / evaluated);
    }
  }

  private visibleTo(rule: AlertRule, installationSlc: string): boolean {
    return rule.ownerResellerId === null || this.config?.holders.get(installationSlc) === rule.ownerResellerId;
  }

  private rulesFor(recorder: { id: string; installationSlc: string; siteId: string }): AlertRule[] {
    const found = new Set<AlertRule>(this.index.everywhere);
    for (const rule of this.index.byInstallation.get(recorder.installationSlc) ?? []) found.add(rule);
    if (recorder.siteId !== '') for (const rule of this.index.bySite.get(siteKeyOf(recorder.installationSlc, recorder.siteId)) ?? []) found.add(rule);
    for (const rule of this.index.byRecorder.get(recorder.id) ?? []) found.add(rule);
    return [...found].filter((rule) => this.visibleTo(rule, recorder.installationSlc));
  }

  private evaluateRecorder(recorderId: string, now: number): void {
    const facts = this.facts.recorder(recorderId, now);
    const matches = new Map<number, AlertMatch>();
    if (facts) {
      for (const rule of this.rulesFor(facts)) {
        const match = matchRecorder(rule, facts);
        if (match) matches.set(rule.id, match);
      }
    }
    this.reconcile(targetKeyOf('recorder', recorderId), matches, this.catchingUp.has(recorderId), now);
  }

  private evaluateSite(installationSlc: string, siteId: string, now: number): void {
    const site = this.facts.site(installationSlc, siteId);
    const matches = new Map<number, AlertMatch>();
    if (site.unreachableSince !== null) {
      for (const rule of this.index.down) {
        if (!this.visibleTo(rule, installationSlc)) continue;
        const match = matchSite(rule, site);
        if (match) matches.set(rule.id, match);
      }
    }
    this.reconcile(targetKeyOf('site', site.key), matches, false, now);
  }

  private reconcile(targetKey: string, matches: Map<number, AlertMatch>, held: boolean, now: number): void {
    const current = this.open.get(targetKey);
    for (const [ruleId, alert] of current ?? []) {
      if (!matches.has(ruleId)) this.resolve(alert, now);
    }
    for (const [ruleId, match] of matches) {
      const existing = current?.get(ruleId);
      if (existing) this.refresh(existing, match, now);
      else this.raise(match, held, now);
    }
  }

  private raise(match: AlertMatch, held: boolean, now: number): void {
    const rule = this.config?.rules.get(match.ruleId);
    if (!rule) return;
    const firing = rule.forMs === 0 && !held;
    const alert: OpenAlert = {
      ...match,
      id: 0,
      state: firing ? 'firing' : 'pending',
      pendingSince: now,
      firingSince: firing ? now : null,
      held,
      lastNotifiedAt: null,
      notifiedCount: 0,
    };
    alert.id = this.db.insertAlert(alert);
    this.register(alert);
    if (firing) this.notifyIfDue(alert, rule, now);
  }

  private refresh(alert: OpenAlert, match: AlertMatch, now: number): void {
    const changed =
      alert.severity !== match.severity ||
      alert.summary !== match.summary ||
      alert.inhibited !== match.inhibited ||
      alert.subjects.join('\u0000') !== match.subjects.join('\u0000');
    if (!changed) return;
    if (alert.inhibited && !match.inhibited) this.inhibitionEnded.set(alert.id, now);
    alert.severity = match.severity;
    alert.summary = match.summary;
    alert.inhibited = match.inhibited;
    alert.subjects = match.subjects;
    this.db.updateAlert(alert);
    this.attention.add(alert);
    this.advance(alert, now);
  }

  /** Pending -> firing once the rule's `for` has passed (and the recorder has caught up); notifications due. */
  private advance(alert: OpenAlert, now: number): void {
    const rule = this.config?.rules.get(alert.ruleId);
    if (!rule) return;
    if (alert.held && !(alert.recorderId !== null && this.catchingUp.has(alert.recorderId))) {
      alert.held = false;
      this.db.updateAlert(alert);
    }
    if (alert.state === 'pending' && !alert.held && now - alert.pendingSince >= rule.forMs) {
      alert.state = 'firing';
      alert.firingSince = now;
      this.db.updateAlert(alert, now);
    }
    if (alert.state === 'firing') this.notifyIfDue(alert, rule, now);
  }

  private resolve(alert: OpenAlert, now: number): void {
    this.db.resolveAlert(alert.id, now);
    this.unregister(alert);
    const channels = this.notices.get(alert.id);
    this.notices.delete(alert.id);
    const unsent = this.unsent.get(alert.id);
    this.unsent.delete(alert.id);
    this.inhibitionEnded.delete(alert.id);
    if (alert.notifiedCount === 0 || !channels) return;
    for (const channelId of channels) {
      // Another rule's alert on the same problem still holds this channel: it says when it is over.
      if (this.heldByAnother(alert, channelId)) continue;
      // Raised and over within the grouping window: the channel hears of neither.
      const row = unsent?.get(channelId);
      if (row !== undefined && this.db.withdraw(row, alert.id, now)) continue;
      this.enqueue(channelId, 'resolved', alert, now);
    }
  }

  private notifyIfDue(alert: OpenAlert, rule: AlertRule, now: number): void {
    const config = this.config;
    if (!config || alert.inhibited || alert.held || config.acknowledged.has(alert.id) || this.silenced(alert, now)) return;
    // A site that is back clears as soon as one recorder is heard; the others reconnect within
    // seconds. An alert its site outage covered waits its rule's `for` again (at least 10 s) first.
    const ended = this.inhibitionEnded.get(alert.id);
    if (ended !== undefined) {
      if (now - ended < Math.max(rule.forMs, INHIBITION_SETTLE_MS)) return;
      this.inhibitionEnded.delete(alert.id);
    }
    let kind: 'firing' | 'repeat';
    if (alert.notifiedCount === 0) kind = 'firing';
    else if (rule.repeatMs > 0 && alert.lastNotifiedAt !== null && now - alert.lastNotifiedAt >= rule.repeatMs) kind = 'repeat';
    else return;
    for (const channelId of rule.channelIds) {
      const channel = config.channels.get(channelId);
      if (!channel?.enabled) continue;
      // A channel is its owner's: a reseller's address hears of its own installations only.
      if (channel.ownerResellerId !== rule.ownerResellerId) {
        this.warnOnce(`owner:${rule.id}:${channelId}`, { ruleId: rule.id, channelId }, 'alert rule names a channel of another owner; not notified');
        continue;
      }
      const covered = this.heldByAnother(alert, channelId);
      this.noticesOf(alert.id).add(channelId);
      this.db.recordNotice(alert.id, channelId);
      if (covered && kind === 'firing') continue;
      if (covered && kind === 'repeat') continue;
      this.enqueue(channelId, kind, alert, now);
    }
    alert.notifiedCount++;
    alert.lastNotifiedAt = now;
    this.db.updateAlert(alert);
  }

  /** Another open, firing alert on the same target and problem was already put on this channel. */
  private heldByAnother(alert: OpenAlert, channelId: number): boolean {
    for (const other of this.open.get(targetKeyOf(alert.targetKind, alert.targetId))?.values() ?? []) {
      if (other.id !== alert.id && other.state === 'firing' && other.conditionKey === alert.conditionKey && this.notices.get(other.id)?.has(channelId))
        return true;
    }
    return false;
  }

  private silenced(alert: OpenAlert, now: number): boolean {
    const config = this.config;
    if (!config) return false;
    return config.silences.some((silence) => {
      if (silence.startsAt > now || silence.endsAt <= now) return false;
      if (silence.ruleId !== null && silence.ruleId !== alert.ruleId) return false;
      if (silence.ownerResellerId !== null && config.holders.get(alert.installationSlc) !== silence.ownerResellerId) return false;
      return alert.targetKind === 'recorder'
        ? scopeHasRecorder(silence.scope, { id: alert.targetId, installationSlc: alert.installationSlc, siteId: alert.siteId })
        : scopeHasSite(silence.scope, { installationSlc: alert.installationSlc, key: alert.targetId, members: alert.subjects.map((id) => ({ id })) });
    });
  }

  private enqueue(channelId: number, kind: 'firing' | 'resolved' | 'repeat', alert: OpenAlert, now: number): void {
    const groupKey = `${channelId}|${kind}|${alert.ruleId}|${alert.installationSlc}`;
    const group = this.gathering.get(groupKey);
    let id: number;
    if (group && group.dueAt > now && this.db.gatherInto(group.id, alert.id)) {
      id = group.id;
    } else {
      const dueAt = now + this.groupWindowMs;
      id = this.db.enqueue({ channelId, kind, groupKey, alertIds: [alert.id], testId: null, createdAt: now, dueAt, gathering: this.groupWindowMs > 0 });
      if (this.groupWindowMs > 0) this.gathering.set(groupKey, { id, dueAt });
      this.options.onQueued?.();
    }
    if (kind === 'firing' && this.groupWindowMs > 0) {
      const rows = this.unsent.get(alert.id) ?? new Map<number, number>();
      rows.set(channelId, id);
      this.unsent.set(alert.id, rows);
    }
  }

  private register(alert: OpenAlert): void {
    const key = targetKeyOf(alert.targetKind, alert.targetId);
    const alerts = this.open.get(key) ?? new Map<number, OpenAlert>();
    alerts.set(alert.ruleId, alert);
    this.open.set(key, alerts);
    this.attention.add(alert);
  }

  private unregister(alert: OpenAlert): void {
    const key = targetKeyOf(alert.targetKind, alert.targetId);
    const alerts = this.open.get(key);
    alerts?.delete(alert.ruleId);
    if (alerts?.size === 0) this.open.delete(key);
    this.attention.delete(alert);
  }

  /** Firing, notified, and its rule repeats nothing: only a change of the fleet or the rules moves it now. */
  private settled(alert: OpenAlert): boolean {
    const rule = this.config?.rules.get(alert.ruleId);
    return alert.state === 'firing' && alert.notifiedCount > 0 && !alert.held && (rule === undefined || rule.repeatMs === 0);
  }

  private noticesOf(alertId: number): Set<number> {
    const set = this.notices.get(alertId) ?? new Set<number>();
    this.notices.set(alertId, set);
    return set;
  }

  private guard(what: string, work: () => void): void {
    try {
      work();
    } catch (error) {
      // Alerting must never take ingestion down with it. The transaction rolled back, so memory is
      // read again from alerts.db and everything is judged anew.
      this.options.logger.error({ err: (error as Error).message }, `alert ${what} failed; judging every recorder again`);
      this.resync();
    }
  }

  private resync(): void {
    this.open.clear();
    this.attention.clear();
    this.notices.clear();
    this.gathering.clear();
    for (const alert of this.db.openAlerts()) this.register(alert);
    for (const { alertId, channelId } of this.db.openNotices()) this.noticesOf(alertId).add(channelId);
    for (const group of this.db.gatheringGroups()) this.gathering.set(group.groupKey, { id: group.id, dueAt: group.dueAt });
    this.knownTests = this.db.knownTestIds();
    this.evaluateAll();
  }

  private warnOnce(key: string, fields: object, message: string): void {
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.options.logger.warn(fields, message);
  }
}
