// Your own account (everyone): the contact e-mail alert channels addressed to you send to, and your
// password (the current one is asked; your other sessions end, this one stays).
import { api } from '../api.js';
import { coalesce, fill, h, relTime } from '../dom.js';
import { clearFieldErrors, showFieldError } from './alerting.js';

const ROLE_TEXT = {
  admin: 'Admin: everything, and users',
  noc: 'NOC: the whole fleet and alerting',
  reseller: 'Reseller: the installations you hold',
};

function contactForm(account, onSaved) {
  const email = h('input', {
    name: 'contactEmail',
    type: 'email',
    inputmode: 'email',
    autocomplete: 'email',
    spellcheck: 'false',
    maxlength: 254,
    value: account.contactEmail ?? '',
    placeholder: 'name@example.com',
    'aria-describedby': 'contact-email-hint',
  });
  const message = h('p.form-msg', { role: 'status' });
  const form = h(
    'form#contact-form',
    { novalidate: true },
    h('h2', {}, 'Contact e-mail'),
    h('p.muted#contact-email-hint', {}, 'Alert e-mails of channels that name you are sent here. Leave it empty to receive none.'),
    h('div.form-grid', {}, h('label', { dataset: { field: 'contactEmail' } }, 'Contact e-mail', email)),
    message,
    h('div.form-buttons', {}, h('button.primary', { type: 'submit' }, 'Save contact e-mail')),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const value = email.value.trim();
      const { user } = await api.patch('/api/account', { contactEmail: value === '' ? null : value });
      message.className = 'form-msg ok';
      message.textContent = user.contactEmail ? `Saved: alert e-mails for you go to ${user.contactEmail}.` : 'Cleared: no alert e-mail goes to you.';
      onSaved(user);
    } catch (error) {
      showFieldError(form, message, error, [['contactEmail', () => email]]);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

function passwordForm(username) {
  const f = {
    // For password managers: which account this is.
    username: h('input', { name: 'username', autocomplete: 'username', value: username, hidden: true, readonly: true, tabindex: -1 }),
    current: h('input', { name: 'currentPassword', type: 'password', autocomplete: 'current-password', required: true, maxlength: 1000 }),
    next: h('input', { name: 'newPassword', type: 'password', autocomplete: 'new-password', required: true, minlength: 12, maxlength: 1000 }),
    again: h('input', { name: 'repeatPassword', type: 'password', autocomplete: 'new-password', required: true, minlength: 12, maxlength: 1000 }),
  };
  const message = h('p.form-msg', { role: 'status' });
  const form = h(
    'form#password-form',
    { novalidate: true },
    h('h2', {}, 'Password'),
    h('p.muted', {}, 'At least 12 characters. Your other sessions (another browser, your phone) are logged out; this one stays.'),
    f.username,
    h(
      'div.form-grid',
      {},
      h('label', { dataset: { field: 'currentPassword' } }, 'Current password', f.current),
      h('label', { dataset: { field: 'newPassword' } }, 'New password', f.next),
      h('label', { dataset: { field: 'repeatPassword' } }, 'New password again', f.again),
    ),
    message,
    h('div.form-buttons', {}, h('button.primary', { type: 'submit' }, 'Change password')),
  );
  const fields = [
    ['currentPassword', () => f.current],
    ['newPassword', () => f.next],
    ['repeatPassword', () => f.again],
  ];
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    if (f.next.value !== f.again.value) {
      showFieldError(form, message, new Error('repeatPassword: the two new passwords differ'), fields);
      return;
    }
    if (f.next.value.length < 12) {
      showFieldError(form, message, new Error('newPassword: at least 12 characters'), fields);
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await api.post('/api/account/password', { currentPassword: f.current.value, newPassword: f.next.value });
      for (const input of [f.current, f.next, f.again]) input.value = '';
      message.className = 'form-msg ok';
      message.textContent = 'Password changed. Your other sessions were logged out.';
    } catch (error) {
      showFieldError(form, message, error, fields);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

export const accountView = {
  section: 'account',
  title: 'Your account',
  mount(section, { user }) {
    const facts = h('dl.facts#account-facts');
    const contactSlot = h('div.card');
    fill(
      section,
      h('div.page-head', {}, h('h1', {}, 'Your account')),
      h('section.card', {}, facts),
      contactSlot,
      h('div.card', {}, passwordForm(user.username)),
    );
    let formShown = false;
    const showFacts = (account) =>
      fill(
        facts,
        h('dt', {}, 'User name'),
        h('dd', {}, account.username),
        h('dt', {}, 'Role'),
        h('dd', {}, ROLE_TEXT[account.role] ?? account.role),
        h('dt', {}, 'Last login'),
        h('dd', {}, account.lastLoginAt ? relTime(account.lastLoginAt) : '–'),
      );
    const refresh = coalesce(async () => {
      const { user: account } = await api.get('/api/account');
      showFacts(account);
      // The form keeps what is being typed: built once.
      if (!formShown) {
        fill(contactSlot, contactForm(account, showFacts));
        formShown = true;
      }
    });
    return { refresh };
  },
};
