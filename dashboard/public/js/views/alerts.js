// Alerts (docs/DESIGN.md "Alerting"): what fires now, what someone is on, what is silenced, and
// what resolved today. One line per problem of a recorder or site, however many rules match it
// (the rules are listed on it). Acknowledge with a comment; silence from the alert.
import { api } from '../api.js';
import { refreshBadge } from '../badge.js';
import { coalesce, dateTime, fill, h, link, recorderHref, relTime, siteHref } from '../dom.js';
import { alertStateTag, alertingHead, openSilenceDialog, severityTag } from './alerting.js';

const TABS = [
  { key: 'firing', label: 'Firing', empty: 'Nothing fires that nobody is on.' },
  { key: 'acknowledged', label: 'Acknowledged', empty: 'No acknowledged alert is firing.' },
  { key: 'silenced', label: 'Silenced', empty: 'No alert is silenced.' },
  { key: 'resolved-today', label: 'Resolved today', empty: 'Nothing resolved today.' },
];

const SEVERITY_RANK = { critical: 0, error: 1, warning: 2, info: 3 };

/** Where the alert is: customer, site, recorder (linked), as far as the alert knows them. */
function where(entry) {
  const site = entry.site && entry.installation ? link(siteHref(entry.site.id), entry.site.name) : (entry.site?.name ?? null);
  return h(
    'div.alert-where',
    {},
    entry.installation ? h('span.where-customer', { title: entry.installation.slc }, entry.installation.name || entry.installation.slc) : null,
    site ? h('span.where-site', {}, site) : null,
    entry.recorder ? h('span.where-recorder', {}, link(recorderHref(entry.recorder.id), entry.recorder.name || entry.recorder.id)) : null,
    !entry.recorder && entry.target?.kind === 'site' ? h('span.muted', {}, 'the whole site') : null,
  );
}

function since(entry) {
  if (entry.state === 'resolved')
    return ['resolved ', relTime(entry.resolvedAt), entry.firingSince ? [', fired ', dateTime(entry.firingSince)] : ' without firing'];
  if (entry.state === 'pending') return ['pending since ', relTime(entry.pendingSince)];
  return ['firing since ', relTime(entry.firingSince ?? entry.pendingSince)];
}

function notes(entry) {
  return [
    entry.acknowledged
      ? h(
          'p.alert-note.note-ack',
          {},
          h('b', {}, 'Acknowledged'),
          ` by ${entry.acknowledged.by} `,
          relTime(entry.acknowledged.at),
          entry.acknowledged.comment ? `: ${entry.acknowledged.comment}` : '',
        )
      : null,
    entry.silenced
      ? h(
          'p.alert-note.note-silenced',
          {},
          h('b', {}, 'Silenced'),
          ` until ${dateTime(entry.silenced.endsAt)}`,
          entry.silenced.reason ? `: ${entry.silenced.reason}` : '',
        )
      : null,
    entry.inhibited ? h('p.alert-note.note-inhibited', {}, h('b', {}, 'Inhibited'), ': its site is unreachable; the site alert stands for it.') : null,
  ];
}

/** Inline: a comment and a button, opened by "Acknowledge…"; the server acknowledges every rule's alert of the line. */
function ackForm(entry, done, cancel) {
  const comment = h('input', { name: 'comment', maxlength: 1000, required: true, placeholder: 'what is being done', 'aria-label': 'acknowledgement comment' });
  const message = h('span.form-msg', { role: 'status' });
  const form = h(
    'form.ack-form',
    {
      onsubmit: async (event) => {
        event.preventDefault();
        const button = form.querySelector('button[type=submit]');
        button.disabled = true;
        try {
          await api.post(`/api/alerts/${entry.id}/acknowledge`, { comment: comment.value.trim() });
          await done();
        } catch (error) {
          message.className = 'form-msg bad';
          message.textContent = error.status === 409 ? 'Someone acknowledged it already.' : error.message;
          if (error.status === 409) await done();
        } finally {
          button.disabled = false;
        }
      },
    },
    comment,
    h('button.primary', { type: 'submit' }, 'Acknowledge'),
    h('button.ghost', { type: 'button', onclick: cancel }, 'Cancel'),
    message,
  );
  return { form, focus: () => comment.focus() };
}

function alertItem(entry, refresh) {
  const actions = h('div.alert-actions');
  const formSlot = h('div.alert-form');
  const canAct = entry.state !== 'resolved';
  const ackButton =
    canAct && !entry.acknowledged
      ? h(
          'button.ghost',
          {
            type: 'button',
            'aria-expanded': 'false',
            onclick: () => {
              if (formSlot.firstChild) return;
              ackButton.setAttribute('aria-expanded', 'true');
              const { form, focus } = ackForm(entry, refresh, () => {
                formSlot.replaceChildren();
                ackButton.setAttribute('aria-expanded', 'false');
                ackButton.focus();
              });
              formSlot.replaceChildren(form);
              focus();
            },
          },
          'Acknowledge…',
        )
      : null;
  const silenceButton =
    canAct && !entry.silenced
      ? h(
          'button.ghost',
          {
            type: 'button',
            onclick: () => openSilenceDialog(entry, refresh),
          },
          'Silence…',
        )
      : null;
  fill(actions, ackButton, silenceButton);
  return h(
    'li.alert',
    { dataset: { alertId: entry.id, state: entry.state, severity: entry.severity, conditionKey: entry.conditionKey } },
    h('div.alert-head', {}, severityTag(entry.severity), alertStateTag(entry.state), h('b.alert-summary', {}, entry.summary)),
    where(entry),
    h(
      'p.alert-meta',
      {},
      h('span.alert-since', {}, since(entry)),
      h('span.alert-rules', {}, entry.rules.length === 1 ? 'rule: ' : 'rules: ', entry.rules.map((r) => r.name).join(', ')),
    ),
    notes(entry),
    actions,
    formSlot,
  );
}

export function alertList(entries, refresh, empty) {
  if (entries.length === 0) return h('p.empty', {}, empty);
  const sorted = [...entries].sort(
    (a, b) =>
      (SEVERITY_RANK[a.severity] ?? 9) - (SEVERITY_RANK[b.severity] ?? 9) ||
      (b.resolvedAt ?? b.firingSince ?? b.pendingSince ?? 0) - (a.resolvedAt ?? a.firingSince ?? a.pendingSince ?? 0),
  );
  return h(
    'ul.alert-list',
    {},
    sorted.map((e) => alertItem(e, refresh)),
  );
}

export const alertsView = {
  section: 'alerts',
  title: 'Alerts',
  mount(section, { params: [tab = 'firing'] }) {
    const tabs = h('div.tabs', { role: 'group', 'aria-label': 'which alerts' });
    const list = h('div#alert-list', { 'aria-live': 'polite' });
    fill(section, alertingHead('alerts', 'Alerts'), tabs, list);
    let disposed = false;
    // While someone types a comment, a refetch must not throw the form away.
    const busy = () => list.contains(document.activeElement) && document.activeElement.matches('input, textarea');

    const refresh = coalesce(async () => {
      const results = await Promise.all(TABS.map((t) => api.get(`/api/alerts?view=${t.key}`)));
      if (disposed) return;
      const counts = Object.fromEntries(TABS.map((t, i) => [t.key, results[i].alerts.length]));
      fill(
        tabs,
        TABS.map((t) =>
          h(
            'a.tab',
            { href: `#/alerts/${t.key}`, 'aria-current': t.key === tab ? 'page' : undefined, dataset: { tab: t.key } },
            t.label,
            h('span.tab-count', { dataset: { count: counts[t.key] } }, String(counts[t.key])),
          ),
        ),
      );
      if (busy()) return;
      const current = TABS.findIndex((t) => t.key === tab);
      fill(list, alertList(results[current].alerts, afterAction, TABS[current].empty));
    });
    const afterAction = async () => {
      refreshBadge();
      await refresh();
    };
    return {
      refresh,
      title: `Alerts · ${TABS.find((t) => t.key === tab)?.label}`,
      onAlerts: () => refresh().catch(() => undefined),
      unmount: () => {
        disposed = true;
      },
    };
  },
};
