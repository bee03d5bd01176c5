// Silences (docs/DESIGN.md "Alerting"): a scope, optionally one rule, a time window and a reason.
// Matching alerts stay listed, marked silenced, and notify nobody while it lasts. Listed: active,
// future, and ended within the last 24 h; "End now" ends one at once.
import { api } from '../api.js';
import { coalesce, dateTime, fill, h, relTime } from '../dom.js';
import { confirmButton } from './installations.js';
import { alertingHead, clearFieldErrors, loadScopeOptions, scopePicker, scopeText, showFieldError } from './alerting.js';

const localInput = (ms) => new Date(ms - new Date(ms).getTimezoneOffset() * 60_000).toISOString().slice(0, 16);

function statusOf(s, now) {
  if (s.endsAt <= now) return 'ended';
  if (s.startsAt > now) return 'scheduled';
  return 'active';
}

/** A maintenance window: scope, rule, start and end, reason. */
function silenceEditor({ scopeOptions, rules, onSaved, onCancel }) {
  const now = Date.now();
  const f = {
    rule: h(
      'select',
      { name: 'ruleId' },
      h('option', { value: '' }, 'Any rule'),
      rules.map((r) => h('option', { value: r.id }, r.name)),
    ),
    starts: h('input', { type: 'datetime-local', name: 'startsAt', value: localInput(now) }),
    ends: h('input', { type: 'datetime-local', name: 'endsAt', value: localInput(now + 2 * 3_600_000) }),
    reason: h('input', { name: 'reason', maxlength: 500, placeholder: 'e.g. firmware upgrade at the harbour site' }),
  };
  const scope = scopePicker(null, scopeOptions);
  const message = h('p.form-msg', { role: 'status' });
  const form = h(
    'form.silence-editor#new-silence',
    { novalidate: true },
    h('h2', {}, 'New silence'),
    h(
      'div.form-grid',
      {},
      h('div.wide', {}, scope.el),
      h('label', { dataset: { field: 'ruleId' } }, 'Rule', f.rule),
      h('label', { dataset: { field: 'startsAt' } }, 'From', f.starts),
      h('label', { dataset: { field: 'endsAt' } }, 'Until', f.ends),
      h('label.wide', { dataset: { field: 'reason' } }, 'Reason', f.reason),
    ),
    message,
    h('div.form-buttons', {}, h('button.primary', { type: 'submit' }, 'Create silence'), h('button.ghost', { type: 'button', onclick: onCancel }, 'Cancel')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const body = { scope: scope.value(), endsAt: new Date(f.ends.value).getTime(), reason: f.reason.value.trim() };
    const startsAt = new Date(f.starts.value).getTime();
    if (Number.isFinite(startsAt)) body.startsAt = startsAt;
    if (f.rule.value) body.ruleId = Number(f.rule.value);
    if (!Number.isFinite(body.endsAt)) {
      showFieldError(form, message, new Error('Choose when the silence ends.'), [['ends', () => f.ends]]);
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api.post('/api/silences', body);
      await onSaved();
    } catch (error) {
      showFieldError(form, message, error, [
        ['reason', () => f.reason],
        ['endsAt', () => f.ends],
        ['startsAt', () => f.starts],
        ['ruleId', () => f.rule],
        ['installations', () => scope.el.querySelector('[data-kind=installations]')],
        ['sites', () => scope.el.querySelector('[data-kind=sites]')],
        ['recorders', () => scope.el.querySelector('[data-kind=recorders]')],
        ['scope', () => scope.el],
      ]);
    } finally {
      button.disabled = false;
    }
  });
  return { form, focus: () => scope.el.querySelector('input')?.focus() };
}

export const silencesView = {
  section: 'silences',
  title: 'Silences',
  mount(section) {
    const editorSlot = h('div.card.editor-card', { hidden: true });
    const listSlot = h('div');
    const status = h('p.form-msg#silences-status', { role: 'status' });
    // Enabled once the editor's lists (rules, scopes) have loaded: a click before did nothing.
    const newButton = h('button.primary#new-silence-button', { type: 'button', disabled: true }, 'New silence');
    fill(
      section,
      alertingHead('silences', 'Silences'),
      h(
        'p.muted.intro',
        {},
        'Silenced alerts stay listed, marked silenced, and notify nobody while the silence lasts. One still firing when it ends is notified then.',
      ),
      h('div.toolbar', {}, newButton, status),
      editorSlot,
      h('section.card', {}, h('h2', {}, 'Active, scheduled, and ended in the last 24 h'), listSlot),
    );
    let data = null;
    let disposed = false;
    const report = (text, bad = false) => {
      status.className = `form-msg ${bad ? 'bad' : 'ok'}`;
      status.textContent = text;
    };
    const closeEditor = () => {
      editorSlot.hidden = true;
      editorSlot.replaceChildren();
      newButton.hidden = false;
    };
    newButton.addEventListener('click', () => {
      if (!data) return;
      const { form, focus } = silenceEditor({
        ...data,
        onSaved: async () => {
          closeEditor();
          report('Silence created.');
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
      focus();
    });

    const refresh = coalesce(async () => {
      const [{ silences }, { rules }, scopeOptions] = await Promise.all([
        api.get('/api/silences'),
        api.get('/api/rules').catch(() => ({ rules: [] })),
        loadScopeOptions(),
      ]);
      if (disposed) return;
      data = { rules, scopeOptions };
      newButton.disabled = false;
      const now = Date.now();
      const order = { active: 0, scheduled: 1, ended: 2 };
      const sorted = [...silences].sort((a, b) => order[statusOf(a, now)] - order[statusOf(b, now)] || a.endsAt - b.endsAt);
      fill(
        listSlot,
        sorted.length === 0
          ? h('p.empty', {}, 'No silence.')
          : h(
              'table.silences.stack',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Status', 'Scope', 'Rule', 'From', 'Until', 'Reason', ''].map((t) => h('th', {}, t)),
                ),
              ),
              h(
                'tbody',
                {},
                sorted.map((s) => {
                  const st = statusOf(s, now);
                  return h(
                    'tr',
                    { dataset: { silenceId: s.id, status: st } },
                    h('td', { dataset: { label: 'Status' } }, h(`span.tag.silence-${st}`, {}, st)),
                    h('td', { dataset: { label: 'Scope' } }, scopeText(s.scope, scopeOptions)),
                    h(
                      'td',
                      { dataset: { label: 'Rule' } },
                      s.ruleId ? (rules.find((r) => r.id === s.ruleId)?.name ?? `#${s.ruleId}`) : h('span.muted', {}, 'any'),
                    ),
                    h('td.when', { dataset: { label: 'From' } }, dateTime(s.startsAt)),
                    h('td.when', { dataset: { label: 'Until' } }, dateTime(s.endsAt), st === 'ended' ? [' (', relTime(s.endsAt), ')'] : null),
                    h('td', { dataset: { label: 'Reason' } }, s.reason, h('div.msg', {}, `by ${s.createdBy}`)),
                    h(
                      'td.actions',
                      {},
                      st === 'ended'
                        ? null
                        : confirmButton('End now', 'Click again to end it', async () => {
                            try {
                              await api.del(`/api/silences/${s.id}`);
                              report('Silence ended.');
                            } catch (error) {
                              report(`Could not end it: ${error.message}`, true);
                            }
                            await refresh();
                          }),
                    ),
                  );
                }),
              ),
            ),
      );
    });
    return {
      refresh,
      unmount: () => {
        disposed = true;
      },
    };
  },
};
