// The shift log (docs/DESIGN.md "Shift log"): what happened while you were away, newest first.
// Opened without a choice it starts where you last looked, and marks now as seen once: the rest
// of this visit keeps that start, so live refetches add to the log instead of emptying it.
import { api } from '../api.js';
import { codeLabel, coalesce, dateTime, fill, h, link, recorderHref, relTime, siteHref } from '../dom.js';
import { severityTag } from './alerting.js';

const PERIODS = [
  { key: 'seen', label: 'Since I last looked' },
  { key: '8h', label: 'Last 8 hours', ms: 8 * 3_600_000 },
  { key: '24h', label: 'Last 24 hours', ms: 24 * 3_600_000 },
  { key: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { key: 'custom', label: 'From … to …' },
];
const PAGE = 200;

const KIND_LABEL = {
  problem: 'Problem',
  outage: 'Outage',
  'site-outage': 'Site lost',
  acknowledgement: 'Acknowledged',
  'alert-acknowledgement': 'Alert acknowledged',
};

/** "1 h 20 min", "3 min", "45 s". */
export function duration(ms) {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.round(s / 60);
  if (min < 60) return `${min} min`;
  const hours = Math.floor(min / 60);
  if (hours < 48) return `${hours} h${min % 60 ? ` ${min % 60} min` : ''}`;
  return `${Math.round(hours / 24)} days`;
}

/** For <input type="datetime-local">: local time, to the minute. */
const localInput = (ms) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

const STATE_WORD = { unavailable: 'unavailable', offline: 'offline', stopped: 'stopped' };

function span(entry, open) {
  if (entry.end === null) return [`${open} since `, dateTime(entry.start), ` (${duration(entry.durationMs)} so far)`];
  return [`${dateTime(entry.start)} – ${dateTime(entry.end)} (${duration(entry.durationMs)})`];
}

/** What happened, in words (severity and state as words too, never by colour alone). */
function what(entry) {
  switch (entry.kind) {
    case 'problem':
      return [
        h('div.sl-title', {}, severityTag(entry.severity), ' ', h('b', {}, codeLabel(entry.code)), entry.subject ? h('span.subject', {}, entry.subject) : null),
        h('div.msg', {}, entry.message, entry.count > 1 ? ` (×${entry.count})` : ''),
        h('div.sl-when', {}, entry.end === null ? h('span.tag.tag-active', {}, 'still open') : h('span.tag', {}, 'cleared'), ' ', span(entry, 'open')),
        entry.acknowledged
          ? h(
              'div.ack',
              {},
              `Acknowledged by ${entry.acknowledged.by} `,
              relTime(entry.acknowledged.at),
              entry.acknowledged.comment ? `: ${entry.acknowledged.comment}` : '',
            )
          : null,
      ];
    case 'outage': {
      const states = entry.states.map((s) => STATE_WORD[s] ?? s).join(', then ');
      return [
        h('div.sl-title', {}, h('b', {}, entry.counted ? `Recorder ${states}` : 'Recorder stopped (planned)')),
        h('div.sl-when', {}, entry.end === null ? h('span.tag.tag-active', {}, 'still down') : h('span.tag', {}, 'back'), ' ', span(entry, 'down')),
      ];
    }
    case 'site-outage':
      return [
        h('div.sl-title', {}, h('b', {}, `Whole site unreachable (${entry.recorders} recorders)`)),
        h(
          'div.sl-when',
          {},
          entry.end === null ? h('span.tag.tag-active', {}, 'still unreachable') : h('span.tag', {}, 'back'),
          ' ',
          span(entry, 'unreachable'),
        ),
      ];
    case 'acknowledgement':
      return [
        h('div.sl-title', {}, h('b', {}, `${entry.by} acknowledged `), codeLabel(entry.code), entry.subject ? h('span.subject', {}, entry.subject) : null),
        entry.comment ? h('div.msg', {}, `“${entry.comment}”`) : null,
      ];
    case 'alert-acknowledgement':
      return [
        h('div.sl-title', {}, severityTag(entry.severity), ' ', h('b', {}, `${entry.by} acknowledged the alert `), entry.summary),
        entry.comment ? h('div.msg', {}, `“${entry.comment}”`) : null,
      ];
    default:
      return [entry.kind];
  }
}

function where(entry) {
  return h(
    'div.sl-where',
    {},
    h('span.where-customer', { title: entry.installation.slc }, entry.installation.name || entry.installation.slc),
    entry.site.id ? h('span.where-site', {}, link(siteHref(entry.site.id), entry.site.name || entry.site.id)) : null,
    entry.recorder ? h('span.where-recorder', {}, link(recorderHref(entry.recorder.id), entry.recorder.name || entry.recorder.id)) : null,
  );
}

function item(entry) {
  return h(
    `li.sl-entry.sl-${entry.kind}`,
    { dataset: { kind: entry.kind, recorder: entry.recorder?.id ?? '', site: entry.site.id } },
    h(
      'div.sl-time',
      {},
      h('time', { datetime: new Date(entry.at).toISOString() }, dateTime(entry.at)),
      h('span.tag', {}, KIND_LABEL[entry.kind] ?? entry.kind),
    ),
    h('div.sl-body', {}, what(entry), where(entry)),
  );
}

export const shiftLogView = {
  section: 'shift-log',
  title: 'Shift log',
  mount(section) {
    let period = 'seen';
    /** The start "since I last looked" means for this whole visit (the server's answer to the first fetch). */
    let sinceSeen;
    /** Whether there was a last look before this visit (else the default is the last 8 h). */
    let hadLastSeen;
    let markedSeen = false;
    let limit = PAGE;
    let installation = '';
    let site = '';
    let custom = { from: Date.now() - 8 * 3_600_000, to: Date.now() };
    let disposed = false;

    const periodSelect = h(
      'select#sl-period',
      {
        onchange: () => {
          period = periodSelect.value;
          customBox.hidden = period !== 'custom';
          limit = PAGE;
          refresh().catch(() => undefined);
        },
      },
      PERIODS.map((p) => h('option', { value: p.key }, p.label)),
    );
    const fromInput = h('input#sl-from', { type: 'datetime-local', value: localInput(custom.from) });
    const toInput = h('input#sl-to', { type: 'datetime-local', value: localInput(custom.to) });
    const customMsg = h('span.form-msg', { role: 'status' });
    const customBox = h(
      'form.sl-custom',
      {
        hidden: true,
        onsubmit: (event) => {
          event.preventDefault();
          const from = new Date(fromInput.value).getTime();
          const to = new Date(toInput.value).getTime();
          if (!Number.isFinite(from) || !Number.isFinite(to) || from >= to) {
            customMsg.className = 'form-msg bad';
            customMsg.textContent = 'Pick a start before the end.';
            return;
          }
          if (to - from > 31 * 86_400_000) {
            customMsg.className = 'form-msg bad';
            customMsg.textContent = 'Pick at most 31 days.';
            return;
          }
          customMsg.textContent = '';
          custom = { from, to };
          limit = PAGE;
          refresh().catch(() => undefined);
        },
      },
      h('label', { for: 'sl-from' }, 'From'),
      fromInput,
      h('label', { for: 'sl-to' }, 'to'),
      toInput,
      h('button.primary', { type: 'submit' }, 'Show'),
      customMsg,
    );
    const installationSelect = h('select#sl-installation', {
      onchange: () => {
        installation = installationSelect.value;
        site = '';
        limit = PAGE;
        refresh().catch(() => undefined);
      },
    });
    const siteSelect = h('select#sl-site', {
      onchange: () => {
        site = siteSelect.value;
        limit = PAGE;
        refresh().catch(() => undefined);
      },
    });
    const summary = h('p.sl-summary', { role: 'status' });
    const groups = h('div.sl-groups');
    const list = h('ol.sl-list', { 'aria-label': 'what happened, newest first' });
    const more = h('div.sl-more');

    fill(
      section,
      h('div.page-head', {}, h('h1', {}, 'Shift log')),
      h(
        'div.toolbar.sl-toolbar',
        {},
        h('span.sl-field', {}, h('label', { for: 'sl-period' }, 'Period'), periodSelect),
        h('span.sl-field', {}, h('label', { for: 'sl-installation' }, 'Installation'), installationSelect),
        h('span.sl-field', {}, h('label', { for: 'sl-site' }, 'Site'), siteSelect),
      ),
      customBox,
      summary,
      groups,
      list,
      more,
    );

    const periodQuery = () => {
      const now = Date.now();
      if (period === 'seen') return sinceSeen === undefined ? '' : `from=${sinceSeen}`;
      if (period === 'custom') return `from=${custom.from}&to=${custom.to}`;
      return `from=${now - PERIODS.find((p) => p.key === period).ms}`;
    };

    const options = (select, choices, allLabel, value) => {
      fill(
        select,
        h('option', { value: '' }, allLabel),
        choices.map(([key, label]) => h('option', { value: key, selected: key === value }, label)),
      );
      select.value = value;
    };

    const render = (view) => {
      const installations = new Map();
      for (const g of view.groups) installations.set(g.installation.slc, g.installation.name || g.installation.slc);
      if (installation && !installations.has(installation)) installations.set(installation, installation);
      options(installationSelect, [...installations], 'All installations', installation);
      const sites = view.groups
        .filter((g) => !installation || g.installation.slc === installation)
        .map((g) => [
          `${g.installation.slc}/${g.site.id}`,
          installation ? g.site.name || g.site.id : `${g.site.name || g.site.id} (${g.installation.name || g.installation.slc})`,
        ]);
      if (site && !sites.some(([key]) => key === site)) sites.push([site, site]);
      options(siteSelect, sites, 'All sites', site);

      const since = period === 'seen' ? (!hadLastSeen ? 'in the last 8 hours' : `since you last looked (${dateTime(view.from)})`) : null;
      summary.replaceChildren(
        `${view.total} ${view.total === 1 ? 'entry' : 'entries'} `,
        since ?? `from ${dateTime(view.from)} to ${dateTime(view.to)}`,
        view.truncated ? `; the newest ${view.entries.length} shown` : '',
      );

      // By site: what happened where, each a quick filter.
      const shown = view.groups.filter((g) => !installation || g.installation.slc === installation);
      fill(
        groups,
        shown.length > 1 && !site
          ? h(
              'details.card.sl-by-site',
              {},
              h('summary', {}, `By site (${shown.length})`),
              h(
                'ul',
                {},
                shown.map((g) => {
                  const counts = Object.entries(g.counts)
                    .filter(([, n]) => n > 0)
                    .map(([k, n]) => `${n} ${(KIND_LABEL[k] ?? k).toLowerCase()}`)
                    .join(', ');
                  return h(
                    'li',
                    {},
                    h(
                      'button.ghost.sl-site-filter',
                      {
                        type: 'button',
                        onclick: () => {
                          installation = g.installation.slc;
                          site = `${g.installation.slc}/${g.site.id}`;
                          limit = PAGE;
                          refresh().catch(() => undefined);
                        },
                      },
                      `${g.installation.name || g.installation.slc} › ${g.site.name || g.site.id}`,
                    ),
                    h('span.muted', {}, ` ${counts}`),
                  );
                }),
              ),
            )
          : null,
      );

      fill(
        list,
        view.entries.length === 0
          ? h('li.empty', {}, since ? 'Nothing happened since you last looked.' : 'Nothing happened in this period.')
          : view.entries.map(item),
      );
      fill(
        more,
        view.truncated
          ? h(
              'button.ghost',
              {
                type: 'button',
                onclick: () => {
                  limit = Math.min(limit + PAGE, 2_000);
                  refresh().catch(() => undefined);
                },
              },
              `Show more (${view.total - view.entries.length} older)`,
            )
          : null,
      );
    };

    const refresh = coalesce(async () => {
      const query = [
        periodQuery(),
        `limit=${limit}`,
        installation ? `installation=${encodeURIComponent(installation)}` : '',
        site ? `site=${encodeURIComponent(site)}` : '',
      ]
        .filter(Boolean)
        .join('&');
      const view = await api.get(`/api/shift-log?${query}`);
      if (disposed) return;
      if (period === 'seen' && sinceSeen === undefined) {
        sinceSeen = view.from;
        hadLastSeen = view.lastSeen !== null;
      }
      render(view);
      // Marks the visit as seen once, after the first answer: the next visit starts from now.
      if (!markedSeen && period === 'seen') {
        markedSeen = true;
        api.post('/api/shift-log/seen').catch(() => undefined);
      }
    });

    const live = () => {
      if (!disposed) refresh().catch(() => undefined);
    };
    return {
      refresh,
      onEvent: live,
      onAlerts: live,
      unmount: () => {
        disposed = true;
      },
    };
  },
};
