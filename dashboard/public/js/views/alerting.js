// What the alerting views (alerts, rules, channels, silences, and the recorder's alert history)
// share: their sub-navigation, severity shown as text, how a condition and a scope read, the scope
// picker, the silence dialog, and server errors put next to the field they name.
import { api } from '../api.js';
import { codeLabel, h } from '../dom.js';

const SECTIONS = [
  { hash: '#/alerts', key: 'alerts', label: 'Alerts' },
  { hash: '#/rules', key: 'rules', label: 'Rules' },
  { hash: '#/channels', key: 'channels', label: 'Channels' },
  { hash: '#/silences', key: 'silences', label: 'Silences' },
];

/** The page head of every alerting view: its title and links to the other three. */
export function alertingHead(active, title) {
  return h(
    'div.page-head',
    {},
    h('h1', {}, title),
    h(
      'nav.subnav',
      { 'aria-label': 'alerting' },
      SECTIONS.map((s) => h('a', { href: s.hash, 'aria-current': s.key === active ? 'page' : undefined, dataset: { section: s.key } }, s.label)),
    ),
  );
}

export const SEVERITY_LABEL = { info: 'Info', warning: 'Warning', error: 'Error', critical: 'Critical' };

/** Severity as a word on a coloured tag: the colour helps, the word carries it. */
export const severityTag = (severity) => h(`span.sevtag.sevtag-${severity}`, { dataset: { severity } }, SEVERITY_LABEL[severity] ?? severity);

const ALERT_STATE_LABEL = { pending: 'Pending', firing: 'Firing', resolved: 'Resolved' };
export const alertStateTag = (state) => h(`span.astate.astate-${state}`, { dataset: { state } }, ALERT_STATE_LABEL[state] ?? state);

export const STATE_CHOICES = ['unavailable', 'offline', 'degraded', 'stopped'];

export const COVERED_LABEL = {
  lower: 'one step less severe',
  skip: 'no alert',
  same: 'same severity',
};

let catalogue = null;
/** GET /api/alert-conditions, once per page load: the codes, states, metrics and severities a rule may use. */
export async function loadCatalogue() {
  catalogue ??= api.get('/api/alert-conditions').catch((error) => {
    catalogue = null;
    throw error;
  });
  return catalogue;
}

const metricOf = (cat, metric) => cat?.metrics?.find((m) => m.metric === metric);
/** "Disk used" of the catalogue's "Disk used above": the threshold's own field says "above". */
export const metricName = (m) => (m?.label ?? m?.metric ?? '').replace(/\s+above$/i, '');
const codeOf = (cat, code) => cat?.codes?.find((c) => c.code === code);

/** "Drive full, at least warning" / "Unavailable or offline" / "Disk used above 90 %". */
export function conditionText(condition, cat) {
  if (!condition) return '';
  if (condition.kind === 'problem') {
    const what = condition.code ? (codeOf(cat, condition.code)?.label ?? codeLabel(condition.code)) : 'Any problem';
    return condition.minSeverity ? `${what}, at least ${condition.minSeverity}` : what;
  }
  if (condition.kind === 'state') {
    const names = (condition.states ?? []).map((s) => s.charAt(0).toUpperCase() + s.slice(1));
    return names.length > 1 ? `${names.slice(0, -1).join(', ')} or ${names.at(-1)}` : (names[0] ?? 'State');
  }
  if (condition.kind === 'metric') {
    const m = metricOf(cat, condition.metric);
    return `${m ? metricName(m) : condition.metric} above ${condition.above}${m?.unit ? ` ${m.unit}` : ''}`;
  }
  return condition.kind;
}

/** Names for scope entries, from the APIs the user can already read. */
export async function loadScopeOptions() {
  const [inst, sites, recs] = await Promise.all([
    api.get('/api/installations').catch(() => ({ installations: [] })),
    api.get('/api/sites').catch(() => ({ sites: [] })),
    api.get('/api/recorders').catch(() => ({ recorders: [] })),
  ]);
  const byName = (a, b) => a.label.localeCompare(b.label);
  return {
    installations: inst.installations.map((i) => ({ value: i.slc, label: i.name || i.slc })).sort(byName),
    sites: sites.sites.map((s) => ({ value: `${s.installation.slc}/${s.id}`, label: `${s.name} (${s.installation.name || s.installation.slc})` })).sort(byName),
    recorders: recs.recorders.map((r) => ({ value: r.id, label: `${r.name} (${r.id})` })).sort(byName),
  };
}

const SCOPE_KINDS = [
  { key: 'installations', one: 'installation', title: 'Installations' },
  { key: 'sites', one: 'site', title: 'Sites' },
  { key: 'recorders', one: 'recorder', title: 'Recorders' },
];

const emptyScope = () => ({ installations: [], sites: [], recorders: [] });

/** "Everything" / "Harbour Terminal; 2 recorders" — names where the page knows them. */
export function scopeText(scope, options) {
  const parts = [];
  for (const kind of SCOPE_KINDS) {
    const list = scope?.[kind.key] ?? [];
    if (list.length === 0) continue;
    const names = list.map((v) => options?.[kind.key]?.find((o) => o.value === v)?.label ?? v);
    parts.push(names.length <= 2 ? names.join(', ') : `${names.length} ${kind.key}`);
  }
  return parts.length ? parts.join('; ') : 'Everything';
}

let pickerCount = 0;
/**
 * Installations, sites and recorders a rule or silence applies to: type (the list suggests the
 * caller's own), Enter or "Add", and remove again. Nothing chosen means everything the owner sees.
 */
export function scopePicker(initial, options) {
  const n = ++pickerCount;
  const scope = { ...emptyScope(), ...structuredClone(initial ?? {}) };
  const el = h('fieldset.scope', { dataset: { field: 'scope' } }, h('legend', {}, 'Scope'));
  const hint = h('p.hint', {});
  el.append(hint);
  const lists = {};
  const sync = () => {
    const any = SCOPE_KINDS.some((k) => scope[k.key].length);
    hint.textContent = any ? 'A recorder matches if it is in any of these.' : 'Nothing chosen: everything you see, now and later.';
    for (const kind of SCOPE_KINDS) {
      lists[kind.key].replaceChildren(
        ...scope[kind.key].map((value) => {
          const label = options?.[kind.key]?.find((o) => o.value === value)?.label ?? value;
          return h(
            'li.chip',
            { dataset: { value } },
            h('span', {}, label),
            h(
              'button.chip-x',
              {
                type: 'button',
                'aria-label': `remove ${kind.one} ${label}`,
                onclick: () => {
                  scope[kind.key] = scope[kind.key].filter((v) => v !== value);
                  sync();
                },
              },
              '×',
            ),
          );
        }),
      );
    }
  };
  for (const kind of SCOPE_KINDS) {
    const listId = `scope-${kind.key}-${n}`;
    const input = h('input', {
      name: `scope-${kind.key}`,
      list: listId,
      autocomplete: 'off',
      spellcheck: 'false',
      placeholder: `type to find a${kind.one === 'installation' ? 'n' : ''} ${kind.one}`,
    });
    const add = () => {
      const typed = input.value.trim();
      if (!typed) return;
      // The list offers ids with names as labels; someone may also type the name itself.
      const known = options?.[kind.key] ?? [];
      const match = known.find((o) => o.value === typed) ?? known.find((o) => o.label.toLowerCase() === typed.toLowerCase());
      const value = match?.value ?? typed;
      if (!scope[kind.key].includes(value)) scope[kind.key].push(value);
      input.value = '';
      sync();
    };
    input.addEventListener('keydown', (event) => {
      if (event.key === 'Enter') {
        event.preventDefault();
        add();
      }
    });
    lists[kind.key] = h('ul.chips', { 'aria-label': `chosen ${kind.key}` });
    el.append(
      h(
        'div.scope-kind',
        { dataset: { kind: kind.key, field: `scope.${kind.key}` } },
        h(
          'label',
          {},
          `Add ${kind.one === 'installation' ? 'an' : 'a'} ${kind.one}`,
          h('span.with-button', {}, input, h('button.ghost', { type: 'button', onclick: add }, 'Add')),
        ),
        h(
          'datalist',
          { id: listId },
          (options?.[kind.key] ?? []).map((o) => h('option', { value: o.value }, o.label)),
        ),
        lists[kind.key],
      ),
    );
  }
  sync();
  return { el, value: () => structuredClone(scope) };
}

/**
 * Puts a server error next to the field it names (the API names the field in every 400). `fields`
 * maps words (or patterns) that may appear in the message to the element to mark, most specific first.
 */
export function showFieldError(form, summary, error, fields) {
  clearFieldErrors(form);
  const message = error?.message ?? String(error);
  summary.className = 'form-msg bad';
  summary.textContent = message;
  const hit = fields.find(([word]) => (word instanceof RegExp ? word : new RegExp(`(^|[^A-Za-z])${word}([^A-Za-z]|$)`)).test(message));
  const target = hit?.[1]();
  if (!target) return null;
  const box = target.closest('[data-field]') ?? target;
  box.classList.add('invalid');
  const note = h('p.field-error', { id: `${form.id || 'form'}-field-error`, role: 'alert' }, message);
  box.append(note);
  const control = box.matches('input, select, textarea') ? box : box.querySelector('input, select, textarea');
  if (control) {
    control.setAttribute('aria-invalid', 'true');
    control.setAttribute('aria-describedby', note.id);
    control.focus();
  }
  return box;
}

export function clearFieldErrors(form) {
  for (const el of form.querySelectorAll('.field-error')) el.remove();
  for (const el of form.querySelectorAll('.invalid')) el.classList.remove('invalid');
  for (const el of form.querySelectorAll('[aria-invalid]')) {
    el.removeAttribute('aria-invalid');
    el.removeAttribute('aria-describedby');
  }
}

const HOUR = 3_600_000;
const DURATIONS = [
  { key: '1h', label: '1 h', ms: HOUR },
  { key: '4h', label: '4 h', ms: 4 * HOUR },
  { key: '24h', label: '24 h', ms: 24 * HOUR },
  { key: 'custom', label: 'until…', ms: null },
];

/** "2025-01-31T14:05" in local time, for a datetime-local input. */
const localInput = (ms) => {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
};

/**
 * Silence from an alert: scope prefilled with its recorder (or its site, for a site alert), a
 * duration of 1, 4 or 24 hours or a chosen end, and a reason, which is required.
 */
export function openSilenceDialog(entry, onDone) {
  const choices = [];
  if (entry.recorder) choices.push({ key: 'recorder', label: `This recorder: ${entry.recorder.name}`, scope: { recorders: [entry.recorder.id] } });
  if (entry.site && entry.installation)
    choices.push({ key: 'site', label: `Its site: ${entry.site.name}`, scope: { sites: [`${entry.installation.slc}/${entry.site.id}`] } });
  if (entry.installation)
    choices.push({
      key: 'installation',
      label: `The installation: ${entry.installation.name || entry.installation.slc}`,
      scope: { installations: [entry.installation.slc] },
    });
  const message = h('p.form-msg', { role: 'status' });
  const custom = h('input', {
    type: 'datetime-local',
    name: 'endsAt',
    value: localInput(Date.now() + 2 * HOUR),
    'aria-label': 'silence until',
    disabled: true,
  });
  const reason = h('input', { name: 'reason', required: true, maxlength: 500, placeholder: 'e.g. maintenance window, technician on site' });
  const radios = (name, items, checkedKey) =>
    items.map((item) => h('label.check', {}, h('input', { type: 'radio', name, value: item.key, checked: item.key === checkedKey }), item.label));
  const form = h(
    'form.dialog-form#silence-form',
    { method: 'dialog' },
    h('h2', {}, 'Silence notifications'),
    h('p.dialog-what', {}, entry.summary),
    h('fieldset', { dataset: { field: 'scope' } }, h('legend', {}, 'For'), radios('scope', choices, choices[0]?.key)),
    entry.rules?.length > 1
      ? h(
          'label',
          { dataset: { field: 'ruleId' } },
          'Rule',
          h(
            'select',
            { name: 'ruleId' },
            h('option', { value: '' }, 'Any rule'),
            entry.rules.map((r) => h('option', { value: r.id }, r.name)),
          ),
        )
      : null,
    h('fieldset.durations', { dataset: { field: 'endsAt' } }, h('legend', {}, 'For how long'), radios('duration', DURATIONS, '1h'), custom),
    h('label', { dataset: { field: 'reason' } }, 'Reason', reason),
    h('p.muted.small', {}, 'Silenced alerts stay listed, marked silenced; they notify nobody until the silence ends.'),
    message,
    h(
      'div.dialog-buttons',
      {},
      h('button.ghost', { type: 'button', value: 'cancel', onclick: () => dialog.close() }, 'Cancel'),
      h('button.primary', { type: 'submit', value: 'silence' }, 'Silence'),
    ),
  );
  const dialog = h('dialog.dialog#silence-dialog', { 'aria-labelledby': 'silence-title' }, form);
  form.querySelector('h2').id = 'silence-title';
  form.addEventListener('change', (event) => {
    if (event.target.name === 'duration') {
      custom.disabled = event.target.value !== 'custom';
      if (!custom.disabled) custom.focus();
    }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const choice = choices.find((c) => c.key === data.get('scope'));
    const duration = DURATIONS.find((d) => d.key === data.get('duration'));
    const endsAt = duration?.ms ? Date.now() + duration.ms : new Date(String(custom.value)).getTime();
    if (!Number.isFinite(endsAt) || endsAt <= Date.now()) {
      showFieldError(form, message, new Error('The end must be a time in the future.'), [['end', () => custom]]);
      return;
    }
    const body = { scope: { ...emptyScope(), ...choice?.scope }, endsAt, reason: String(data.get('reason')).trim() };
    if (data.get('ruleId')) body.ruleId = Number(data.get('ruleId'));
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api.post('/api/silences', body);
      dialog.close();
      await onDone?.();
    } catch (error) {
      showFieldError(form, message, error, [
        ['reason', () => reason],
        ['endsAt', () => custom],
        ['ruleId', () => form.querySelector('select[name=ruleId]')],
        ['scope', () => form.querySelector('fieldset')],
      ]);
    } finally {
      button.disabled = false;
    }
  });
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  reason.focus();
  return dialog;
}
