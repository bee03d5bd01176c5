import { ALERT_STATES, type AlertMetric, type AlertScope, type AlertStateName, codeName, type RuleCondition } from '@vigil/ingestor';
import { vigil } from '@vigil/proto/wire';
import { SEVERITIES, type Severity } from './severity.js';

/**
 * Alerting as the dashboard sees it (docs/DESIGN.md "Alerting"): the shapes of rules, channels,
 * silences and alert entries, and the catalogue of conditions a rule may name. The store applies
 * tenancy; this file holds only what does not depend on who asks.
 */

// The condition's shape is the engine's (ingestor/src/alerts/model.ts): one definition for both sides.
export { ALERT_STATES, type AlertMetric, type AlertScope };
export type AlertState = AlertStateName;
export type AlertCondition = RuleCondition;

/** How the editor and the API name each metric the engine knows, and its bounds. */
export const ALERT_METRICS: ReadonlyArray<{ metric: AlertMetric; label: string; unit: '%'; min: number; max: number }> = [
  { metric: 'disk-used-percent', label: 'Disk used above', unit: '%', min: 1, max: 100 },
  { metric: 'licence-use-percent', label: 'Cameras per licence above', unit: '%', min: 1, max: 1000 },
];

export const WHEN_COVERED = ['lower', 'skip', 'same'] as const;
export type WhenCovered = (typeof WHEN_COVERED)[number];

/** What each proto code's subject names (vigil.proto's comments), for the rule editor. */
const CODE_SUBJECTS: Record<string, string> = {
  'camera-unreachable': 'camera',
  'drive-full': 'drive path',
  'drive-filling': 'drive path',
  'media-db-write-failure': 'media database',
  'licence-overrun': 'licence',
  'recorder-unavailable': 'recorder',
  'archive-delete-failed': 'archive',
  'file-delete-failed': 'file',
  'archive-fatal-error': 'archive',
  'archive-operation-failed': 'archive',
  'archive-move-failed': 'archive',
  'service-stopped': 'service name',
  'agent-dropped': 'agent spool',
  'agent-clock-off': 'agent clock',
  'site-unreachable': 'site',
};

export interface ConditionCode {
  code: string;
  label: string;
  subject: string;
}

const label = (code: string) => code.charAt(0).toUpperCase() + code.slice(1).replaceAll('-', ' ');

/** Every problem code the fleet raises: the proto's codes (but unspecified), recorder-unavailable, and the dashboard's site-unreachable. */
export const CONDITION_CODES: readonly ConditionCode[] = (() => {
  const codes = new Set<string>();
  for (const value of Object.values(vigil.v1.Code)) {
    if (typeof value !== 'number' || value === vigil.v1.Code.CODE_UNSPECIFIED) continue;
    codes.add(codeName(value));
  }
  codes.add('recorder-unavailable');
  codes.add('site-unreachable');
  return [...codes].map((code) => ({ code, label: label(code), subject: CODE_SUBJECTS[code] ?? 'item' }));
})();

const KNOWN_CODES = new Set(CONDITION_CODES.map((c) => c.code));
export const isKnownCode = (code: string) => KNOWN_CODES.has(code);

export type Owner = { kind: 'noc' } | { kind: 'reseller'; username: string };

/** What a caller sends: a rule without id, owner and times; left out: forSeconds 0, scope everything, whenCovered lower, repeatMinutes 240, no channels, enabled. */
export interface RuleInput {
  name: string;
  condition: AlertCondition;
  scope?: Partial<AlertScope>;
  forSeconds?: number;
  severity: Severity;
  whenCovered?: WhenCovered;
  repeatMinutes?: number;
  channelIds?: number[];
  enabled?: boolean;
}

export interface Rule {
  id: number;
  name: string;
  condition: AlertCondition;
  scope: AlertScope;
  forSeconds: number;
  severity: Severity;
  whenCovered: WhenCovered;
  repeatMinutes: number;
  channelIds: number[];
  enabled: boolean;
  owner: Owner;
  createdAt: number;
  updatedAt: number;
  updatedBy: string;
}

export type ChannelInput =
  | { name: string; type: 'webhook'; config: { url: string; secret?: string; timeoutMs?: number }; enabled?: boolean }
  | { name: string; type: 'email'; config: { to?: string[]; users?: string[] }; enabled?: boolean };

/** As stored (and read by the engine): the webhook secret included. Never leaves the server. */
/** An e-mail channel's `users` are user names, resolved to their contact e-mails when a notification is sent. */
export type StoredChannelConfig = { url: string; secret: string; timeoutMs: number } | { to: string[]; users?: string[] };

export type PublicChannelConfig = { url: string; timeoutMs: number; secretSet: true } | { to: string[]; users: string[] };

export type ChannelTestStatus = 'waiting' | 'queued' | 'sent' | 'failed';

export interface ChannelTestView {
  id: number;
  requestedAt: number;
  requestedBy: string;
  status: ChannelTestStatus;
  error: string | null;
  at: number | null;
}

export interface Channel {
  id: number;
  name: string;
  type: 'webhook' | 'email';
  config: PublicChannelConfig;
  enabled: boolean;
  owner: Owner;
  status: { lastSuccessAt: number | null; lastFailureAt: number | null; lastError: string | null; lastTest?: ChannelTestView };
  /** What sending will skip as things stand (a user without a contact e-mail). */
  notes?: string[];
}

export const DEFAULT_WEBHOOK_TIMEOUT_MS = 10_000;

export interface SilenceInput {
  scope: AlertScope;
  ruleId?: number | null;
  startsAt?: number;
  endsAt: number;
  reason: string;
}

export interface Silence {
  id: number;
  scope: AlertScope;
  ruleId: number | null;
  startsAt: number;
  endsAt: number;
  reason: string;
  createdBy: string;
  createdAt: number;
  owner: Owner;
}

export type AlertView = 'firing' | 'acknowledged' | 'silenced' | 'resolved-today' | 'all';
export const ALERT_VIEWS: readonly AlertView[] = ['firing', 'acknowledged', 'silenced', 'resolved-today', 'all'];

export interface AlertEntry {
  id: number;
  ids: number[];
  rules: Array<{ id: number; name: string }>;
  state: 'pending' | 'firing' | 'resolved';
  severity: string;
  summary: string;
  conditionKey: string;
  target: { kind: 'recorder' | 'site'; id: string };
  recorder: { id: string; name: string } | null;
  site: { id: string; name: string } | null;
  installation: { slc: string; name: string } | null;
  pendingSince: number;
  firingSince: number | null;
  resolvedAt: number | null;
  inhibited: boolean;
  silenced: { id: number; reason: string; endsAt: number } | null;
  acknowledged: { by: string; at: number; comment: string } | null;
}

export interface AlertHistoryEntry extends AlertEntry {
  transitions: Array<{ at: number; state: string }>;
}

export type AuditEntity = 'rule' | 'channel' | 'silence' | 'user';

export interface AuditEntry {
  at: number;
  by: string;
  entity: AuditEntity;
  entityId: number;
  action: 'create' | 'update' | 'delete';
  before: unknown;
  after: unknown;
}

/** One row of alerts.db's read_v1_alerts, with the names the dashboard joins to it. */
export interface AlertRow {
  id: number;
  ruleId: number;
  targetKind: 'recorder' | 'site';
  targetId: string;
  recorderId: string | null;
  installationSlc: string;
  siteId: string;
  conditionKey: string;
  state: 'pending' | 'firing' | 'resolved';
  severity: string;
  summary: string;
  pendingSince: number;
  firingSince: number | null;
  resolvedAt: number | null;
  inhibited: number;
  recorderName: string | null;
  siteName: string | null;
  installationName: string | null;
}

export const severityAtLeast = (severity: Severity, floor: Severity): Severity =>
  SEVERITIES.indexOf(severity) >= SEVERITIES.indexOf(floor) ? severity : floor;

/** A scope matches a target: all lists empty means everything (the owner's visibility is checked apart). */
export function scopeMatches(scope: AlertScope, target: { installationSlc: string; siteId: string; recorderId: string | null }): boolean {
  if (scope.installations.length === 0 && scope.sites.length === 0 && scope.recorders.length === 0) return true;
  return (
    scope.installations.includes(target.installationSlc) ||
    scope.sites.includes(`${target.installationSlc}/${target.siteId}`) ||
    (target.recorderId !== null && scope.recorders.includes(target.recorderId))
  );
}
