/** One alert in a notification. */
export interface AlertNotice {
  id: number;
  ruleId: number;
  ruleName: string;
  state: 'firing' | 'resolved';
  severity: 'info' | 'warning' | 'error' | 'critical';
  /** e.g. "drive-full D:\: drive 96.1 % full" */
  summary: string;
  conditionKey: string;
  target: { kind: 'recorder' | 'site'; id: string };
  recorder: { id: string; name: string } | null;
  site: { id: string; name: string } | null;
  /** The customer. */
  installation: { slc: string; name: string } | null;
  since: number;
  resolvedAt: number | null;
  /** The dashboard page of the recorder or site, when the dashboard's address is known. */
  link: string | null;
}

export interface Notification {
  /** The queue row's id: receivers may use it to spot a notification sent twice (at least once). */
  id: number;
  kind: 'firing' | 'resolved' | 'repeat' | 'test';
  createdAt: number;
  /** Grouped: one notification may list many targets. */
  alerts: AlertNotice[];
}

export interface ChannelSender {
  send(notification: Notification, signal: AbortSignal): Promise<void>;
}

/** A delivery that failed; the message never holds a secret (password, HMAC secret, URL credentials or query). */
export class ChannelError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
  ) {
    super(message);
    this.name = 'ChannelError';
  }
}
