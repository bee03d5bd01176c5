// Small DOM and formatting helpers shared by the views. Text always goes in as text nodes, never
// as HTML, so names coming from agents cannot inject markup.

/** h('a.link', { href }, 'text', child) -> element; 'form.cls#id' sets an id. Attributes starting with "on" become listeners. */
export function h(tag, attrs = {}, ...children) {
  const [selector, id] = tag.split('#');
  const [name, ...classes] = selector.split('.');
  const el = document.createElement(name || 'div');
  if (classes.length) el.className = classes.join(' ');
  if (id) el.id = id;
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key === 'class') el.className = [el.className, value].filter(Boolean).join(' ');
    else if (key === 'style') Object.assign(el.style, value);
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** replaceChildren that, like h(), skips null/false children instead of printing "null". */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
}

export const $ = (id) => document.getElementById(id);

/** Worst first: what needs someone's attention sorts to the top. */
export const STATE_ORDER = { offline: 0, unavailable: 1, degraded: 2, stopped: 3, online: 4 };
export const STATES = Object.keys(STATE_ORDER);
export const byState = (a, b) => (STATE_ORDER[a] ?? 9) - (STATE_ORDER[b] ?? 9);
export const worstOf = (states) => [...states].sort(byState)[0] ?? 'online';

/** Running and recording, possibly with problems. */
export const isUp = (state) => state === 'online' || state === 'degraded';
/** Failover cover matters only while the recorder itself is down. */
export const isCovered = (r) => Boolean(r.coveredBy) && !isUp(r.state);

export const STATE_LABEL = {
  offline: 'Offline',
  unavailable: 'Unavailable',
  degraded: 'Degraded',
  stopped: 'Stopped',
  online: 'Online',
};

export const stateBadge = (state, text) => h(`span.state.state-${state}`, { title: STATE_HINT[state] }, text ?? STATE_LABEL[state] ?? state);

const STATE_HINT = {
  offline: 'connection lost: the agent process or host went away',
  unavailable: 'missed 3 heartbeats: the recorder or its network is down',
  degraded: 'running, with active problems',
  stopped: 'the agent was shut down on purpose',
  online: 'healthy',
};

export function ago(ms) {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  if (s < 60) return `${s} s ago`;
  if (s < 3600) return `${Math.round(s / 60)} min ago`;
  if (s < 172_800) return `${Math.round(s / 3600)} h ago`;
  return `${Math.round(s / 86_400)} days ago`;
}

/** An element whose "x ago" text the app keeps current (see tickRelativeTimes). */
export const relTime = (ms) =>
  h('time.rel', { datetime: ms ? new Date(ms).toISOString() : undefined, title: ms ? dateTime(ms) : undefined, dataset: { ms: ms ?? '' } }, ago(ms));

export function tickRelativeTimes(root = document) {
  for (const el of root.querySelectorAll('time.rel')) el.textContent = ago(Number(el.dataset.ms) || 0);
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });
export const dateTime = (ms) => (ms ? dateFormat.format(new Date(ms)) : '–');
const timeFormat = new Intl.DateTimeFormat(undefined, { timeStyle: 'short' });
export const timeOfDay = (ms) => timeFormat.format(new Date(ms));

export function bytes(n) {
  if (n === undefined || n === null) return '–';
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let i = 0;
  let v = n;
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000;
    i++;
  }
  return `${v >= 100 || i === 0 ? Math.round(v) : v.toFixed(1)} ${units[i]}`;
}

/** "full within the hour" / "full in about 5 h" / "full in about 12 days"; null when not filling. */
export function timeToFull(days) {
  if (days === null || days === undefined) return null;
  if (days < 1 / 24) return 'full within the hour';
  if (days < 2) return `full in about ${Math.round(days * 24)} h`;
  return `full in about ${Math.round(days)} days`;
}

/** "camera-unreachable" -> "Camera unreachable". */
export const codeLabel = (code) => (code ? code.charAt(0).toUpperCase() + code.slice(1).replaceAll('-', ' ') : 'Any problem');

export const SEVERITIES = ['info', 'warning', 'error', 'critical'];

/**
 * What a problem's subject is like now, e.g. "now 97.6 % used" or "now 16 cameras, 12 licensed";
 * null when the API gave no current reading. The message says how it was when raised, so both are
 * shown; with time to full (the recorder's page) a forecast raised earlier is put right too.
 */
export function currentNote(problem) {
  const c = problem.current;
  if (!c) return null;
  if (typeof c.usedPercent === 'number') {
    let note = `now ${c.usedPercent.toFixed(1)} % used`;
    if (c.daysToFull === null) note += ', not filling';
    else if (typeof c.daysToFull === 'number') note += `, ${timeToFull(c.daysToFull)}`;
    return note;
  }
  if (typeof c.cameras === 'number') return `now ${c.cameras} cameras, ${c.licensed} licensed`;
  return null;
}

/**
 * A problem as a chip: severity in words (the colour only helps), code, subject, and the message as
 * text, not only in a tooltip keyboard and touch users never see.
 */
export function problemChip(problem, recorderId) {
  const subject = problem.subject && problem.subject !== recorderId ? problem.subject : '';
  const now = currentNote(problem);
  return h(
    `span.problem.sev-${problem.severity}`,
    { dataset: { code: problem.code } },
    h('span.sev-word', {}, problem.severity),
    codeLabel(problem.code),
    subject ? h('span.subject', {}, subject) : null,
    problem.count > 1 ? h('span.times', {}, `×${problem.count}`) : null,
    problem.message ? h('span.problem-msg', {}, problem.message) : null,
    now ? h('span.now', {}, now) : null,
  );
}

/**
 * Names each cell after its column (data-label), so a `table.stack` can show one row as a small
 * card on a phone (app.css) instead of scrolling sideways.
 */
export function labelCells(root) {
  for (const table of root.querySelectorAll('table.stack')) {
    const names = [...table.querySelectorAll('thead th')].map((th) => th.textContent.trim());
    for (const row of table.querySelectorAll('tbody tr')) {
      [...row.children].forEach((cell, i) => {
        if (cell.tagName === 'TD' && names[i] && !cell.dataset.label) cell.dataset.label = names[i];
      });
    }
  }
}

export const link = (href, ...children) => h('a', { href }, ...children);
export const recorderHref = (id) => `#/recorder/${encodeURIComponent(id)}`;
export const siteHref = (id) => `#/site/${encodeURIComponent(id)}`;

/**
 * Wraps an async refresh so that calls during a run collapse into one more run afterwards: a
 * burst of live events costs two fetches, not one per event, and the last state always wins.
 */
export function coalesce(fn) {
  let running = null;
  let again = false;
  const run = async () => {
    if (running) {
      again = true;
      return running;
    }
    running = (async () => {
      try {
        do {
          again = false;
          await fn();
        } while (again);
      } finally {
        running = null;
      }
    })();
    return running;
  };
  return run;
}
