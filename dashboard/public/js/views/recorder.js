// Recorder: its state over time, what is wrong now and recently, disks with usage history and
// time to full, services, cameras against licences, failover partner and the agent.
import { api } from '../api.js';
import {
  STATE_LABEL,
  bytes,
  codeLabel,
  coalesce,
  currentNote,
  dateTime,
  h,
  isCovered,
  isUp,
  timeOfDay,
  timeToFull,
  link,
  recorderHref,
  relTime,
  siteHref,
  stateBadge,
} from '../dom.js';
import { alertStateTag, severityTag } from './alerting.js';

/* global uPlot */

const RANGES = [
  { key: '1h', label: '1 h', ms: 3_600_000 },
  { key: '24h', label: '24 h', ms: 86_400_000 },
  { key: '7d', label: '7 days', ms: 7 * 86_400_000 },
];
let rangeKey = '24h';
const range = () => RANGES.find((r) => r.key === rangeKey) ?? RANGES[1];

const card = (name, title, ...body) => h(`section.card.card-${name}`, { dataset: { card: name } }, h('h2', {}, title), h('div.card-body', {}, ...body));

function header(r) {
  return [
    h('nav.crumbs', {}, link('#/fleet', 'Fleet'), ' › ', r.installation.name || r.installation.slc, ' › ', link(siteHref(r.site.id), r.site.name || r.site.id)),
    h(
      'div.page-head',
      {},
      h('h1', {}, r.name),
      stateBadge(r.state),
      h('span.muted', {}, 'since ', relTime(r.stateSince)),
      isCovered(r) ? h('span.covered', {}, `covered by ${r.coveredBy}`) : null,
      h('span.spacer'),
      h('span.muted.mono', {}, r.id),
    ),
  ];
}

/** Segments from the state changes, clipped to the window; before the first change is "no data". */
export function timelineSegments(changes, from, to) {
  const segments = [];
  const sorted = [...changes].sort((a, b) => a.since - b.since);
  let cursor = from;
  let state = null;
  for (const change of sorted) {
    if (change.since <= from) {
      state = change.state;
      continue;
    }
    if (change.since > to) break;
    segments.push({ state, from: cursor, to: change.since });
    cursor = change.since;
    state = change.state;
  }
  segments.push({ state, from: cursor, to });
  return segments.filter((s) => s.to > s.from);
}

function timeline(changes, from, to) {
  const span = to - from;
  const bar = h(
    'div.timeline',
    { role: 'img', 'aria-label': 'state over time' },
    timelineSegments(changes, from, to).map((s) =>
      h(`div.seg.state-${s.state ?? 'none'}`, {
        style: { width: `${((s.to - s.from) / span) * 100}%` },
        title: `${s.state ? (STATE_LABEL[s.state] ?? s.state) : 'no data'}: ${dateTime(s.from)} – ${dateTime(s.to)}`,
        dataset: { state: s.state ?? 'none' },
      }),
    ),
  );
  const label = span > 86_400_000 ? dateTime : timeOfDay;
  const ticks = h(
    'div.timeline-axis',
    {},
    [0, 0.25, 0.5, 0.75, 1].map((f) => h('span', {}, f === 1 ? 'now' : label(from + f * span))),
  );
  const recent = [...changes].sort((a, b) => b.since - a.since).slice(0, 5);
  const legend = h(
    'div.timeline-legend',
    {},
    ['online', 'degraded', 'unavailable', 'offline', 'stopped', 'none'].map((st) =>
      h('span', {}, h(`i.swatch.state-${st}`), st === 'none' ? 'no data' : STATE_LABEL[st]),
    ),
  );
  return [
    bar,
    ticks,
    legend,
    h(
      'ul.changes',
      {},
      recent.length
        ? recent.map((c) => h('li', {}, stateBadge(c.state), ' ', h('span.muted', {}, dateTime(c.since)), ' ', relTime(c.since)))
        : h('li.muted', {}, 'No state change in this period.'),
    ),
  ];
}

/** Its alerts in the period, newest first, each with how it went: pending, firing, resolved. */
function alertHistory(alerts) {
  if (alerts === null) return h('p.muted', {}, 'Alert history is not available.');
  if (alerts.length === 0) return h('p.ok', {}, 'No alert in this period.');
  const sorted = [...alerts].sort((a, b) => (b.pendingSince ?? 0) - (a.pendingSince ?? 0));
  return h(
    'ul.alert-history',
    {},
    sorted.map((a) =>
      h(
        'li',
        { dataset: { alertId: a.id, state: a.state, conditionKey: a.conditionKey } },
        h('div.alert-head', {}, severityTag(a.severity), alertStateTag(a.state), h('b', {}, a.summary)),
        h(
          'p.alert-meta',
          {},
          a.rules.length === 1 ? 'rule: ' : 'rules: ',
          a.rules.map((r) => r.name).join(', '),
          a.target?.kind === 'site' ? h('span.muted', {}, ' · for the whole site') : null,
          a.inhibited ? h('span.muted', {}, ' · inhibited by the site outage') : null,
        ),
        h(
          'ol.transitions',
          { 'aria-label': 'transitions' },
          [...(a.transitions ?? [])]
            .sort((x, y) => x.at - y.at)
            .map((t) =>
              h(
                'li',
                { dataset: { state: t.state } },
                h('span.t-state', {}, t.state),
                ' ',
                h('time', { datetime: new Date(t.at).toISOString() }, dateTime(t.at)),
              ),
            ),
        ),
        a.acknowledged
          ? h(
              'p.alert-note.note-ack',
              {},
              `Acknowledged by ${a.acknowledged.by} `,
              relTime(a.acknowledged.at),
              a.acknowledged.comment ? `: ${a.acknowledged.comment}` : '',
            )
          : null,
        a.silenced ? h('p.alert-note.note-silenced', {}, `Silenced until ${dateTime(a.silenced.endsAt)}: ${a.silenced.reason}`) : null,
      ),
    ),
  );
}

/** Who acknowledged the problem, when and why: it stays listed (and counts) until it clears. */
function acknowledgement(p) {
  const a = p.acknowledged;
  return h('div.ack', {}, `Acknowledged by ${a.by} `, relTime(a.at), a.comment ? `: ${a.comment}` : '');
}

/** NOC and admin: a comment and a button; the page refetches on success (and on the live event). */
function acknowledgeForm(recorderId, p, onDone) {
  const comment = h('input', { name: 'comment', maxlength: 1000, placeholder: 'what is being done (optional)', 'aria-label': 'comment' });
  const message = h('span.form-msg', { role: 'status' });
  return h(
    'form.ack-form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        try {
          await api.post(`/api/recorders/${encodeURIComponent(recorderId)}/problems/acknowledge`, {
            code: p.code,
            subject: p.subject,
            since: p.since,
            comment: comment.value,
          });
          onDone();
        } catch (error) {
          message.className = 'form-msg bad';
          message.textContent = error.message;
        }
      },
    },
    comment,
    h('button.ghost', { type: 'submit' }, 'Acknowledge'),
    message,
  );
}

function problemsTable(r, canAcknowledge, onAcknowledged) {
  const stateProblems = r.problems.filter((p) => p.kind === 'state');
  const conditions = r.problems.filter((p) => p.kind === 'condition');
  const events = r.problems.filter((p) => p.kind === 'event').sort((a, b) => (b.lastSeen ?? b.since) - (a.lastSeen ?? a.since));
  const rows = [...stateProblems, ...conditions, ...events];
  if (rows.length === 0) return h('p.ok', {}, 'No active or recent problems.');
  // Stacked on phones (app.css): five columns and the acknowledge form do not fit 390 px.
  return h(
    'table.problems-table.stack',
    {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Problem'), h('th', {}, 'Status'), h('th.num', {}, 'Count'), h('th', {}, 'First seen'), h('th', {}, 'Last seen'))),
    h(
      'tbody',
      {},
      rows.map((p) =>
        h(
          'tr',
          { dataset: { code: p.code, kind: p.kind } },
          h(
            'td',
            {},
            severityTag(p.severity),
            ' ',
            h('b', {}, codeLabel(p.code)),
            p.subject && p.subject !== r.id ? h('span.subject', {}, p.subject) : null,
            // As raised, then as it is now: a drive's problem outlives the figure in its message.
            h('div.msg', {}, p.message, currentNote(p) ? [' · ', h('span.now', {}, currentNote(p))] : null),
            p.acknowledged ? acknowledgement(p) : canAcknowledge ? acknowledgeForm(r.id, p, onAcknowledged) : null,
          ),
          h(
            'td',
            { dataset: { label: 'Status' } },
            p.acknowledged
              ? h('span.tag.tag-ack', { title: `acknowledged by ${p.acknowledged.by}` }, 'acknowledged')
              : p.kind === 'event'
                ? h('span.tag.tag-active', { title: p.clearsAt ? `clears ${dateTime(p.clearsAt)} unless it happens again` : '' }, 'active')
                : h('span.tag.tag-active', {}, 'active'),
          ),
          h('td.num', { dataset: { label: 'Count' } }, p.count ?? 1),
          h('td.when', { dataset: { label: 'First seen' } }, relTime(p.since)),
          h('td.when', { dataset: { label: 'Last seen' } }, p.kind === 'event' ? relTime(p.lastSeen ?? p.since) : h('span.muted', {}, 'still active')),
        ),
      ),
    ),
  );
}

function diskSummary(d) {
  const level = d.usedPercent >= 90 ? 'bad' : d.usedPercent >= 80 ? 'warn' : 'ok';
  const toFull = timeToFull(d.daysToFull);
  return h(
    'div.disk',
    { dataset: { path: d.path } },
    h('div.disk-head', {}, h('span.mono', {}, d.path), h('span.spacer'), h(`b.pct.${level}`, {}, `${d.usedPercent.toFixed(1)} %`)),
    h('div.meter', {}, h(`div.fill.${level}`, { style: { width: `${Math.min(100, d.usedPercent)}%` } })),
    h(
      'div.disk-foot.muted',
      {},
      `${bytes(d.freeBytes)} free of ${bytes(d.totalBytes)}`,
      ' · ',
      toFull ? h(`span.${d.daysToFull < 7 ? 'bad' : 'warn'}`, {}, toFull) : 'not filling up',
      ' · measured ',
      relTime(d.at),
    ),
    h('div.chart', { dataset: { chartFor: d.path } }),
  );
}

function drawChart(el, points, from, to) {
  const width = Math.max(200, el.clientWidth || 400);
  const xs = points.map(([t]) => t / 1000);
  const ys = points.map(([, v]) => v);
  const chart = new uPlot(
    {
      width,
      height: 130,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      scales: { x: { time: true, range: () => [from / 1000, to / 1000] }, y: { range: [0, 100] } },
      axes: [
        { stroke: '#5b6675', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#e2e6ec' }, font: '11px system-ui' },
        {
          stroke: '#5b6675',
          grid: { stroke: '#eef1f5' },
          ticks: { stroke: '#e2e6ec' },
          font: '11px system-ui',
          size: 50,
          splits: () => [0, 25, 50, 75, 100],
          values: (_u, vals) => vals.map((v) => `${v} %`),
        },
      ],
      series: [{}, { label: 'used', stroke: '#2563eb', width: 1.5, fill: 'rgba(37, 99, 235, 0.10)', points: { show: points.length < 40 } }],
    },
    [xs, ys],
    el,
  );
  return chart;
}

function services(list) {
  if (!list?.length) return h('p.muted', {}, 'No services watched.');
  return h(
    'ul.services',
    {},
    [...list]
      .sort((a, b) => Number(a.running) - Number(b.running) || a.name.localeCompare(b.name))
      .map((s) =>
        h(
          'li',
          { dataset: { service: s.name, running: String(s.running) } },
          h(`i.dot.${s.running ? 'state-online' : 'state-offline'}`),
          h('span.svc-name', {}, s.name),
          h('span.spacer'),
          h(s.running ? 'span.muted' : 'b.bad', {}, s.running ? 'running' : 'stopped'),
        ),
      ),
  );
}

function cameras(c) {
  if (!c) return h('p.muted', {}, 'Not reported yet.');
  const over = c.count - c.licensed;
  const pct = c.licensed ? Math.min(100, (c.count / c.licensed) * 100) : 100;
  return [
    h('div.big', {}, h('b', { dataset: { cameras: c.count } }, c.count), h('span.muted', {}, ` cameras / ${c.licensed} licensed`)),
    h('div.meter', {}, h(`div.fill.${over > 0 ? 'bad' : 'ok'}`, { style: { width: `${pct}%` } })),
    over > 0
      ? h('p.bad', {}, `${over} camera${over === 1 ? '' : 's'} over the licence: ${over === 1 ? 'it is' : 'they are'} not recorded.`)
      : h('p.muted', {}, `${c.licensed - c.count} licence${c.licensed - c.count === 1 ? '' : 's'} spare.`),
  ];
}

function failover(r) {
  const f = r.failover ?? { partner: r.failoverPartner, partnerState: null, covered: Boolean(r.coveredBy) };
  if (!f.partner) return h('p.muted', {}, 'No failover partner.');
  return h(
    'dl.facts',
    {},
    h('dt', {}, 'Partner'),
    h('dd', {}, link(recorderHref(f.partner), f.partner)),
    h('dt', {}, 'Partner state'),
    h('dd', {}, f.partnerState ? stateBadge(f.partnerState) : h('span.muted', {}, 'unknown')),
    h('dt', {}, 'Covered'),
    h('dd', {}, coverText(r, f)),
  );
}

function coverText(r, f) {
  const down = !isUp(r.state);
  if (down) return f.covered ? h('span.ok', {}, 'yes: the partner records in its place') : h('b.bad', {}, 'no: the partner is down too');
  return f.covered ? h('span.muted', {}, 'ready: the partner is healthy') : h('span.warn', {}, 'no: the partner is not healthy');
}

function agent(r) {
  const vms = [r.vmsProduct, r.vmsVersion].filter(Boolean).join(' ');
  return h(
    'dl.facts',
    {},
    h('dt', {}, 'Agent'),
    h('dd', {}, r.agentVersion || '–'),
    h('dt', {}, 'VMS'),
    h('dd', {}, vms || '–'),
    h('dt', {}, 'Host'),
    h('dd.mono', {}, r.hostname || '–'),
    r.clockOffsetMs ? [h('dt', {}, 'Clock'), h('dd.warn', {}, clockText(r.clockOffsetMs))] : null,
    h('dt', {}, 'Last seen'),
    h('dd', {}, relTime(r.lastSeen), r.lastSeen ? h('span.muted', {}, ` (${dateTime(r.lastSeen)})`) : null),
    h('dt', {}, 'Installation'),
    h('dd', {}, r.installation.name || '–', h('span.muted.mono', {}, ` ${r.installation.slc}`)),
  );
}

/** The agent's clock offset as people read it: "1 d 0 h ahead; times corrected". */
function clockText(ms) {
  const s = Math.round(Math.abs(ms) / 1000);
  const [d, hours, min] = [Math.floor(s / 86_400), Math.floor((s % 86_400) / 3_600), Math.floor((s % 3_600) / 60)];
  const size = d > 0 ? `${d} d ${hours} h` : hours > 0 ? `${hours} h ${min} min` : `${min} min ${s % 60} s`;
  return `${size} ${ms < 0 ? 'ahead' : 'behind'}; times corrected`;
}

function rangePicker(onPick) {
  return h(
    'div.range',
    { role: 'group', 'aria-label': 'period' },
    RANGES.map((r) =>
      h('button.ghost', { type: 'button', 'aria-pressed': String(r.key === rangeKey), dataset: { range: r.key }, onclick: () => onPick(r.key) }, r.label),
    ),
  );
}

export const recorderView = {
  section: 'recorder',
  title: 'Recorder',
  mount(section, { user, params: [recorderId] }) {
    const canAcknowledge = user.role === 'noc' || user.role === 'admin';
    const base = `/api/recorders/${encodeURIComponent(recorderId)}`;
    let charts = [];
    let detail;
    let disposed = false;
    // Asked once before anything else: one the caller cannot see (another reseller's, or removed)
    // is "not found" after a single answer, not after three 404s in the console.
    let known = false;
    section.replaceChildren(h('p.muted', {}, 'Loading…'));

    const slots = {
      head: h('div.head'),
      timeline: h('div'),
      problems: h('div'),
      alerts: h('div'),
      disks: h('div'),
      services: h('div'),
      cameras: h('div'),
      failover: h('div'),
      agent: h('div'),
    };
    const pickRange = (key) => {
      rangeKey = key;
      layout();
      refreshAll().catch(() => undefined);
    };
    const layout = () =>
      section.replaceChildren(
        slots.head,
        h(
          'div.recorder-grid',
          {},
          h(
            'section.card.card-timeline',
            { dataset: { card: 'timeline' } },
            h('div.card-title', {}, h('h2', {}, 'State'), h('span.spacer'), rangePicker(pickRange)),
            slots.timeline,
          ),
          h(
            'div.main-col',
            {},
            card('problems', 'Active and recent problems', slots.problems),
            card('alerts', 'Alerts in this period', slots.alerts),
            card('disks', 'Disks', slots.disks),
          ),
          h(
            'div.side',
            {},
            card('services', 'Services', slots.services),
            card('cameras', 'Cameras and licences', slots.cameras),
            card('failover', 'Failover', slots.failover),
            card('agent', 'Agent', slots.agent),
          ),
        ),
      );

    const renderDetail = (r) => {
      slots.head.replaceChildren(...header(r));
      slots.problems.replaceChildren(problemsTable(r, canAcknowledge, () => refreshState().catch(() => undefined)));
      slots.services.replaceChildren(services(r.services));
      slots.cameras.replaceChildren(...[cameras(r.cameras)].flat());
      slots.failover.replaceChildren(failover(r));
      slots.agent.replaceChildren(agent(r));
      document.title = `Vigil · ${r.name}`;
    };

    const renderDisks = (disks, history, from, to) => {
      for (const c of charts) c.destroy();
      charts = [];
      if (!disks?.length) {
        slots.disks.replaceChildren(h('p.muted', {}, 'No disks reported yet.'));
        return;
      }
      slots.disks.replaceChildren(...disks.map(diskSummary));
      for (const d of disks) {
        const el = slots.disks.querySelector(`[data-chart-for="${CSS.escape(d.path)}"]`);
        const points = history.find((s) => s.path === d.path)?.points ?? [];
        if (points.length === 0) {
          el.replaceChildren(h('p.muted.small', {}, 'No history in this period.'));
          continue;
        }
        charts.push(drawChart(el, points, from, to));
      }
    };

    const period = () => {
      const to = Date.now();
      return { from: to - range().ms, to };
    };

    const alertsOf = (from, to) =>
      api
        .get(`${base}/alerts?from=${from}&to=${to}`)
        .then((r) => r.alerts)
        .catch(() => null);
    const refreshAlerts = coalesce(async () => {
      const { from, to } = period();
      const alerts = await alertsOf(from, to);
      if (!disposed) slots.alerts.replaceChildren(alertHistory(alerts));
    });

    /** On a live event only the state and problems can have changed: the charts stay as they are. */
    const refreshState = coalesce(async () => {
      if (!known) return;
      const { from, to } = period();
      const [r, tl] = await Promise.all([api.get(base), api.get(`${base}/timeline?from=${from}&to=${to}`).catch(() => ({ changes: [] }))]);
      if (disposed) return;
      detail = r;
      renderDetail(r);
      slots.timeline.replaceChildren(...timeline(tl.changes, from, to));
    });

    const refreshAll = coalesce(async () => {
      if (!known) {
        const { visible } = await api.get(`${base}/visible`);
        if (!visible) throw Object.assign(new Error(`no recorder "${recorderId}"`), { status: 404 });
        known = true;
      }
      const { from, to } = period();
      const [r, tl, hist, alerts] = await Promise.all([
        api.get(base),
        api.get(`${base}/timeline?from=${from}&to=${to}`).catch(() => ({ changes: [] })),
        api.get(`${base}/disks/history?from=${from}&to=${to}`).catch(() => ({ series: [] })),
        alertsOf(from, to),
      ]);
      if (disposed) return;
      if (!slots.head.isConnected) layout();
      detail = r;
      renderDetail(r);
      slots.timeline.replaceChildren(...timeline(tl.changes, from, to));
      renderDisks(r.disks, hist.series, from, to);
      slots.alerts.replaceChildren(alertHistory(alerts));
    });

    // Problems that do not change the recorder's state send no live event: look again every 10 s.
    const poll = setInterval(() => {
      if (document.visibilityState === 'visible') refreshState().catch(() => undefined);
    }, 10_000);
    return {
      refresh: refreshAll,
      onEvent: (event) => {
        // The partner's state matters here too (failover cover), so its events count.
        if (!event?.id || event.id === recorderId || event.id === detail?.failoverPartner) refreshState().catch(() => undefined);
      },
      onAlerts: () => (known ? refreshAlerts().catch(() => undefined) : undefined),
      unmount: () => {
        disposed = true;
        clearInterval(poll);
        for (const c of charts) c.destroy();
      },
    };
  },
};
