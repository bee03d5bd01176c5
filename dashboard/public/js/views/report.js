// The monthly service report (docs/DESIGN.md "Service report"): a reseller (or NOC) picks an
// installation and a month and gets what it sends the customer: availability, outages, problems
// by kind, drive headroom and licence use. The URL names both (#/report/<SLC>/<YYYY-MM>), so a
// report can be shared; the print stylesheet leaves only the report itself on A4, and the server
// draws the same figures as a PDF and a CSV. Below it (not printed), the monthly e-mail subscriptions.
import { api } from '../api.js';
import { codeLabel, dateTime, fill, h } from '../dom.js';
import { confirmButton } from './installations.js';

const thisMonth = () => new Date().toISOString().slice(0, 7);
function lastMonth() {
  const now = new Date();
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - 1, 1)).toISOString().slice(0, 7);
}

/** As the PDF prints it: two decimals, never rounded up (99.996 % is not 100 %). */
export const percentText = (value) => (value === null || value === undefined ? 'n/a' : `${(Math.floor(value * 100) / 100).toFixed(2)} %`);

export function durationText(ms) {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.floor(minutes / 60);
  if (hours < 48) return `${hours} h ${minutes % 60} min`;
  return `${Math.floor(hours / 24)} d ${hours % 24} h`;
}

const utc = (ms) => `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
const STATE = { unavailable: 'Unavailable', offline: 'Offline', stopped: 'Stopped (planned)' };

/** A table that stacks into labelled lines on a phone. */
function table(caption, columns, rows) {
  return h(
    'table.stack.report-table',
    {},
    h('caption.visually-hidden', {}, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        columns.map((c) => h(c.num ? 'th.num' : 'th', { scope: 'col' }, c.label)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((cells) =>
        h(
          'tr',
          {},
          cells.map((cell, i) => h(columns[i].num ? 'td.num' : 'td', { dataset: { label: columns[i].label } }, cell)),
        ),
      ),
    ),
  );
}

function reportDocument(r) {
  const a = r.availability;
  return h(
    'article.report-doc',
    { 'aria-label': `Service report for ${r.installationName}, ${r.monthLabel}` },
    h(
      'header.report-head',
      {},
      h('p.report-brand', {}, h('img', { src: '/favicon.svg', alt: '', width: 20, height: 20 }), h('span', {}, 'Vigil'), h('span.muted', {}, 'Service report')),
      h('h2.report-title', {}, r.installationName),
      h('p.report-meta', {}, `Installation ${r.slc} · ${r.monthLabel}${r.partial ? ' (to date)' : ''}`),
      h(
        'p.report-meta.muted',
        {},
        `Period ${utc(r.from)} to ${utc(r.to)}. All times in UTC.`,
        r.reseller ? ` Provided by ${r.reseller}.` : '',
        ` Generated ${utc(r.generatedAt)}.`,
      ),
    ),
    h(
      'section.report-section',
      {},
      h('h3', {}, 'Availability'),
      h('p.report-figure#report-availability', {}, percentText(a.availablePercent)),
      h(
        'p.muted.small',
        {},
        `${a.recorders} recorder(s). Up ${durationText(a.upMs)}, down ${durationText(a.downMs)}, planned stops ${durationText(a.plannedMs)}. `,
        'Availability is time recording (online or degraded) over time up or down; planned stops count neither way.',
      ),
      table(
        'Availability per site',
        [{ label: 'Site' }, { label: 'Recorders', num: true }, { label: 'Availability', num: true }, { label: 'Down', num: true }],
        r.sites.map((s) => [s.name, String(s.recorders), percentText(s.availablePercent), durationText(s.downMs)]),
      ),
      table(
        'Availability per recorder',
        [{ label: 'Recorder' }, { label: 'Site' }, { label: 'Availability', num: true }, { label: 'Down', num: true }],
        r.recorders.map((x) => [h('span', {}, x.name, h('span.id', {}, ` ${x.id}`)), x.siteName, percentText(x.availablePercent), durationText(x.downMs)]),
      ),
    ),
    h(
      'section.report-section',
      {},
      h('h3', {}, `Outages (${r.outages.length})`),
      r.outages.length === 0
        ? h('p.muted', {}, 'No outages this month.')
        : table(
            'Outages',
            [{ label: 'Recorder' }, { label: 'State' }, { label: 'From' }, { label: 'To' }, { label: 'Duration', num: true }],
            r.outages.map((o) => [o.recorderName, STATE[o.state] ?? o.state, utc(o.start), o.ongoing ? 'ongoing' : utc(o.end), durationText(o.durationMs)]),
          ),
    ),
    h(
      'section.report-section',
      {},
      h('h3', {}, 'Problems by kind'),
      r.problems.length === 0
        ? h('p.muted', {}, 'No problems this month.')
        : table(
            'Problems by kind',
            [
              { label: 'Problem' },
              { label: 'Worst severity' },
              { label: 'Episodes', num: true },
              { label: 'Occurrences', num: true },
              { label: 'Total time', num: true },
            ],
            r.problems.map((p) => [codeLabel(p.code), p.worstSeverity, String(p.episodes), String(p.occurrences), durationText(p.totalMs)]),
          ),
    ),
    h(
      'section.report-section',
      {},
      h('h3', {}, 'Drive headroom'),
      r.drives.length === 0
        ? h('p.muted', {}, 'No drive readings.')
        : table(
            'Drive headroom',
            [{ label: 'Recorder' }, { label: 'Drive' }, { label: 'Free now', num: true }, { label: 'Lowest free', num: true }, { label: 'Full in', num: true }],
            r.drives.map((d) => [
              d.recorderName,
              d.path,
              `${d.freePercent.toFixed(1)} %`,
              d.lowestFreePercent === null ? 'n/a' : `${d.lowestFreePercent.toFixed(1)} %`,
              d.daysToFull === null ? 'not filling' : d.daysToFull < 1 ? 'under a day' : `${Math.round(d.daysToFull)} days`,
            ]),
          ),
    ),
    h(
      'section.report-section',
      {},
      h('h3', {}, 'Licence use'),
      h(
        'p.small',
        {},
        `${r.licences.cameras} camera(s), ${r.licences.licensed} licensed`,
        r.licences.unlicensed > 0 ? `, ${r.licences.unlicensed} without a licence.` : ', all covered.',
        ' As last reported by each recorder.',
      ),
      table(
        'Licence use per recorder',
        [{ label: 'Recorder' }, { label: 'Cameras', num: true }, { label: 'Licensed', num: true }, { label: 'Unlicensed', num: true }],
        r.licences.recorders.map((l) => [l.recorderName, String(l.cameras), String(l.licensed), String(l.unlicensed)]),
      ),
    ),
  );
}

/** The monthly e-mail subscriptions of the installation shown: who gets it, when it last went out, why not. */
function subscriptionsCard(slc, state, onChange) {
  const message = h('p.form-msg', { role: 'status' });
  const list = h('ul.subscriptions');
  const subs = state.subscriptions.filter((s) => s.slc === slc);
  const channels = state.channels.filter((c) => c.type === 'email');
  const channelName = (id) => channels.find((c) => c.id === id)?.name ?? `channel ${id}`;
  for (const s of subs) {
    const send = h('button.ghost', { type: 'button' }, 'Send now');
    send.addEventListener('click', async () => {
      send.disabled = true;
      message.className = 'form-msg';
      try {
        const after = await api.post(`/api/report-subscriptions/${s.id}/send`, {});
        message.classList.add(after.lastError ? 'bad' : 'ok');
        message.textContent = after.lastError ? `Not sent: ${after.lastError}` : `Sent ${after.lastSentMonth}’s report.`;
        await onChange();
      } catch (error) {
        message.classList.add('bad');
        message.textContent = `Could not send: ${error.message}`;
      } finally {
        send.disabled = false;
      }
    });
    list.append(
      h(
        'li.subscription',
        { dataset: { id: s.id } },
        h('span.sub-to', {}, s.channelId === null ? s.to.join(', ') : `channel “${channelName(s.channelId)}”`),
        h('span.muted.small', {}, s.lastSentAt ? ` last sent ${dateTime(s.lastSentAt)} (${s.lastSentMonth})` : ' not sent yet'),
        s.lastError ? h('span.bad.small.sub-error', {}, ` Last attempt failed: ${s.lastError}`) : null,
        h(
          'span.sub-actions',
          {},
          send,
          confirmButton('Remove', 'Really remove?', async () => {
            await api.del(`/api/report-subscriptions/${s.id}`);
            await onChange();
          }),
        ),
      ),
    );
  }
  const to = h('input', { name: 'to', type: 'text', autocomplete: 'off', placeholder: 'customer@example.com, it@example.com' });
  const channel = h(
    'select',
    { name: 'channelId' },
    h('option', { value: '' }, 'No channel: the addresses'),
    channels.map((c) => h('option', { value: c.id }, c.name)),
  );
  const form = h(
    'form.inline-form.subscribe-form',
    {},
    h('label', {}, 'E-mail addresses (comma separated)', to),
    channels.length > 0 ? h('label', {}, 'Or an e-mail alert channel', channel) : null,
    h('button.primary', { type: 'submit' }, 'Subscribe'),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    message.className = 'form-msg';
    const body = { slc };
    if (channel.value) body.channelId = Number(channel.value);
    else
      body.to = to.value
        .split(/[,;\s]+/)
        .map((x) => x.trim())
        .filter(Boolean);
    try {
      await api.post('/api/report-subscriptions', body);
      form.reset();
      await onChange();
    } catch (error) {
      message.classList.add('bad');
      message.textContent = `Could not subscribe: ${error.message}`;
    }
  });
  return h(
    'section.card.no-print.report-subscriptions',
    { 'aria-labelledby': 'report-subs-title' },
    h('h2#report-subs-title', {}, 'Monthly e-mail'),
    h(
      'p.small.muted',
      {},
      'On the 1st of each month (UTC) the previous month’s report goes out as a PDF, once.',
      state.mailConfigured ? '' : ' No mail server is set for this dashboard (VIGIL_SMTP_*): sends will fail until one is.',
    ),
    subs.length > 0 ? list : h('p.muted.small', {}, 'Nobody gets this report by e-mail yet.'),
    form,
  );
}

export const reportView = {
  section: 'report',
  title: 'Service report',
  mount(section, { params }) {
    const [slcParam, monthParam] = params;
    const installationSelect = h('select#report-installation', { name: 'slc', required: true });
    const monthInput = h('input#report-month', { type: 'month', name: 'month', required: true, max: thisMonth(), value: monthParam ?? lastMonth() });
    const picker = h(
      'form.report-picker.no-print',
      {},
      h('label', { for: 'report-installation' }, 'Installation', installationSelect),
      h('label', { for: 'report-month' }, 'Month (UTC)', monthInput),
      h('button.primary', { type: 'submit' }, 'Show report'),
    );
    const actions = h('div.report-actions.no-print');
    const body = h('div.report-body', { 'aria-live': 'polite' });
    const subs = h('div');
    fill(section, h('div.page-head.no-print', {}, h('h1', {}, 'Service report')), picker, actions, body, subs);
    const state = { subscriptions: [], channels: [], mailConfigured: false };

    picker.addEventListener('submit', (event) => {
      event.preventDefault();
      if (!installationSelect.value || !/^\d{4}-\d{2}$/.test(monthInput.value)) return;
      location.hash = `#/report/${encodeURIComponent(installationSelect.value)}/${monthInput.value}`;
    });

    const loadSubscriptions = async (slc) => {
      const [list, channels] = await Promise.all([api.get('/api/report-subscriptions'), api.get('/api/alert-channels').catch(() => ({ channels: [] }))]);
      state.subscriptions = list.subscriptions;
      state.mailConfigured = list.mailConfigured;
      state.channels = channels.channels ?? [];
      fill(
        subs,
        subscriptionsCard(slc, state, () => loadSubscriptions(slc)),
      );
    };

    return {
      title: 'Service report',
      async refresh() {
        const { installations } = await api.get('/api/installations');
        const usable = installations.filter((i) => i.recorders > 0);
        fill(
          installationSelect,
          usable.map((i) => h('option', { value: i.slc, selected: i.slc === slcParam }, `${i.name || i.slc} (${i.slc})`)),
        );
        if (usable.length === 0) {
          fill(body, h('p.empty', {}, 'No installation to report on yet.'));
          return;
        }
        if (!slcParam || !monthParam) {
          fill(body, h('p.muted', {}, 'Pick an installation and a month.'));
          fill(actions);
          return;
        }
        // Out of scope answers 404 like nonexistent: app.js shows "not found".
        const report = await api.get(`/api/reports/${encodeURIComponent(slcParam)}/${monthParam}`);
        const base = `/api/reports/${encodeURIComponent(slcParam)}/${monthParam}`;
        fill(
          actions,
          h('button.ghost#report-print', { type: 'button', onclick: () => window.print() }, 'Print'),
          h('a.button#report-pdf', { href: `${base}.pdf`, download: '' }, 'Download PDF'),
          h('a.button#report-csv', { href: `${base}.csv`, download: '' }, 'Download CSV'),
        );
        fill(body, reportDocument(report));
        document.title = `Vigil · Report ${report.installationName} ${report.monthLabel}`;
        await loadSubscriptions(slcParam);
      },
    };
  },
};
