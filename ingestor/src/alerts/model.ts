/**
 * What the alert engine works with (docs/DESIGN.md "Alerting"): rules, channels and silences as
 * the dashboard publishes them in dashboard.db's read_v1 views, and the alerts it keeps in alerts.db.
 */
import type { RecorderStateName } from '../registry/fleet-db.js';
import { ALERT_SEVERITIES, type AlertSeverity } from './channels/types.js';

export { ALERT_SEVERITIES, type AlertSeverity };

/** The states a rule may name (online is what no rule is about). */
export const ALERT_STATES = ['unavailable', 'offline', 'degraded', 'stopped'] as const satisfies readonly RecorderStateName[];
export type AlertStateName = (typeof ALERT_STATES)[number];
export const ALERT_METRICS = ['disk-used-percent', 'licence-use-percent'] as const;
export type AlertMetric = (typeof ALERT_METRICS)[number];

/** Problem codes the fleet side raises itself, beside the agents' codes. */
export const RECORDER_UNAVAILABLE = 'recorder-unavailable';
export const SITE_UNREACHABLE = 'site-unreachable';

export type RuleCondition =
  | { kind: 'problem'; code?: string; minSeverity?: AlertSeverity }
  | { kind: 'state'; states: AlertStateName[] }
  | { kind: 'metric'; metric: AlertMetric; above: number };

export interface AlertScope {
  installations: string[];
  sites: string[];
  recorders: string[];
}

export interface AlertRule {
  id: number;
  name: string;
  /** null: a NOC rule, over every installation. */
  ownerResellerId: number | null;
  condition: RuleCondition;
  scope: AlertScope;
  forMs: number;
  severity: AlertSeverity;
  whenCovered: 'lower' | 'skip' | 'same';
  repeatMs: number;
  channelIds: number[];
}

/** An e-mail channel's `users` are user names of dashboard.db, sent to at their contact e-mail as it is at send time. */
export type ChannelConfig = { type: 'webhook'; url: string; secret: string; timeoutMs: number } | { type: 'email'; to: string[]; users: string[] };

export interface AlertChannel {
  id: number;
  name: string;
  ownerResellerId: number | null;
  config: ChannelConfig;
  enabled: boolean;
}

export interface Silence {
  id: number;
  ownerResellerId: number | null;
  scope: AlertScope;
  ruleId: number | null;
  startsAt: number;
  endsAt: number;
  reason: string;
}

export type AlertState = 'pending' | 'firing' | 'resolved';
export type TargetKind = 'recorder' | 'site';

/** What an alert is about, and what makes two rules' alerts the same problem. */
export interface AlertMatch {
  ruleId: number;
  targetKind: TargetKind;
  /** A recorder id, or `SLC/siteId`. */
  targetId: string;
  recorderId: string | null;
  installationSlc: string;
  siteId: string;
  conditionKey: string;
  severity: AlertSeverity;
  summary: string;
  /** The subjects (drives, cameras, services) or members the condition holds for, sorted. */
  subjects: string[];
  /** A recorder's down alert while its whole site is unreachable: kept, never notified. */
  inhibited: boolean;
}

export interface OpenAlert extends AlertMatch {
  id: number;
  state: Exclude<AlertState, 'resolved'>;
  pendingSince: number;
  firingSince: number | null;
  /** Raised by a backfill: waits, pending, until its recorder has caught up. */
  held: boolean;
  lastNotifiedAt: number | null;
  notifiedCount: number;
}

export function lowerSeverity(severity: AlertSeverity): AlertSeverity {
  return ALERT_SEVERITIES[Math.max(0, ALERT_SEVERITIES.indexOf(severity) - 1)] as AlertSeverity;
}

export function severityRank(severity: string): number {
  return (ALERT_SEVERITIES as readonly string[]).indexOf(severity);
}

/** The alert's key while open: one per rule and target. */
export const openKey = (ruleId: number, targetKind: TargetKind, targetId: string) => `${ruleId}\u0000${targetKind}\u0000${targetId}`;
