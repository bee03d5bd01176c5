import { highestSeverity, problemName, type AlertNotice, type Notification } from './types.js';

/** An e-mail as the sender hands it to nodemailer. */
export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

const KIND_WORDS: Record<Notification['kind'], string> = { firing: 'FIRING', repeat: 'STILL FIRING', resolved: 'RESOLVED', test: 'TEST' };

/**
 * Names come from the fleet (an agent reports its recorder's and site's names), so they are
 * someone else's text: control characters, line and paragraph separators and bidirectional
 * overrides would let a name forge lines of a header or body, or reorder what is shown.
 */
export function cleanText(text: string, max = 120): string {
  const flat = text.replace(/[\p{Cc}\u2028\u2029\u202a-\u202e\u2066-\u2069]+/gu, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const installationName = (alert: AlertNotice) => (alert.installation ? cleanText(alert.installation.name || alert.installation.slc) : null);
const siteName = (alert: AlertNotice) => (alert.site ? cleanText(alert.site.name || alert.site.id) : null);
const recorderName = (alert: AlertNotice) => (alert.recorder ? cleanText(alert.recorder.name || alert.recorder.id) : null);

/** Customer / site / recorder, as far as known. */
function place(alert: AlertNotice): string {
  const parts = [installationName(alert), siteName(alert), alert.target.kind === 'recorder' ? (recorderName(alert) ?? cleanText(alert.target.id)) : null];
  return parts.filter((part): part is string => !!part).join(' / ') || cleanText(alert.target.id);
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

/** What the alerts share: the customer, and the site when it is one. */
function commonPlace(alerts: readonly AlertNotice[]): string | null {
  const first = alerts[0];
  if (!first?.installation || alerts.some((a) => a.installation?.slc !== first.installation?.slc)) return null;
  const sameSite = first.site !== null && alerts.every((a) => a.site?.id === first.site?.id);
  return [installationName(first), sameSite ? siteName(first) : null].filter(Boolean).join(' / ');
}

function problems(alerts: readonly AlertNotice[]): string {
  return [...new Set(alerts.map((a) => cleanText(problemName(a.conditionKey))))].join(', ');
}

/**
 * `[Vigil] FIRING critical: drive-full — Acme Retail / Store 12 / rec-001`, or for a group
 * `[Vigil] FIRING error: 3 recorders at Acme Retail / Store 12: recorder-unavailable`.
 */
export function emailSubject(notification: Notification): string {
  const kind = KIND_WORDS[notification.kind];
  const alerts = notification.alerts;
  const only = alerts[0];
  if (!only) return `[Vigil] ${kind}: this channel works`;
  const head = `[Vigil] ${kind} ${highestSeverity(alerts)}`;
  if (alerts.length === 1) return `${head}: ${problems(alerts)} — ${place(only)}`;
  const sites = alerts.filter((a) => a.target.kind === 'site').length;
  const recorders = alerts.length - sites;
  const count = [sites ? plural(sites, 'site') : '', recorders ? plural(recorders, 'recorder') : ''].filter(Boolean).join(' and ');
  const at = commonPlace(alerts);
  return `${head}: ${count}${at ? ` at ${at}` : ''}: ${problems(alerts)}`;
}

const when = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace('T', ' ')} UTC`;

/** Label and value rows describing one alert; values already cleaned. */
function rows(alert: AlertNotice): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (alert.installation) out.push(['Customer', `${installationName(alert)} (SLC ${cleanText(alert.installation.slc)})`]);
  if (alert.site) out.push(['Site', siteName(alert) ?? '']);
  if (alert.recorder)
    out.push([
      'Recorder',
      `${recorderName(alert)}${alert.recorder.name && alert.recorder.name !== alert.recorder.id ? ` (${cleanText(alert.recorder.id)})` : ''}`,
    ]);
  out.push(['Problem', cleanText(alert.summary, 500) || cleanText(problemName(alert.conditionKey))]);
  out.push(['Since', when(alert.since)]);
  if (alert.resolvedAt !== null) out.push(['Resolved', when(alert.resolvedAt)]);
  out.push(['Rule', cleanText(alert.ruleName)]);
  return out;
}

/** Only links to web pages are offered to click. */
function safeLink(link: string | null): string | null {
  const url = link ? URL.parse(link) : null;
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? url.href : null;
}

const footer = (notification: Notification) =>
  `Sent by Vigil. Notification ${notification.id}: a message sent again after a failed attempt carries the same number.`;

export function emailText(notification: Notification): string {
  const lines: string[] = [];
  if (notification.alerts.length === 0) {
    lines.push('This is a test from Vigil: this channel can deliver alert notifications.');
  }
  for (const alert of notification.alerts) {
    lines.push(`${alert.state.toUpperCase()} ${alert.severity}: ${cleanText(problemName(alert.conditionKey))} — ${place(alert)}`);
    for (const [label, value] of rows(alert)) lines.push(`  ${`${label}:`.padEnd(10)} ${value}`);
    const link = safeLink(alert.link);
    if (link) lines.push(`  ${'Open:'.padEnd(10)} ${link}`);
    lines.push('');
  }
  lines.push('--', footer(notification));
  return `${lines.join('\n')}\n`;
}

const SEVERITY_COLOURS: Record<AlertNotice['severity'], string> = { info: '#2563eb', warning: '#b45309', error: '#dc2626', critical: '#7f1d1d' };

export function emailHtml(notification: Notification): string {
  const parts: string[] = [];
  if (notification.alerts.length === 0) parts.push('<p>This is a test from Vigil: this channel can deliver alert notifications.</p>');
  for (const alert of notification.alerts) {
    const colour = alert.state === 'resolved' ? '#15803d' : SEVERITY_COLOURS[alert.severity];
    const title = `${alert.state.toUpperCase()} ${alert.severity}: ${cleanText(problemName(alert.conditionKey))} — ${place(alert)}`;
    const link = safeLink(alert.link);
    parts.push(
      `<table style="border-collapse:collapse;margin:0 0 16px 0;border-left:4px solid ${colour};font-family:sans-serif;font-size:14px">`,
      `<tr><th colspan="2" style="text-align:left;padding:4px 8px;color:${colour}">${escapeHtml(title)}</th></tr>`,
      ...rows(alert).map(
        ([label, value]) => `<tr><td style="padding:2px 8px;color:#555">${escapeHtml(label)}</td><td style="padding:2px 8px">${escapeHtml(value)}</td></tr>`,
      ),
      link ? `<tr><td></td><td style="padding:2px 8px"><a href="${escapeHtml(link)}">Open in Vigil</a></td></tr>` : '',
      '</table>',
    );
  }
  parts.push(`<p style="color:#777;font-family:sans-serif;font-size:12px">${escapeHtml(footer(notification))}</p>`);
  return `<!doctype html>\n<html><body>\n${parts.filter(Boolean).join('\n')}\n</body></html>\n`;
}

export function emailContent(notification: Notification): EmailContent {
  return { subject: emailSubject(notification), text: emailText(notification), html: emailHtml(notification) };
}
