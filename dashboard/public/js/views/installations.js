// Installations: a reseller registers its customers' installations by their software licence code
// (SLC) and from then on sees their recorders; NOC and admin see every installation.
import { ApiError, api } from '../api.js';
import { coalesce, dateTime, fill, h } from '../dom.js';

const SLC_PATTERN = '^[A-Za-z0-9\\-]+$';

/** Two clicks to remove, so a stray click cannot drop a customer from the reseller's view. */
export function confirmButton(label, confirmLabel, action) {
  const button = h('button.ghost.danger', { type: 'button' }, label);
  let armed = false;
  let timer;
  button.addEventListener('click', async () => {
    if (!armed) {
      armed = true;
      button.textContent = confirmLabel;
      button.classList.add('armed');
      timer = setTimeout(() => {
        armed = false;
        button.textContent = label;
        button.classList.remove('armed');
      }, 4_000);
      return;
    }
    clearTimeout(timer);
    button.disabled = true;
    try {
      await action();
    } finally {
      button.disabled = false;
    }
  });
  return button;
}

function registerForm(onDone) {
  const message = h('p.form-msg', { role: 'status' });
  const input = h('input', {
    name: 'slc',
    required: true,
    minlength: 4,
    maxlength: 64,
    pattern: SLC_PATTERN,
    placeholder: 'e.g. M01-NW-HARBOUR-0001',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  const form = h(
    'form.inline-form#register-slc',
    {},
    h('label', {}, 'Software licence code (SLC)', input),
    h('button.primary', { type: 'submit' }, 'Register installation'),
    message,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const slc = input.value.trim();
    message.className = 'form-msg';
    try {
      const result = await api.post('/api/installations', { slc });
      message.textContent =
        result?.status === 'already-yours' ? `${slc} is already registered to you.` : `${slc} registered. Its recorders appear as soon as their agents report.`;
      message.classList.add('ok');
      input.value = '';
      await onDone();
    } catch (error) {
      message.classList.add('bad');
      message.textContent =
        error instanceof ApiError && error.status === 409
          ? `${slc} is registered to another reseller. If this customer is yours, contact support.`
          : `Could not register: ${error.message}`;
    }
  });
  return form;
}

export const installationsView = {
  section: 'installations',
  title: 'Installations',
  mount(section, { user }) {
    const list = h('div');
    const isReseller = user.role === 'reseller';
    const refresh = coalesce(async () => {
      const { installations } = await api.get('/api/installations');
      const sorted = [...installations].sort((a, b) => (a.name || a.slc).localeCompare(b.name || b.slc));
      list.replaceChildren(
        sorted.length === 0
          ? h('p.empty', {}, isReseller ? 'No installation registered yet. Register one with its SLC above.' : 'No installation known yet.')
          : h(
              'table.installations',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  h('th', {}, 'Installation'),
                  h('th', {}, 'SLC'),
                  h('th.num', {}, 'Recorders'),
                  isReseller ? [h('th', {}, 'Registered'), h('th', {}, '')] : null,
                ),
              ),
              h(
                'tbody',
                {},
                sorted.map((i) =>
                  h(
                    'tr',
                    { dataset: { slc: i.slc } },
                    h('td', {}, i.name || h('span.muted', {}, 'no recorder has reported yet')),
                    h('td.mono', {}, i.slc),
                    h('td.num', {}, i.recorders),
                    isReseller ? h('td.muted', {}, i.registeredAt ? dateTime(i.registeredAt) : '–') : null,
                    isReseller
                      ? h(
                          'td.actions',
                          {},
                          confirmButton('Remove', 'Click again to remove', async () => {
                            await api.del(`/api/installations/${encodeURIComponent(i.slc)}`);
                            await refresh();
                          }),
                        )
                      : null,
                  ),
                ),
              ),
            ),
      );
    });
    fill(
      section,
      h('div.page-head', {}, h('h1', {}, 'Installations')),
      isReseller
        ? h(
            'section.card',
            {},
            h('h2', {}, 'Register an installation'),
            h('p.muted', {}, 'Enter the software licence code of a customer installation you look after. Its recorders then appear in your fleet.'),
            registerForm(refresh),
          )
        : h('p.muted', {}, 'Every installation that has reported to this Vigil, whether or not a reseller has registered it.'),
      h('section.card', {}, h('h2', {}, isReseller ? 'Your installations' : 'All installations'), list),
    );
    return { refresh, onEvent: () => undefined };
  },
};
