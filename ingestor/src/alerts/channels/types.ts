/** One alert in a notification: what a receiver needs to know without asking Vigil. */
export interface AlertNotice {
  id: number;
  ruleId: number;
  ruleName: string;
  state: 'firing' | 'resolved';
  severity: AlertSeverity;
  /** E.g. `drive-full on D:\ (96.1 %)`. */
  summary: string;
  /** `problem:<code>`, `state:down`, `state:<state>`, `metric:<metric>` (docs/DESIGN.md "Alerting"). */
  conditionKey: string;
  target: { kind: 'recorder' | 'site'; id: string };
  recorder: { id: string; name: string } | null;
  site: { id: string; name: string } | null;
  /** The customer. */
  installation: { slc: string; name: string } | null;
  /** Milliseconds since the epoch. */
  since: number;
  resolvedAt: number | null;
  /** The dashboard page of the recorder or site, when the dashboard's address is known. */
  link: string | null;
}

export const ALERT_SEVERITIES = ['info', 'warning', 'error', 'critical'] as const;
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number];

export const NOTIFICATION_KINDS = ['firing', 'resolved', 'repeat', 'test'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

export interface Notification {
  /** The queue row: the same on every retry, so receivers can drop what they already have. */
  id: number;
  kind: NotificationKind;
  createdAt: number;
  /** Grouped: one notification may list many targets (none for a test). */
  alerts: AlertNotice[];
}

export interface ChannelSender {
  /** Resolves once the receiver has taken the notification; rejects with a ChannelError. */
  send(notification: Notification, signal: AbortSignal): Promise<void>;
}

/**
 * Why a channel could not deliver. The message is shown in the dashboard, logged and kept in
 * alerts.db, so it never holds a secret: no password, no HMAC secret, no URL credentials, path
 * or query (a webhook's path often is its token).
 */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';

  constructor(
    message: string,
    /** Worth trying again later (server down, busy, timed out); false: a setting must change first. */
    readonly retryable: boolean,
    /** A short stable word for metrics labels: `timeout`, `network`, `http-5xx`, `auth`, ... */
    readonly reason: string = 'error',
  ) {
    super(message);
  }
}

/** For the channel that has nothing to send with: e-mail without `VIGIL_SMTP_URL`. */
export function unavailableSender(message: string, reason = 'not-configured'): ChannelSender {
  return {
    send: async () => {
      throw new ChannelError(message, false, reason);
    },
  };
}

/** The problem a condition key names, as people write it: `problem:drive-full` -> `drive-full`, `state:down` -> `down`. */
export function problemName(conditionKey: string): string {
  const colon = conditionKey.indexOf(':');
  return colon < 0 ? conditionKey : conditionKey.slice(colon + 1);
}

/** The most severe of the alerts' severities (`info` for none). */
export function highestSeverity(alerts: readonly AlertNotice[]): AlertSeverity {
  let best = 0;
  for (const alert of alerts) best = Math.max(best, ALERT_SEVERITIES.indexOf(alert.severity));
  return ALERT_SEVERITIES[best] ?? 'info';
}
