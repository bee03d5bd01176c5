/**
 * Whether a rule holds for a recorder or a site, and what the alert then says: pure functions
 * over the facts, so every case is tested without a fleet (docs/DESIGN.md "Alerting").
 */
import type { RecorderFacts, SiteFacts } from './fleet-facts.js';
import { type AlertMatch, type AlertRule, type AlertScope, lowerSeverity, RECORDER_UNAVAILABLE, SITE_UNREACHABLE, severityRank } from './model.js';

const DOWN_STATES = new Set(['unavailable', 'offline']);

export function scopeHasRecorder(scope: AlertScope, recorder: { id: string; installationSlc: string; siteId: string }): boolean {
  if (scope.installations.length === 0 && scope.sites.length === 0 && scope.recorders.length === 0) return true;
  return (
    scope.installations.includes(recorder.installationSlc) ||
    (recorder.siteId !== '' && scope.sites.includes(`${recorder.installationSlc}/${recorder.siteId}`)) ||
    scope.recorders.includes(recorder.id)
  );
}

export function scopeHasSite(scope: AlertScope, site: { installationSlc: string; key: string; members: ReadonlyArray<{ id: string }> }): boolean {
  if (scope.installations.length === 0 && scope.sites.length === 0 && scope.recorders.length === 0) return true;
  return scope.installations.includes(site.installationSlc) || scope.sites.includes(site.key) || site.members.some((m) => scope.recorders.includes(m.id));
}

/** A rule about recorders going down, which a site outage answers with one alert for the site. */
export function isDownRule(rule: AlertRule): boolean {
  const condition = rule.condition;
  if (condition.kind === 'state') return condition.states.some((state) => DOWN_STATES.has(state));
  if (condition.kind === 'problem') {
    if (condition.code === undefined) return condition.minSeverity === undefined || severityRank(condition.minSeverity) <= severityRank('critical');
    return condition.code === RECORDER_UNAVAILABLE || condition.code === SITE_UNREACHABLE;
  }
  return false;
}

const formatPercent = (value: number) => `${value.toFixed(1)} %`;

export function matchRecorder(rule: AlertRule, facts: RecorderFacts): AlertMatch | null {
  if (!scopeHasRecorder(rule.scope, facts)) return null;
  if (facts.coveredBy !== null && rule.whenCovered === 'skip') return null;
  const down = DOWN_STATES.has(facts.state);
  const condition = rule.condition;
  let conditionKey: string;
  let subjects: string[];
  let summary: string;
  let inhibited = false;
  if (condition.kind === 'problem') {
    if (condition.code === SITE_UNREACHABLE) return null;
    const problems = down
      ? [...facts.problems, { code: RECORDER_UNAVAILABLE, subject: '', severity: 'critical', message: `recorder ${facts.state}`, since: 0 }]
      : facts.problems;
    const matched = problems.filter(
      (p) =>
        (condition.code === undefined || p.code === condition.code) &&
        (condition.minSeverity === undefined || severityRank(p.severity) >= severityRank(condition.minSeverity)),
    );
    if (matched.length === 0) return null;
    matched.sort((a, b) => a.code.localeCompare(b.code) || a.subject.localeCompare(b.subject));
    conditionKey = `problem:${condition.code ?? '*'}`;
    subjects = matched.map((p) => (condition.code === undefined ? `${p.code}${p.subject ? ` ${p.subject}` : ''}` : p.subject)).filter((s) => s !== '');
    const first = matched[0] as (typeof matched)[number];
    summary =
      matched.length === 1
        ? `${first.code}${first.subject ? ` ${first.subject}` : ''}: ${first.message}`
        : `${condition.code ?? 'problems'}: ${matched.length} (${subjects.slice(0, 5).join(', ')}${subjects.length > 5 ? ', …' : ''})`;
    inhibited = facts.siteUnreachable && matched.every((p) => p.code === RECORDER_UNAVAILABLE);
  } else if (condition.kind === 'state') {
    if (!(condition.states as readonly string[]).includes(facts.state)) return null;
    const downRule = down && condition.states.some((state) => DOWN_STATES.has(state));
    conditionKey = downRule ? 'state:down' : `state:${facts.state}`;
    subjects = [];
    summary = `recorder ${facts.state}`;
    inhibited = facts.siteUnreachable && down;
  } else if (condition.metric === 'disk-used-percent') {
    const full = facts.disks.filter((disk) => disk.usedPercent > condition.above).sort((a, b) => a.path.localeCompare(b.path));
    if (full.length === 0) return null;
    conditionKey = `metric:${condition.metric}`;
    subjects = full.map((disk) => disk.path);
    summary = `disk used above ${condition.above} %: ${full.map((disk) => `${disk.path} ${formatPercent(disk.usedPercent)}`).join(', ')}`;
  } else {
    if (facts.licensedCameras <= 0) return null;
    const use = (facts.cameraCount / facts.licensedCameras) * 100;
    if (use <= condition.above) return null;
    conditionKey = `metric:${condition.metric}`;
    subjects = [];
    summary = `licence use ${formatPercent(use)} (${facts.cameraCount} cameras, ${facts.licensedCameras} licensed; above ${condition.above} %)`;
  }
  const covered = facts.coveredBy !== null && rule.whenCovered === 'lower';
  return {
    ruleId: rule.id,
    targetKind: 'recorder',
    targetId: facts.id,
    recorderId: facts.id,
    installationSlc: facts.installationSlc,
    siteId: facts.siteId,
    conditionKey,
    severity: covered ? lowerSeverity(rule.severity) : rule.severity,
    summary: covered ? `${summary} (covered by ${facts.coveredBy})` : summary,
    subjects,
    inhibited,
  };
}

export function matchSite(rule: AlertRule, site: SiteFacts): AlertMatch | null {
  if (site.unreachableSince === null || !isDownRule(rule) || !scopeHasSite(rule.scope, site)) return null;
  return {
    ruleId: rule.id,
    targetKind: 'site',
    targetId: site.key,
    recorderId: null,
    installationSlc: site.installationSlc,
    siteId: site.siteId,
    conditionKey: SITE_UNREACHABLE,
    severity: rule.severity,
    summary: `site unreachable: all ${site.members.length} recorders lost at once`,
    subjects: site.members.map((m) => m.id),
    inhibited: false,
  };
}
