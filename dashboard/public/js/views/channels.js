// Notification channels (docs/DESIGN.md "Alerting"): webhooks (URL, HMAC secret, timeout) and
// e-mail (addresses, and users, sent to at their contact e-mail as it is when the mail goes out).
// Each shows how its last delivery went. "Send test" files a request the
// notifier sends like any notification; the page polls for its outcome and shows it when it comes.
import { api } from '../api.js';
import { coalesce, fill, h, relTime } from '../dom.js';
import { confirmButton } from './installations.js';
import { alertingHead, clearFieldErrors, showFieldError } from './alerting.js';

const TEST_STATUS = {
  waiting: 'waiting for the notifier to pick it up…',
  queued: 'queued: the notifier is sending it…',
  sent: 'sent',
  failed: 'failed',
};

/** Outcomes of tests sent from this page, by channel id, so a refetch of the list keeps them. */
const tests = new Map();

/** The latest test: the one this page follows, or the last one anybody asked for (the server's). */
function latestTest(channel) {
  const mine = tests.get(channel.id);
  const last = channel.status?.lastTest;
  if (last && (!mine || last.id > mine.testId)) return { testId: last.id, status: last.status, error: last.error, at: last.at, by: last.requestedBy };
  return mine;
}

function testLine(channel) {
  const t = latestTest(channel);
  if (!t) return null;
  const done = t.status === 'sent' || t.status === 'failed';
  return h(
    `p.test-result.test-${t.status}`,
    { role: 'status', dataset: { testStatus: t.status } },
    h('b', {}, 'Test: '),
    TEST_STATUS[t.status] ?? t.status,
    t.by ? h('span.muted', {}, ` (asked by ${t.by})`) : null,
    t.status === 'sent' && t.at ? [' ', relTime(t.at)] : null,
    t.status === 'failed' && t.error ? `: ${t.error}` : null,
    !done && t.slow ? h('span.muted', {}, ' (nothing yet: is the ingestor with its alert engine running?)') : null,
  );
}

function statusCell(c) {
  const s = c.status ?? {};
  const failedLast = s.lastFailureAt && (!s.lastSuccessAt || s.lastFailureAt > s.lastSuccessAt);
  return [
    !s.lastSuccessAt && !s.lastFailureAt ? h('span.muted', {}, 'nothing sent yet') : null,
    s.lastSuccessAt ? h('div.chan-ok', {}, h('span.ok', {}, 'last sent '), relTime(s.lastSuccessAt)) : null,
    s.lastFailureAt
      ? h(
          `div.chan-fail${failedLast ? '.bad' : ''}`,
          {},
          h('b', {}, 'last failure '),
          relTime(s.lastFailureAt),
          s.lastError ? h('div.chan-error', {}, s.lastError) : null,
        )
      : null,
  ];
}

const target = (c) =>
  c.type === 'webhook'
    ? h('span.mono.break', {}, c.config.url, c.config.timeoutMs ? h('span.muted', {}, ` · ${c.config.timeoutMs / 1000} s timeout`) : null)
    : h(
        'span.break',
        {},
        (c.config.to ?? []).join(', '),
        (c.config.users ?? []).length > 0 ? h('span.chan-users', {}, (c.config.to ?? []).length > 0 ? '; ' : '', 'users: ', c.config.users.join(', ')) : null,
      );

/** The users an e-mail channel may name (NOC/admin: everyone; a reseller: itself), as checkboxes. */
async function fillUserChoices(fieldset, chosen) {
  let users;
  try {
    ({ users } = await api.get('/api/channel-users'));
  } catch (error) {
    fill(fieldset, h('legend', {}, 'Users'), h('p.form-msg.bad', {}, `Could not list users: ${error.message}`));
    return;
  }
  fill(
    fieldset,
    h('legend', {}, 'Users (sent to their contact e-mail)'),
    users.map((u) =>
      h(
        'label.check',
        {},
        h('input', { type: 'checkbox', name: 'users', value: u.username, checked: chosen.includes(u.username) }),
        u.username,
        h('span.muted', {}, ` (${u.role})`),
        u.hasContactEmail ? null : h('span.muted', {}, ' · no contact e-mail yet'),
      ),
    ),
  );
}

/** The editor: type fixed once made (the secret belongs to a webhook); the secret is write-only. */
function channelEditor({ channel, onSaved, onCancel }) {
  const type = channel?.type ?? 'webhook';
  const f = {
    name: h('input', { name: 'name', maxlength: 120, autocomplete: 'off', value: channel?.name ?? '', placeholder: 'e.g. NOC on-call' }),
    type: h(
      'select',
      { name: 'type', disabled: Boolean(channel) },
      h('option', { value: 'webhook', selected: type === 'webhook' }, 'Webhook'),
      h('option', { value: 'email', selected: type === 'email' }, 'E-mail'),
    ),
    url: h('input', {
      name: 'url',
      type: 'url',
      inputmode: 'url',
      autocomplete: 'off',
      spellcheck: 'false',
      value: channel?.config?.url ?? '',
      placeholder: 'https://…',
    }),
    secret: h('input', {
      name: 'secret',
      type: 'password',
      autocomplete: 'new-password',
      placeholder: channel ? 'set; leave empty to keep it' : 'shared secret for the HMAC-SHA256 signature',
    }),
    timeout: h('input', {
      name: 'timeoutSeconds',
      type: 'number',
      min: 1,
      step: 1,
      inputmode: 'numeric',
      value: channel?.config?.timeoutMs ? channel.config.timeoutMs / 1000 : '',
      placeholder: 'default',
    }),
    to: h('textarea', { name: 'to', rows: 2, spellcheck: 'false', placeholder: 'noc@example.com, oncall@example.com' }, (channel?.config?.to ?? []).join(', ')),
    enabled: h('input', { type: 'checkbox', name: 'enabled', checked: channel?.enabled ?? true }),
    users: h('fieldset.wide.user-choices', { dataset: { field: 'users' } }, h('legend', {}, 'Users'), h('p.muted', {}, 'loading…')),
  };
  const webhookPart = h(
    'div.form-grid.type-part',
    { dataset: { type: 'webhook' } },
    h('label.wide', { dataset: { field: 'url' } }, 'URL', f.url),
    h('label', { dataset: { field: 'secret' } }, 'Secret', f.secret),
    h('label', { dataset: { field: 'timeoutMs' } }, 'Timeout (seconds)', f.timeout),
  );
  const emailPart = h(
    'div.form-grid.type-part',
    { dataset: { type: 'email' } },
    h('label.wide', { dataset: { field: 'to' } }, 'Addresses (comma or line separated)', f.to),
    f.users,
  );
  fillUserChoices(f.users, channel?.config?.users ?? []);
  const showType = () => {
    webhookPart.hidden = f.type.value !== 'webhook';
    emailPart.hidden = f.type.value !== 'email';
  };
  f.type.addEventListener('change', showType);
  const message = h('p.form-msg', { role: 'status' });
  const form = h(
    'form.channel-editor#channel-form',
    { novalidate: true, dataset: { channelId: channel?.id ?? '' } },
    h('h2', {}, channel ? `Edit channel “${channel.name}”` : 'New channel'),
    h('div.form-grid', {}, h('label', { dataset: { field: 'name' } }, 'Name', f.name), h('label', { dataset: { field: 'type' } }, 'Type', f.type)),
    webhookPart,
    emailPart,
    h('label.check', {}, f.enabled, 'Enabled'),
    message,
    h(
      'div.form-buttons',
      {},
      h('button.primary', { type: 'submit' }, channel ? 'Save channel' : 'Create channel'),
      h('button.ghost', { type: 'button', onclick: onCancel }, 'Cancel'),
    ),
  );
  showType();

  const value = () => {
    const base = { name: f.name.value.trim(), enabled: f.enabled.checked };
    if (f.type.value === 'email') {
      const to = f.to.value
        .split(/[\s,;]+/)
        .map((s) => s.trim())
        .filter(Boolean);
      const users = [...f.users.querySelectorAll('input[name=users]:checked')].map((box) => box.value);
      return { ...base, type: 'email', config: { ...(to.length > 0 ? { to } : {}), users } };
    }
    const config = { url: f.url.value.trim() };
    // Write-only: sent when typed; left out on an edit to keep the one the server has.
    if (f.secret.value !== '' || !channel) config.secret = f.secret.value;
    if (f.timeout.value.trim() !== '') config.timeoutMs = Math.round(Number(f.timeout.value) * 1000);
    return { ...base, type: 'webhook', config };
  };

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearFieldErrors(form);
    message.className = 'form-msg';
    message.textContent = '';
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      const saved = channel ? await api.put(`/api/alert-channels/${channel.id}`, value()) : await api.post('/api/alert-channels', value());
      await onSaved(saved, channel ? 'saved' : 'created');
    } catch (error) {
      showFieldError(form, message, error, [
        ['url', () => f.url],
        ['secret', () => f.secret],
        ['timeoutMs', () => f.timeout],
        [/config[./]to\b/, () => f.to],
        [/config[./]users\b/, () => f.users],
        ['type', () => f.type],
        ['enabled', () => f.enabled],
        ['name', () => f.name],
      ]);
    } finally {
      button.disabled = false;
    }
  });
  return { form, focus: () => f.name.focus() };
}

export const channelsView = {
  section: 'channels',
  title: 'Channels',
  mount(section, { user }) {
    const editorSlot = h('div.card.editor-card', { hidden: true });
    const listSlot = h('div');
    const status = h('p.form-msg#channels-status', { role: 'status' });
    const newButton = h('button.primary#new-channel-button', { type: 'button' }, 'New channel');
    fill(
      section,
      alertingHead('channels', 'Channels'),
      h(
        'p.muted.intro',
        {},
        user.role === 'reseller' ? 'Your channels: they hear only of your installations.' : 'NOC channels, for NOC rules.',
        ' Webhooks get a JSON body signed with HMAC-SHA256; e-mail goes through the operator’s SMTP server.',
      ),
      h('div.toolbar', {}, newButton, status),
      editorSlot,
      h('section.card', {}, h('h2', {}, 'Channels'), listSlot),
    );
    let disposed = false;
    let editing = null;
    const polls = new Set();

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
    const openEditor = (channel) => {
      editing = channel ?? 'new';
      const { form, focus } = channelEditor({
        channel,
        onSaved: async (saved, how) => {
          closeEditor();
          report(`Channel “${saved?.name ?? ''}” ${how}.`);
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

    let shown = [];
    const redrawTest = (id) => {
      const slot = listSlot.querySelector(`tr[data-channel-id="${id}"] .test-slot`);
      const channel = shown.find((c) => c.id === id);
      if (slot && channel) fill(slot, testLine(channel));
    };

    /** Polls one test until it is sent or failed: every second, then every 5 s after a minute. */
    const follow = (channelId, testId) => {
      const started = Date.now();
      const tick = async () => {
        polls.delete(timer);
        if (disposed) return;
        try {
          const result = await api.get(`/api/alert-channels/${channelId}/tests/${testId}`);
          tests.set(channelId, { testId, ...result, slow: Date.now() - started > 15_000 });
        } catch (error) {
          tests.set(channelId, { testId, status: 'failed', error: `could not read the outcome: ${error.message}` });
        }
        redrawTest(channelId);
        const t = tests.get(channelId);
        if (t.status === 'sent' || t.status === 'failed') {
          refresh().catch(() => undefined);
          return;
        }
        timer = setTimeout(tick, Date.now() - started > 60_000 ? 5_000 : 1_000);
        polls.add(timer);
      };
      let timer = setTimeout(tick, 500);
      polls.add(timer);
    };

    const sendTest = async (c, button) => {
      button.disabled = true;
      try {
        const { testId } = await api.post(`/api/alert-channels/${c.id}/test`);
        tests.set(c.id, { testId, status: 'waiting' });
        redrawTest(c.id);
        follow(c.id, testId);
      } catch (error) {
        tests.set(c.id, { testId: Number.MAX_SAFE_INTEGER, status: 'failed', error: error.message });
        redrawTest(c.id);
      } finally {
        button.disabled = false;
      }
    };

    const refresh = coalesce(async () => {
      const { channels } = await api.get('/api/alert-channels');
      if (disposed) return;
      shown = channels;
      fill(
        listSlot,
        channels.length === 0
          ? h('p.empty', {}, 'No channel yet. Alerts are listed in the dashboard either way; add a channel to be told.')
          : h(
              'table.channels.stack',
              {},
              h(
                'thead',
                {},
                h(
                  'tr',
                  {},
                  ['Channel', 'Sends to', 'Status', ''].map((t) => h('th', {}, t)),
                ),
              ),
              h(
                'tbody',
                {},
                channels.map((c) => {
                  const testButton = h('button.ghost', { type: 'button', onclick: () => sendTest(c, testButton) }, 'Send test');
                  return h(
                    'tr',
                    { dataset: { channelId: c.id, type: c.type, enabled: String(c.enabled) } },
                    h(
                      'td',
                      { dataset: { label: 'Channel' } },
                      h('b', {}, c.name),
                      h('div.msg', {}, c.type === 'email' ? 'e-mail' : 'webhook', c.enabled ? '' : ' · disabled'),
                    ),
                    h('td', { dataset: { label: 'Sends to' } }, target(c)),
                    h(
                      'td.chan-status',
                      { dataset: { label: 'Status' } },
                      (c.notes ?? []).map((note) => h('p.chan-note', {}, note)),
                      statusCell(c),
                      h('div.test-slot', {}, testLine(c)),
                    ),
                    h(
                      'td.actions',
                      {},
                      testButton,
                      h('button.ghost', { type: 'button', onclick: () => openEditor(c) }, 'Edit'),
                      confirmButton('Delete', 'Click again to delete', async () => {
                        try {
                          await api.del(`/api/alert-channels/${c.id}`);
                          report(`Channel “${c.name}” deleted.`);
                        } catch (error) {
                          report(`Could not delete “${c.name}”: ${error.message}`, true);
                        }
                        await refresh();
                      }),
                    ),
                  );
                }),
              ),
            ),
      );
      if (editing && editing !== 'new' && !channels.some((c) => c.id === editing.id)) {
        closeEditor();
        report('The channel being edited was deleted.', true);
      }
    });
    return {
      refresh,
      // Deliveries and test outcomes are written to alerts.db, which the `alerts` event follows.
      onAlerts: () => refresh().catch(() => undefined),
      unmount: () => {
        disposed = true;
        for (const t of polls) clearTimeout(t);
      },
    };
  },
};
