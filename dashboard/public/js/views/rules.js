// Alert rules (docs/DESIGN.md "Alerting"): a condition (a problem code, a state, or a measurement
// above a threshold), a scope, how long it must hold, a severity, what failover cover does to it,
// how often to repeat, and the channels to notify. NOC and admins keep NOC's rules; a reseller its
// own, over its own installations. The server validates; its error is put next to the field.
import { api } from '../api.js';
import { SEVERITIES, coalesce, fill, h, relTime } from '../dom.js';
import { confirmButton } from './installations.js';
import {
  COVERED_LABEL,
  STATE_CHOICES,
  alertingHead,
  clearFieldErrors,
  conditionText,
  loadCatalogue,
  loadScopeOptions,
  metricName,
  scopePicker,
  scopeText,
  severityTag,
  showFieldError,
} from './alerting.js';

const KINDS = [
  { key: 'problem', label: 'A problem is raised' },
  { key: 'state', label: 'The recorder is in a state' },
  { key: 'metric', label: 'A measurement is above a threshold' },
];

const DEFAULTS = {
  name: '',
  condition: { kind: 'problem' },
  scope: { installations: [], sites: [], recorders: [] },
  forSeconds: 0,
  severity: 'warning',
  whenCovered: 'lower',
  repeatMinutes: 240,
  channelIds: [],
  enabled: true,
};

/** What PUT and POST take: the rule without what the server keeps (id, owner, times). */
const inputOf = (rule) => ({
  name: rule.name,
  condition: rule.condition,
  scope: rule.scope,
  forSeconds: rule.forSeconds,
  severity: rule.severity,
  whenCovered: rule.whenCovered,
  repeatMinutes: rule.repeatMinutes,
  channelIds: rule.channelIds,
  enabled: rule.enabled,
});

export const durationText = (s) => (!s ? 'at once' : s % 60 === 0 ? `${s / 60} min` : `${s} s`);
const repeatText = (m) => (!m ? 'never' : m % 60 === 0 ? `every ${m / 60} h` : `every ${m} min`);

const select = (name, options, selected, attrs = {}) =>
  h(
    'select',
    { name, ...attrs },
    options.map(([value, label]) => h('option', { value, selected: String(value) === String(selected ?? '') }, label)),
  );

/** The editor, for a new rule (rule null) or an existing one. */
function ruleEditor({ rule, cat, scopeOptions, channels, onSaved, onCancel }) {
  const r = rule ?? DEFAULTS;
  const cond = r.condition ?? DEFAULTS.condition;
  const metricOptions = (cat.metrics ?? []).map((m) => [m.metric, `${metricName(m)}${m.unit ? ` (${m.unit})` : ''}`]);
  const unitOf = (metric) => cat.metrics?.find((m) => m.metric === metric)?.unit ?? '';

  const f = {
    name: h('input', { name: 'name', required: true, maxlength: 120, autocomplete: 'off', value: r.name, placeholder: 'e.g. Recorder down' }),
    kind: select(
      'kind',
      KINDS.map((k) => [k.key, k.label]),
      cond.kind,
    ),
    code: select('code', [['', 'Any problem'], ...(cat.codes ?? []).map((c) => [c.code, c.label ?? c.code])], cond.code ?? ''),
    minSeverity: select('minSeverity', [['', 'any severity'], ...(cat.severities ?? SEVERITIES).map((s) => [s, s])], cond.minSeverity ?? ''),
    states: (cat.states ?? STATE_CHOICES).map((s) =>
      h('label.check', {}, h('input', { type: 'checkbox', name: 'states', value: s, checked: cond.kind === 'state' && cond.states?.includes(s) }), s),
    ),
    metric: select('metric', metricOptions, cond.metric ?? metricOptions[0]?.[0]),
    above: h('input', {
      name: 'above',
      type: 'number',
      step: 'any',
      inputmode: 'decimal',
      value: cond.kind === 'metric' ? cond.above : '',
      'aria-describedby': undefined,
    }),
    unit: h('span.unit', {}, unitOf(cond.metric ?? metricOptions[0]?.[0])),
    forValue: h('input', {
      name: 'forValue',
      type: 'number',
      min: 0,
      step: 1,
      inputmode: 'numeric',
      value: r.forSeconds % 60 === 0 ? r.forSeconds / 60 : r.forSeconds,
      'aria-label': 'holds for',
    }),
    forUnit: select(
      'forUnit',
      [
        ['60', 'minutes'],
        ['1', 'seconds'],
      ],
      r.forSeconds % 60 === 0 ? '60' : '1',
      { 'aria-label': 'unit' },
    ),
    severity: select(
      'severity',
      (cat.severities ?? SEVERITIES).map((s) => [s, s]),
      r.severity,
    ),
    whenCovered: select(
      'whenCovered',
      Object.entries(COVERED_LABEL).map(([k, v]) => [k, v]),
      r.whenCovered,
    ),
    repeatMinutes: h('input', { name: 'repeatMinutes', type: 'number', min: 0, step: 1, inputmode: 'numeric', value: r.repeatMinutes }),
    enabled: h('input', { type: 'checkbox', name: 'enabled', checked: r.enabled }),
  };
  const scope = scopePicker(r.scope, scopeOptions);
  const channelBoxes = channels.map((c) =>
    h(
      'label.check',
      {},
      h('input', { type: 'checkbox', name: 'channelIds', value: c.id, checked: r.channelIds?.includes(c.id) }),
      c.name,
      h('span.muted', {}, ` (${c.type === 'email' ? 'e-mail' : 'webhook'})`),
    ),
  );
  const parts = {
    problem: h(
      'div.cond-part',
      { dataset: { kind: 'problem' } },
      h('label', { dataset: { field: 'code' } }, 'Problem', f.code),
      h('label', { dataset: { field: 'minSeverity' } }, 'At least', f.minSeverity),
    ),
    state: h('fieldset.cond-part.checks', { dataset: { kind: 'state', field: 'states' } }, h('legend', {}, 'Any of these states'), f.states),
    metric: h(
      'div.cond-part',
      { dataset: { kind: 'metric' } },
      h('label', { dataset: { field: 'metric' } }, 'Measurement', f.metric),
      h('label', { dataset: { field: 'above' } }, 'Above', h('span.with-unit', {}, f.above, f.unit)),
    ),
  };
  const showKind = () => {
    for (const [key, el] of Object.entries(parts)) {
      el.hidden = key !== f.kind.value;
      for (const control of el.querySelectorAll('input, select')) control.disabled = key !== f.kind.value;
    }
  };
  f.kind.addEventListener('change', showKind);
  f.metric.addEventListener('change', () => {
    f.unit.textContent = unitOf(f.metric.value);
  });

  const message = h('p.form-msg', { role: 'status' });
  const form = h(
    'form.rule-editor#rule-form',
    { novalidate: true, dataset: { ruleId: rule?.id ?? '' } },
    h('h2', {}, rule ? `Edit rule “${rule.name}”` : 'New rule'),
    h(
      'div.form-grid',
      {},
      h('label.wide', { dataset: { field: 'name' } }, 'Name', f.name),
      h(
        'fieldset.wide.condition',
        { dataset: { field: 'condition' } },
        h('legend', {}, 'Alert when'),
        h('label', {}, 'Condition', f.kind),
        parts.problem,
        parts.state,
        parts.metric,
      ),
      h('label', { dataset: { field: 'forSeconds' } }, 'For at least (0: at once)', h('span.with-unit', {}, f.forValue, f.forUnit)),
      h('label', { dataset: { field: 'severity' } }, 'Severity', f.severity),
      h('label', { dataset: { field: 'whenCovered' } }, 'When failover covers the recorder', f.whenCovered),
      h('label', { dataset: { field: 'repeatMinutes' } }, 'Repeat every … minutes (0: never)', f.repeatMinutes),
      h('div.wide', {}, scope.el),
      h(
        'fieldset.wide.checks',
        { dataset: { field: 'channelIds' } },
        h('legend', {}, 'Notify'),
        channelBoxes.length
          ? channelBoxes
          : h('p.hint', {}, 'No channel yet: ', h('a', { href: '#/channels' }, 'add one'), '. Alerts are listed here either way.'),
      ),
      h('label.check.wide', {}, f.enabled, 'Enabled'),
    ),
    message,
    h(
      'div.form-buttons',
      {},
      h('button.primary', { type: 'submit' }, rule ? 'Save rule' : 'Create rule'),
      h('button.ghost', { type: 'button', onclick: onCancel }, 'Cancel'),
    ),
  );
  showKind();

  const value = () => {
    const data = new FormData(form);
    const kind = f.kind.value;
    let condition;
    if (kind === 'problem') {
      condition = { kind };
      if (f.code.value) condition.code = f.code.value;
      if (f.minSeverity.value) condition.minSeverity = f.minSeverity.value;
    } else if (kind === 'state') {
      condition = { kind, states: data.getAll('states').map(String) };
    } else {
      // An empty or odd number goes to the server as it is, so its error names the field.
      const above = f.above.value.trim() === '' ? null : Number(f.above.value);
      condition = { kind, metric: f.metric.value, above };
    }
    const forValue = f.forValue.value.trim() === '' ? 0 : Number(f.forValue.value);
    return {
      name: f.name.value.trim(),
      condition,
      scope: scope.value(),
      forSeconds: forValue * Number(f.forUnit.value),
      severity: f.severity.value,
      whenCovered: f.whenCovered.value,
      repeatMinutes: f.repeatMinutes.value.trim() === '' ? null : Number(f.repeatMinutes.value),
      channelIds: data.getAll('channelIds').map(Number),
      enabled: f.enabled.checked,
    };
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    message.className = 'form-msg';
    message.textContent = '';
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const saved = rule ? await api.put(`/api/rules/${rule.id}`, value()) : await api.post('/api/rules', value());
      await onSaved(saved, rule ? 'saved' : 'created');
    } catch (error) {
      const scopeKind = (key) => () => scope.el.querySelector(`[data-kind="${key}"]`);
      showFieldError(form, message, error, [
        ['above', () => f.above],
        ['metric', () => f.metric],
        ['minSeverity', () => f.minSeverity],
        ['code', () => f.code],
        ['states', () => parts.state],
        ['condition', () => f.kind],
        ['installations', scopeKind('installations')],
        ['sites', scopeKind('sites')],
        ['recorders', scopeKind('recorders')],
        ['scope', () => scope.el],
        ['forSeconds', () => f.forValue],
        ['whenCovered', () => f.whenCovered],
        ['severity', () => f.severity],
        ['repeatMinutes', () => f.repeatMinutes],
        ['channelIds', () => form.querySelector('[data-field=channelIds]')],
        ['enabled', () => f.enabled],
        ['name', () => f.name],
      ]);
    } finally {
      button.disabled = false;
    }
  });
  return { form, focus: () => f.name.focus() };
}

function rulesTable({ rules, cat, scopeOptions, channels, onEdit, refresh, report }) {
  if (rules.length === 0) return h('p.empty', {}, 'No alert rule yet.');
  const channelName = (id) => channels.find((c) => c.id === id)?.name ?? `#${id}`;
  return h(
    'table.rules.stack',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ['Rule', 'Alert when', 'Scope', 'For', 'Severity', 'Notify', 'Enabled', ''].map((t) => h('th', {}, t)),
      ),
    ),
    h(
      'tbody',
      {},
      rules.map((rule) =>
        h(
          'tr',
          { dataset: { ruleId: rule.id, enabled: String(rule.enabled) } },
          h(
            'td',
            { dataset: { label: 'Rule' } },
            h('b.rule-name', {}, rule.name),
            rule.updatedAt ? h('div.msg', {}, `changed by ${rule.updatedBy ?? '?'} `, relTime(rule.updatedAt)) : null,
          ),
          h('td.rule-condition', { dataset: { label: 'Alert when' } }, conditionText(rule.condition, cat)),
          h('td', { dataset: { label: 'Scope' } }, scopeText(rule.scope, scopeOptions)),
          h('td', { dataset: { label: 'For' } }, durationText(rule.forSeconds), h('div.msg', {}, `repeat ${repeatText(rule.repeatMinutes)}`)),
          h(
            'td',
            { dataset: { label: 'Severity' } },
            severityTag(rule.severity),
            rule.whenCovered !== 'lower' ? h('div.msg', {}, `covered: ${COVERED_LABEL[rule.whenCovered]}`) : null,
          ),
          h(
            'td',
            { dataset: { label: 'Notify' } },
            rule.channelIds.length ? rule.channelIds.map(channelName).join(', ') : h('span.muted', {}, 'nobody (listed only)'),
          ),
          h(
            'td',
            { dataset: { label: 'Enabled' } },
            h(
              'label.check',
              {},
              h('input', {
                type: 'checkbox',
                name: 'enabled',
                checked: rule.enabled,
                'aria-label': `rule ${rule.name} enabled`,
                onchange: async (event) => {
                  const enabled = event.target.checked;
                  try {
                    await api.put(`/api/rules/${rule.id}`, { ...inputOf(rule), enabled });
                    report(`Rule “${rule.name}” ${enabled ? 'enabled' : 'disabled'}.`);
                  } catch (error) {
                    event.target.checked = rule.enabled;
                    report(`Could not change “${rule.name}”: ${error.message}`, true);
                  }
                  await refresh();
                },
              }),
              rule.enabled ? 'on' : 'off',
            ),
          ),
          h(
            'td.actions',
            {},
            h('button.ghost', { type: 'button', onclick: () => onEdit(rule) }, 'Edit'),
            confirmButton('Delete', 'Click again to delete', async () => {
              try {
                await api.del(`/api/rules/${rule.id}`);
                report(`Rule “${rule.name}” deleted.`);
              } catch (error) {
                report(`Could not delete “${rule.name}”: ${error.message}`, true);
              }
              await refresh();
            }),
          ),
        ),
      ),
    ),
  );
}

export const rulesView = {
  section: 'rules',
  title: 'Alert rules',
  mount(section, { user }) {
    const editorSlot = h('div.card.editor-card', { hidden: true });
    const listSlot = h('div');
    const status = h('p.form-msg#rules-status', { role: 'status' });
    // Enabled once the editor's lists (scopes, channels) have loaded: a click before did nothing.
    const newButton = h('button.primary#new-rule-button', { type: 'button', disabled: true }, 'New rule');
    fill(
      section,
      alertingHead('rules', 'Alert rules'),
      h(
        'p.muted.intro',
        {},
        user.role === 'reseller'
          ? 'Your rules, over your own installations. They notify your own channels.'
          : 'NOC rules see every installation and notify NOC channels.',
      ),
      h('div.toolbar', {}, newButton, status),
      editorSlot,
      h('section.card', {}, h('h2', {}, 'Rules'), listSlot),
    );
    let data = null;
    let editing = null; // the rule being edited, or 'new'
    let disposed = false;

    const report = (text, bad = false) => {
      status.className = `form-msg ${bad ? 'bad' : 'ok'}`;
      status.textContent = text;
    };
    const closeEditor = () => {
      editing = null;
      editorSlot.hidden = true;
      editorSlot.replaceChildren();
      newButton.hidden = false;
    };
    const openEditor = (rule) => {
      if (!data) return;
      editing = rule ?? 'new';
      const { form, focus } = ruleEditor({
        rule,
        ...data,
        onSaved: async (saved, how) => {
          closeEditor();
          report(`Rule “${saved?.name ?? ''}” ${how}.`);
          await refresh();
          newButton.focus();
        },
        onCancel: () => {
          closeEditor();
          newButton.focus();
        },
      });
      editorSlot.replaceChildren(form);
      editorSlot.hidden = false;
      newButton.hidden = true;
      editorSlot.scrollIntoView({ block: 'start' });
      focus();
    };
    newButton.addEventListener('click', () => openEditor(null));

    const refresh = coalesce(async () => {
      const [{ rules }, cat, scopeOptions, channels] = await Promise.all([
        api.get('/api/rules'),
        loadCatalogue(),
        loadScopeOptions(),
        api
          .get('/api/alert-channels')
          .then((r) => r.channels)
          .catch(() => []),
      ]);
      if (disposed) return;
      data = { cat, scopeOptions, channels };
      newButton.disabled = false;
      fill(listSlot, rulesTable({ rules, cat, scopeOptions, channels, onEdit: openEditor, refresh, report }));
      // A rule deleted elsewhere while being edited: nothing left to save.
      if (editing && editing !== 'new' && !rules.some((r) => r.id === editing.id)) {
        closeEditor();
        report('The rule being edited was deleted.', true);
      }
    });
    return {
      refresh,
      unmount: () => {
        disposed = true;
      },
    };
  },
};
