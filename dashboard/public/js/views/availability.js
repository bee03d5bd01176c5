// Availability: per recorder, site, installation or reseller over a period, as a percentage, worst
// first and sortable; a row opens its daily chart and its outages. Period, grouping, sort and the
// open row live in the URL (#/availability?period=7d&by=site&sort=percent&open=…), so a view can
// be shared.
/* global uPlot */
import { api } from '../api.js';
import { dateTime, fill, h, link, recorderHref, siteHref } from '../dom.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const PERIODS = { '24h': 'Last 24 hours', '7d': 'Last 7 days', '30d': 'Last 30 days', month: 'A month', custom: 'Custom' };
const GROUPINGS = { recorder: 'Recorder', site: 'Site', installation: 'Installation', reseller: 'Reseller' };
const SORTS = { percent: 'Availability', downtime: 'Downtime', outages: 'Outages', name: 'Name' };
/** Rows drawn at first: a NOC fleet has 10,000 recorders, the worst are what matter. */
const PAGE = 200;
const OUTAGES_SHOWN = 200;

/** "3 h 05 min", "12 min", "40 s". */
export function duration(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const hrs = Math.floor(m / 60);
  if (hrs < 48) return `${hrs} h ${String(m % 60).padStart(2, '0')} min`;
  return `${Math.floor(hrs / 24)} d ${hrs % 24} h`;
}

const pct = (p) => (p === null ? '–' : p >= 99.995 && p < 100 ? '99.99 %' : `${p.toFixed(2)} %`);
const level = (p) => (p === null ? 'muted' : p >= 99.5 ? 'ok' : p >= 95 ? 'warn' : 'bad');
const pad = (n) => String(n).padStart(2, '0');
const isoDate = (d) => `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
const localMidnight = (iso) => {
  const [y, m, d] = iso.split('-').map(Number);
  return new Date(y, m - 1, d).getTime();
};

function readState() {
  const query = new URLSearchParams(location.hash.split('?')[1] ?? '');
  const pick = (key, allowed, fallback) => (Object.hasOwn(allowed, query.get(key) ?? '') ? query.get(key) : fallback);
  const now = new Date();
  const lastMonth = new Date(now.getFullYear(), now.getMonth() - 1, 1);
  return {
    period: pick('period', PERIODS, '7d'),
    by: pick('by', GROUPINGS, 'recorder'),
    sort: pick('sort', SORTS, 'percent'),
    desc: query.get('dir') === 'desc',
    month: /^\d{4}-\d{2}$/.test(query.get('month') ?? '') ? query.get('month') : `${lastMonth.getFullYear()}-${pad(lastMonth.getMonth() + 1)}`,
    from: /^\d{4}-\d{2}-\d{2}$/.test(query.get('from') ?? '') ? query.get('from') : isoDate(new Date(Date.now() - 7 * DAY)),
    to: /^\d{4}-\d{2}-\d{2}$/.test(query.get('to') ?? '') ? query.get('to') : isoDate(now),
    open: query.get('open') ?? undefined,
  };
}

function writeState(state) {
  const query = new URLSearchParams({ period: state.period, by: state.by, sort: state.sort });
  if (state.desc) query.set('dir', 'desc');
  if (state.period === 'month') query.set('month', state.month);
  if (state.period === 'custom') {
    query.set('from', state.from);
    query.set('to', state.to);
  }
  if (state.open) query.set('open', state.open);
  history.replaceState(null, '', `#/availability?${query}`);
}

/** [from, to] in ms for the chosen period; to is "now" for the rolling ones. */
function rangeOf(state) {
  const now = Date.now();
  if (state.period === '24h') return { from: now - DAY, to: now };
  if (state.period === '7d') return { from: now - 7 * DAY, to: now };
  if (state.period === '30d') return { from: now - 30 * DAY, to: now };
  if (state.period === 'month') {
    const [y, m] = state.month.split('-').map(Number);
    return { from: new Date(y, m - 1, 1).getTime(), to: Math.min(now, new Date(y, m, 1).getTime()) };
  }
  const from = localMidnight(state.from);
  // The "to" date is the last day included.
  const to = Math.min(now, localMidnight(state.to) + DAY);
  return { from, to: Math.max(from, to) };
}

const SORTERS = {
  percent: (a, b) => (a.availablePercent ?? 101) - (b.availablePercent ?? 101),
  downtime: (a, b) => b.downMs - a.downMs,
  outages: (a, b) => b.outages - a.outages || b.longestOutageMs - a.longestOutageMs,
  name: (a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id),
};

function sorted(rows, state) {
  const by = SORTERS[state.sort];
  const list = [...rows].sort((a, b) => by(a, b) || a.name.localeCompare(b.name));
  return state.desc ? list.reverse() : list;
}

function whereOf(row, by) {
  if (by === 'recorder') return `${row.site?.name ?? ''} · ${row.installation?.name ?? ''}`;
  if (by === 'site') return row.installation?.name ?? '';
  if (by === 'installation') return row.id;
  return `${row.recorders} recorder${row.recorders === 1 ? '' : 's'}`;
}

function controls(state, user, onChange) {
  const select = (name, label, options, value) =>
    h(
      'label.field',
      {},
      `${label} `,
      h(
        'select',
        { name, onchange: (e) => onChange({ [name]: e.target.value }) },
        Object.entries(options).map(([key, text]) => h('option', { value: key, selected: key === value }, text)),
      ),
    );
  // A reseller's own fleet is one reseller: the grouping is for NOC.
  const groupings = user.role === 'reseller' ? Object.fromEntries(Object.entries(GROUPINGS).filter(([key]) => key !== 'reseller')) : GROUPINGS;
  return h(
    'form.toolbar.avail-controls',
    { 'aria-label': 'period and grouping', onsubmit: (e) => e.preventDefault() },
    select('period', 'Period', PERIODS, state.period),
    state.period === 'month'
      ? h(
          'label.field',
          {},
          'Month ',
          h('input', {
            type: 'month',
            name: 'month',
            value: state.month,
            required: true,
            onchange: (e) => e.target.value && onChange({ month: e.target.value }),
          }),
        )
      : null,
    state.period === 'custom'
      ? [
          h(
            'label.field',
            {},
            'From ',
            h('input', {
              type: 'date',
              name: 'from',
              value: state.from,
              required: true,
              onchange: (e) => e.target.value && onChange({ from: e.target.value }),
            }),
          ),
          h(
            'label.field',
            {},
            'To ',
            h('input', { type: 'date', name: 'to', value: state.to, required: true, onchange: (e) => e.target.value && onChange({ to: e.target.value }) }),
          ),
        ]
      : null,
    select('by', 'Per', groupings, state.by),
    select('sort', 'Sort by', SORTS, state.sort),
  );
}

function table(rows, state, shown, onSort, onOpen, onMore) {
  const header = (key, text, cls) =>
    h(
      `th${cls ? `.${cls}` : ''}`,
      { 'aria-sort': state.sort === key ? (state.desc ? 'descending' : 'ascending') : undefined, scope: 'col' },
      h('button.sort', { type: 'button', dataset: { sort: key }, onclick: () => onSort(key) }, text, state.sort === key ? (state.desc ? ' ↑' : ' ↓') : ''),
    );
  const list = sorted(rows, state);
  return [
    h(
      'table.avail.stack',
      {},
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          header('name', GROUPINGS[state.by]),
          header('percent', 'Availability', 'num'),
          header('downtime', 'Downtime', 'num'),
          header('outages', 'Outages', 'num'),
          h('th.num', { scope: 'col' }, 'Longest'),
          h('th.num', { scope: 'col' }, 'Planned stops'),
        ),
      ),
      h(
        'tbody',
        {},
        list
          .slice(0, shown)
          .map((row) =>
            h(
              'tr.avail-row',
              { dataset: { id: row.id }, class: row.id === state.open ? 'selected' : undefined },
              h(
                'td.name',
                { 'data-label': GROUPINGS[state.by] },
                h('button.linklike', { type: 'button', 'aria-expanded': String(row.id === state.open), onclick: () => onOpen(row.id) }, row.name || row.id),
                h('div.muted.small', {}, whereOf(row, state.by)),
              ),
              h(`td.num.pct.${level(row.availablePercent)}`, { 'data-label': 'Availability' }, pct(row.availablePercent)),
              h('td.num', { 'data-label': 'Downtime' }, row.downMs ? duration(row.downMs) : '–'),
              h('td.num', { 'data-label': 'Outages' }, String(row.outages)),
              h('td.num', { 'data-label': 'Longest' }, row.longestOutageMs ? duration(row.longestOutageMs) : '–'),
              h('td.num', { 'data-label': 'Planned stops' }, row.plannedStops ? `${row.plannedStops} (${duration(row.plannedMs)})` : '–'),
            ),
          ),
      ),
    ),
    list.length > shown
      ? h(
          'p.muted.small',
          {},
          `Showing ${shown} of ${list.length}. `,
          h('button.ghost', { type: 'button', onclick: onMore }, `Show ${Math.min(PAGE, list.length - shown)} more`),
        )
      : null,
  ];
}

function drawChart(el, days) {
  const width = Math.max(240, el.clientWidth || 400);
  const values = days.map((d) => d.availablePercent);
  const known = values.filter((v) => v !== null);
  const low = known.length ? Math.max(0, Math.min(95, Math.floor(Math.min(...known)) - 1)) : 0;
  return new uPlot(
    {
      width,
      height: 160,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      // Each day's bar in the middle of its (possibly partial) day, across the whole period.
      scales: { x: { time: true, range: () => [days[0].start / 1000, days.at(-1).end / 1000] }, y: { range: [low, 100] } },
      axes: [
        { stroke: '#5b6675', grid: { stroke: '#eef1f5' }, ticks: { stroke: '#e2e6ec' }, font: '11px system-ui' },
        {
          stroke: '#5b6675',
          grid: { stroke: '#eef1f5' },
          ticks: { stroke: '#e2e6ec' },
          font: '11px system-ui',
          size: 56,
          values: (_u, vals) => vals.map((v) => `${v} %`),
        },
      ],
      series: [
        {},
        {
          label: 'available',
          stroke: '#1f7a45',
          fill: 'rgba(31, 122, 69, 0.25)',
          width: 1,
          paths: uPlot.paths.bars({ size: [0.7, 40] }),
          points: { show: false },
        },
      ],
    },
    [days.map((d) => (d.start + d.end) / 2000), values],
    el,
  );
}

function detail(row, state, summary, daily) {
  const outages = [...summary.outages].reverse(); // newest first
  const many = state.by !== 'recorder';
  const chartSlot = h('div.chart.avail-chart', { role: 'img', 'aria-label': `daily availability of ${row.name || row.id}, also listed below` });
  const where =
    state.by === 'recorder' ? link(recorderHref(row.id), 'Open the recorder') : state.by === 'site' ? link(siteHref(row.id), 'Open the site') : null;
  const card = h(
    'section.card.avail-detail',
    { 'aria-labelledby': 'avail-detail-title' },
    h('div.card-title', {}, h('h2#avail-detail-title', { tabindex: '-1' }, `${GROUPINGS[state.by]}: ${row.name || row.id}`), h('span.spacer'), where),
    h(
      'p',
      {},
      h(`b.${level(summary.availablePercent)}`, {}, pct(summary.availablePercent)),
      ` available over ${summary.recorders} recorder${summary.recorders === 1 ? '' : 's'}: down ${duration(summary.downMs)}, up ${duration(summary.upMs)}`,
      summary.plannedMs ? `, planned stops ${duration(summary.plannedMs)} (not counted)` : '',
      '.',
    ),
    h('h3.sub', {}, 'Daily availability'),
    chartSlot,
    h(
      'details.daily-figures',
      {},
      h('summary', {}, 'Daily figures'),
      h(
        'table.stack.small',
        {},
        h('thead', {}, h('tr', {}, h('th', { scope: 'col' }, 'Day'), h('th.num', { scope: 'col' }, 'Availability'), h('th.num', { scope: 'col' }, 'Down'))),
        h(
          'tbody',
          {},
          daily.days.map((d) =>
            h(
              'tr',
              { dataset: { day: d.day } },
              h('td', { 'data-label': 'Day' }, d.day),
              h(`td.num.${level(d.availablePercent)}`, { 'data-label': 'Availability' }, pct(d.availablePercent)),
              h('td.num', { 'data-label': 'Down' }, d.downMs ? duration(d.downMs) : '–'),
            ),
          ),
        ),
      ),
    ),
    h(
      'h3.sub',
      {},
      `Outages (${summary.outages.filter((o) => o.counted).length}) and planned stops (${summary.outages.filter((o) => !o.counted).length}), newest first`,
    ),
    outages.length === 0
      ? h('p.ok', {}, 'No outage in this period.')
      : h(
          'table.stack.small.avail-outages',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              many ? h('th', { scope: 'col' }, 'Recorder') : null,
              h('th', { scope: 'col' }, 'What'),
              h('th', { scope: 'col' }, 'From'),
              h('th', { scope: 'col' }, 'To'),
              h('th.num', { scope: 'col' }, 'Duration'),
            ),
          ),
          h(
            'tbody',
            {},
            outages
              .slice(0, OUTAGES_SHOWN)
              .map((o) =>
                h(
                  'tr.outage',
                  { dataset: { state: o.state, counted: String(o.counted) } },
                  many ? h('td', { 'data-label': 'Recorder' }, link(recorderHref(o.recorderId), o.recorderId)) : null,
                  h(
                    'td',
                    { 'data-label': 'What' },
                    h(`span.state.state-${o.state}`, {}, o.state === 'stopped' ? 'Stopped (planned)' : o.state === 'offline' ? 'Offline' : 'Unavailable'),
                  ),
                  h('td', { 'data-label': 'From' }, dateTime(o.start)),
                  h('td', { 'data-label': 'To' }, o.ongoing ? 'ongoing' : dateTime(o.end)),
                  h('td.num', { 'data-label': 'Duration' }, duration(o.durationMs)),
                ),
              ),
          ),
        ),
    outages.length > OUTAGES_SHOWN ? h('p.muted.small', {}, `The ${OUTAGES_SHOWN} newest of ${outages.length}.`) : null,
  );
  return { card, chartSlot };
}

export const availabilityView = {
  section: 'availability',
  title: 'Availability',
  mount(section, { user }) {
    let state = readState();
    let rows = [];
    let shown = PAGE;
    let range = rangeOf(state);
    let chart = null;
    let detailToken = 0;
    const head = h('div.page-head', {}, h('h1', {}, 'Availability'), h('span.spacer'), h('span.muted.small.avail-range'));
    const controlSlot = h('div');
    const detailSlot = h('div');
    const tableSlot = h('div.avail-table');
    const status = h('p.muted.small', { role: 'status' });
    fill(
      section,
      head,
      controlSlot,
      h('p.muted.small', {}, 'Up is online or degraded; down is unavailable or offline. A graceful stop is planned maintenance and counts neither way.'),
      status,
      detailSlot,
      tableSlot,
    );

    const drawControls = () => fill(controlSlot, controls(state, user, change));
    const drawTable = () =>
      fill(
        tableSlot,
        rows.length === 0
          ? h('p.empty', {}, 'Nothing to show for this period.')
          : table(rows, state, shown, sort, open, () => {
              shown += PAGE;
              drawTable();
            }),
      );

    function change(patch) {
      const regroup = patch.by !== undefined && patch.by !== state.by;
      state = { ...state, ...patch, ...(regroup ? { open: undefined } : {}) };
      if (patch.sort !== undefined) state.desc = false;
      writeState(state);
      drawControls();
      if (patch.sort !== undefined && Object.keys(patch).length === 1) drawTable();
      else load();
    }

    function sort(key) {
      if (state.sort === key) state = { ...state, desc: !state.desc };
      else state = { ...state, sort: key, desc: false };
      writeState(state);
      drawControls();
      drawTable();
      section.querySelector(`button.sort[data-sort="${key}"]`)?.focus();
    }

    function open(id) {
      state = { ...state, open: state.open === id ? undefined : id };
      writeState(state);
      drawTable();
      showDetail(true);
    }

    async function showDetail(focus) {
      const token = ++detailToken;
      chart?.destroy();
      chart = null;
      const row = rows.find((r) => r.id === state.open);
      if (!row) {
        fill(detailSlot);
        return;
      }
      fill(detailSlot, h('p.muted', {}, `Loading ${row.name || row.id}…`));
      const q = `scope=${state.by}&id=${encodeURIComponent(row.id)}&from=${range.from}&to=${range.to}`;
      const timeZone = Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
      const [summary, daily] = await Promise.all([
        api.get(`/api/availability?${q}`),
        api.get(`/api/availability/daily?${q}&timeZone=${encodeURIComponent(timeZone)}`),
      ]);
      if (token !== detailToken) return;
      const { card, chartSlot } = detail(row, state, summary, daily);
      fill(detailSlot, card);
      chart = daily.days.length ? drawChart(chartSlot, daily.days) : null;
      if (focus) {
        card.scrollIntoView({ block: 'start' });
        card.querySelector('h2').focus({ preventScroll: true });
      }
    }

    async function load() {
      range = rangeOf(state);
      head.querySelector('.avail-range').textContent = `${dateTime(range.from)} – ${dateTime(range.to)}`;
      status.textContent = 'Loading…';
      const body = await api.get(`/api/availability/list?by=${state.by}&from=${range.from}&to=${range.to}`);
      rows = body.rows;
      shown = PAGE;
      status.textContent = `${rows.length} ${GROUPINGS[state.by].toLowerCase()}${rows.length === 1 ? '' : 's'}`;
      drawTable();
      await showDetail(false);
    }

    drawControls();
    writeState(state);
    return {
      title: 'Availability',
      refresh: load,
      unmount() {
        chart?.destroy();
      },
    };
  },
};
