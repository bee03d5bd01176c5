// Alert rules: NOC decides which problems raise an alert (by problem code, minimum severity and
// installation); the active alerts they match are listed below. Resellers see the rules that apply
// to their installations, read-only.
import { api } from '../api.js';
import { SEVERITIES, codeLabel, coalesce, fill, h, link, recorderHref, relTime } from '../dom.js';
import { confirmButton } from './installations.js';

/** The seed list's codes (see vigil.proto), offered when creating a rule. */
const CODES = [
  'recorder-unavailable',
  'camera-unreachable',
  'drive-full',
  'drive-filling',
  'media-db-write-failure',
  'licence-overrun',
  'archive-delete-failed',
  'file-delete-failed',
  'archive-fatal-error',
  'archive-operation-failed',
  'archive-move-failed',
  'service-stopped',
];

function ruleForm(installations, onDone) {
  const message = h('p.form-msg', { role: 'status' });
  const form = h(
    'form.rule-form#new-rule',
    {},
    h('label', {}, 'Name', h('input', { name: 'name', required: true, maxlength: 120, placeholder: 'e.g. Drives filling up' })),
    h(
      'label',
      {},
      'Problem',
      h(
        'select',
        { name: 'code' },
        h('option', { value: '' }, 'Any problem'),
        CODES.map((c) => h('option', { value: c }, codeLabel(c))),
      ),
    ),
    h(
      'label',
      {},
      'At least',
      h(
        'select',
        { name: 'minSeverity' },
        SEVERITIES.map((s) => h('option', { value: s, selected: s === 'warning' }, s)),
      ),
    ),
    h(
      'label',
      {},
      'Installation',
      h(
        'select',
        { name: 'installationSlc' },
        h('option', { value: '' }, 'All installations'),
        installations.map((i) => h('option', { value: i.slc }, `${i.name || i.slc}`)),
      ),
    ),
    h('label.check', {}, h('input', { type: 'checkbox', name: 'enabled', checked: true }), 'Enabled'),
    h('button.primary', { type: 'submit' }, 'Add rule'),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api.post('/api/rules', {
        name: String(data.get('name')).trim(),
        code: data.get('code') || null,
        minSeverity: data.get('minSeverity'),
        installationSlc: data.get('installationSlc') || null,
        enabled: data.get('enabled') === 'on',
      });
      form.reset();
      message.className = 'form-msg ok';
      message.textContent = 'Rule added.';
      await onDone();
    } catch (error) {
      message.className = 'form-msg bad';
      message.textContent = `Could not add the rule: ${error.message}`;
    }
  });
  return form;
}

function rulesTable(rules, installations, canEdit, refresh) {
  if (rules.length === 0) return h('p.empty', {}, canEdit ? 'No alert rule yet. Add one above.' : 'No alert rule applies to your installations.');
  const nameOf = (slc) => installations.find((i) => i.slc === slc)?.name || slc;
  return h(
    'table.rules',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        h('th', {}, 'Rule'),
        h('th', {}, 'Problem'),
        h('th', {}, 'At least'),
        h('th', {}, 'Installation'),
        h('th', {}, 'Enabled'),
        canEdit ? h('th', {}, '') : null,
      ),
    ),
    h(
      'tbody',
      {},
      rules.map((rule) =>
        h(
          'tr',
          { dataset: { ruleId: rule.id } },
          h('td', {}, h('b', {}, rule.name)),
          h('td', {}, codeLabel(rule.code)),
          h('td', {}, h(`span.sev.sev-${rule.minSeverity}`), rule.minSeverity),
          h('td', {}, rule.installationSlc ? nameOf(rule.installationSlc) : h('span.muted', {}, 'all')),
          h(
            'td',
            {},
            canEdit
              ? h('input', {
                  type: 'checkbox',
                  checked: rule.enabled,
                  'aria-label': `rule ${rule.name} enabled`,
                  onchange: async (event) => {
                    const { id, ...fields } = rule;
                    await api.put(`/api/rules/${encodeURIComponent(id)}`, { ...fields, enabled: event.target.checked }).catch(() => {
                      event.target.checked = rule.enabled;
                    });
                    await refresh();
                  },
                })
              : rule.enabled
                ? 'yes'
                : h('span.muted', {}, 'no'),
          ),
          canEdit
            ? h(
                'td.actions',
                {},
                confirmButton('Delete', 'Click again to delete', async () => {
                  await api.del(`/api/rules/${encodeURIComponent(rule.id)}`);
                  await refresh();
                }),
              )
            : null,
        ),
      ),
    ),
  );
}

function alertsTable(alerts) {
  if (alerts.length === 0) return h('p.ok', {}, 'No active alert.');
  return h(
    'table.alerts',
    {},
    h('thead', {}, h('tr', {}, h('th', {}, 'Recorder'), h('th', {}, 'Problem'), h('th', {}, 'Rule'), h('th', {}, 'Since'))),
    h(
      'tbody',
      {},
      [...alerts]
        .sort((a, b) => b.since - a.since)
        .map((a) =>
          h(
            'tr',
            {},
            h('td', {}, link(recorderHref(a.recorderId), a.recorderId)),
            h(
              'td',
              {},
              h(`span.sev.sev-${a.severity}`),
              h('b', {}, codeLabel(a.code)),
              a.subject && a.subject !== a.recorderId ? h('span.subject', {}, a.subject) : null,
              h('div.msg', {}, a.message),
            ),
            h('td.muted', {}, a.ruleName),
            h('td.when', {}, relTime(a.since)),
          ),
        ),
    ),
  );
}

export const rulesView = {
  section: 'rules',
  title: 'Alert rules',
  mount(section, { user }) {
    const canEdit = user.role === 'noc' || user.role === 'admin';
    const formSlot = h('div');
    const rulesSlot = h('div');
    const alertsSlot = h('div');
    let formBuilt = false;
    fill(
      section,
      h('div.page-head', {}, h('h1', {}, 'Alert rules')),
      canEdit ? h('section.card', {}, h('h2', {}, 'New rule'), formSlot) : null,
      h('section.card', {}, h('h2', {}, 'Rules'), rulesSlot),
      h('section.card', {}, h('h2', {}, 'Active alerts'), alertsSlot),
    );
    const refresh = coalesce(async () => {
      const [{ rules }, { installations }, { alerts }] = await Promise.all([
        api.get('/api/rules'),
        api.get('/api/installations').catch(() => ({ installations: [] })),
        api.get('/api/alerts').catch(() => ({ alerts: [] })),
      ]);
      if (canEdit && !formBuilt) {
        formSlot.replaceChildren(ruleForm(installations, refresh));
        formBuilt = true;
      }
      rulesSlot.replaceChildren(rulesTable(rules, installations, canEdit, refresh));
      alertsSlot.replaceChildren(alertsTable(alerts));
    });
    return { refresh, onEvent: () => refresh().catch(() => undefined) };
  },
};
