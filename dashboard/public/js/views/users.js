// Users (admins only): who may log in, with which role, when they last did, and the contact e-mail
// alert channels addressed to them send to. An admin sets a new password for someone who lost
// theirs (their sessions end); their own password they change on the Account page.
import { api } from '../api.js';
import { coalesce, dateTime, fill, h, relTime } from '../dom.js';
import { clearFieldErrors, showFieldError } from './alerting.js';
import { confirmButton } from './installations.js';

const ROLES = [
  ['admin', 'Admin: everything, and users'],
  ['noc', 'NOC: the whole fleet and alerting'],
  ['reseller', 'Reseller: its own installations'],
];

const roleSelect = (name, value) =>
  h(
    'select',
    { name },
    ROLES.map(([role, label]) => h('option', { value: role, selected: role === value }, label)),
  );

const passwordInput = (name, placeholder) => h('input', { name, type: 'password', autocomplete: 'new-password', minlength: 12, maxlength: 1000, placeholder });
const emailInput = (name, value) =>
  h('input', {
    name,
    type: 'email',
    inputmode: 'email',
    autocomplete: 'off',
    spellcheck: 'false',
    maxlength: 254,
    value: value ?? '',
    placeholder: 'name@example.com',
  });

/** Field names in the API's messages -> the control to mark. */
const fieldsOf = (f) => [
  ['username', () => f.username],
  ['role', () => f.role],
  ['password', () => f.password],
  ['contactEmail', () => f.contactEmail],
];

function createForm(onCreated) {
  const f = {
    username: h('input', { name: 'username', required: true, autocomplete: 'off', spellcheck: 'false', maxlength: 64, pattern: '^[A-Za-z0-9._@\\-]+$' }),
    role: roleSelect('role', 'reseller'),
    password: passwordInput('password', 'at least 12 characters'),
    contactEmail: emailInput('contactEmail', ''),
  };
  f.password.required = true;
  const message = h('p.form-msg', { role: 'status' });
  const form = h(
    'form#user-create-form',
    { novalidate: true },
    h('h2', {}, 'New user'),
    h(
      'div.form-grid',
      {},
      h('label', { dataset: { field: 'username' } }, 'User name', f.username),
      h('label', { dataset: { field: 'role' } }, 'Role', f.role),
      h('label', { dataset: { field: 'password' } }, 'Password', f.password),
      h('label', { dataset: { field: 'contactEmail' } }, 'Contact e-mail (optional)', f.contactEmail),
    ),
    message,
    h('div.form-buttons', {}, h('button.primary', { type: 'submit' }, 'Create user')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    message.className = 'form-msg';
    message.textContent = '';
    const body = { username: f.username.value.trim(), role: f.role.value, password: f.password.value };
    if (f.contactEmail.value.trim() !== '') body.contactEmail = f.contactEmail.value.trim();
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const { user } = await api.post('/api/users', body);
      form.reset();
      message.className = 'form-msg ok';
      message.textContent = `User “${user.username}” created.`;
      await onCreated(user);
    } catch (error) {
      showFieldError(form, message, error, fieldsOf(f));
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** Role, contact e-mail and (for someone else) a new password; only what changed is sent. */
function editForm(user, me, { onSaved, onCancel }) {
  const own = user.username === me.username;
  const f = {
    role: roleSelect('role', user.role),
    contactEmail: emailInput('contactEmail', user.contactEmail),
    password: own ? null : passwordInput('password', 'leave empty to keep it'),
  };
  const message = h('p.form-msg', { role: 'status' });
  const form = h(
    'form#user-edit-form',
    { novalidate: true, dataset: { username: user.username } },
    h('h2', {}, `Edit “${user.username}”`),
    h(
      'div.form-grid',
      {},
      h('label', { dataset: { field: 'role' } }, 'Role', f.role),
      h('label', { dataset: { field: 'contactEmail' } }, 'Contact e-mail', f.contactEmail),
      own
        ? h('p.muted.wide', {}, 'Your own password: change it on ', h('a', { href: '#/account' }, 'your account page'), '.')
        : h('label', { dataset: { field: 'password' } }, 'New password (their sessions end)', f.password),
    ),
    message,
    h('div.form-buttons', {}, h('button.primary', { type: 'submit' }, 'Save'), h('button.ghost', { type: 'button', onclick: onCancel }, 'Cancel')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const change = {};
    if (f.role.value !== user.role) change.role = f.role.value;
    const email = f.contactEmail.value.trim();
    if (email !== (user.contactEmail ?? '')) change.contactEmail = email === '' ? null : email;
    if (f.password && f.password.value !== '') change.password = f.password.value;
    if (Object.keys(change).length === 0) {
      message.className = 'form-msg';
      message.textContent = 'Nothing changed.';
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const { user: saved } = await api.patch(`/api/users/${encodeURIComponent(user.username)}`, change);
      await onSaved(saved, change.password !== undefined);
    } catch (error) {
      showFieldError(form, message, error, fieldsOf(f));
    } finally {
      button.disabled = false;
    }
  });
  return { form, focus: () => f.role.focus() };
}

export const usersView = {
  section: 'users',
  title: 'Users',
  mount(section, { user: me }) {
    const status = h('p.form-msg#users-status', { role: 'status' });
    const listSlot = h('div');
    const editorSlot = h('div.card.editor-card', { hidden: true });
    let disposed = false;
    let shown = [];

    const report = (text, bad = false) => {
      status.className = `form-msg ${bad ? 'bad' : 'ok'}`;
      status.textContent = text;
    };
    const closeEditor = () => {
      editorSlot.hidden = true;
      editorSlot.replaceChildren();
    };
    const openEditor = (user, opener) => {
      const { form, focus } = editForm(user, me, {
        onSaved: async (saved, reset) => {
          closeEditor();
          report(`User “${saved.username}” saved.${reset ? ' Their sessions have ended; give them the new password.' : ''}`);
          await refresh();
          listSlot.querySelector(`tr[data-username="${CSS.escape(saved.username)}"] button.edit`)?.focus();
        },
        onCancel: () => {
          closeEditor();
          opener?.focus();
        },
      });
      editorSlot.replaceChildren(form);
      editorSlot.hidden = false;
      editorSlot.scrollIntoView({ block: 'start' });
      focus();
    };

    fill(
      section,
      h('div.page-head', {}, h('h1', {}, 'Users')),
      h('p.muted.intro', {}, 'Who may log in and what they see. A contact e-mail is where alert channels that name the user send.'),
      h(
        'div.card.editor-card',
        {},
        createForm(async () => {
          await refresh();
        }),
      ),
      editorSlot,
      status,
      h('section.card', {}, h('h2', {}, 'All users'), listSlot),
    );

    const refresh = coalesce(async () => {
      const { users } = await api.get('/api/users');
      if (disposed) return;
      shown = users;
      fill(
        listSlot,
        h(
          'table.users.stack',
          {},
          h(
            'thead',
            {},
            h(
              'tr',
              {},
              ['User', 'Role', 'Contact e-mail', 'Created', 'Last login', ''].map((t) => h('th', {}, t)),
            ),
          ),
          h(
            'tbody',
            {},
            shown.map((u) => {
              const editButton = h('button.ghost.edit', { type: 'button', 'aria-label': `Edit ${u.username}` }, 'Edit');
              editButton.addEventListener('click', () => openEditor(u, editButton));
              return h(
                'tr',
                { dataset: { username: u.username, role: u.role } },
                h('td', { dataset: { label: 'User' } }, h('b', {}, u.username), u.username === me.username ? h('span.muted', {}, ' (you)') : null),
                h('td', { dataset: { label: 'Role' } }, h(`span.role.role-${u.role}`, {}, u.role)),
                h('td.break', { dataset: { label: 'Contact e-mail' } }, u.contactEmail ?? h('span.muted', {}, 'none')),
                h('td', { dataset: { label: 'Created' } }, dateTime(u.createdAt)),
                h('td', { dataset: { label: 'Last login' } }, u.lastLoginAt ? relTime(u.lastLoginAt) : h('span.muted', {}, 'never')),
                h(
                  'td.actions',
                  {},
                  editButton,
                  u.username === me.username
                    ? null
                    : confirmButton('Delete', `Click again to delete ${u.username}`, async () => {
                        try {
                          await api.del(`/api/users/${encodeURIComponent(u.username)}`);
                          report(`User “${u.username}” deleted.`);
                        } catch (error) {
                          report(`Could not delete “${u.username}”: ${error.message}`, true);
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
