// Installations and who holds them (docs/DESIGN.md "Tenancy"). A reseller makes an enrolment token
// for a new recorder of a customer's installation; once that recorder has enrolled with it and
// reported, the installation is the reseller's. A claim by SLC alone is a request an admin
// decides. Admins decide claims and assign installations; NOC sees who holds what.
import { ApiError, api } from '../api.js';
import { coalesce, dateTime, fill, h, labelCells } from '../dom.js';

const SLC_PATTERN = '^[A-Za-z0-9\\-]+$';
const RECORDER_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._\\-]{0,63}$';

const TOKEN_STATUS = {
  pending: 'waiting for the installer',
  enrolled: 'enrolled; waiting for the recorder to report this installation',
  granted: 'done: the installation is yours',
  'claim-pending': 'enrolled; an administrator reviews it',
  expired: 'expired',
  revoked: 'revoked',
};

const SOURCE = {
  enrollment: 'enrolled with your token',
  admin: 'assigned by an administrator',
  'approved-claim': 'claim approved',
  registration: 'registered before ownership had to be proven',
};

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

const input = (name, attrs) => h('input', { name, required: true, autocomplete: 'off', spellcheck: 'false', ...attrs });
const slcInput = () => input('slc', { minlength: 4, maxlength: 64, pattern: SLC_PATTERN, placeholder: 'e.g. M01-NW-HARBOUR-0001' });

/** A form whose submit runs `action(values)`; its message line says what came of it. */
function form(id, fields, submitLabel, action) {
  const message = h('p.form-msg', { role: 'status' });
  const el = h(`form.inline-form#${id}`, {}, fields, h('button.primary', { type: 'submit' }, submitLabel), message);
  el.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = Object.fromEntries([...new FormData(el)].map(([k, v]) => [k, String(v).trim()]));
    message.className = 'form-msg';
    try {
      message.textContent = (await action(values)) ?? '';
      message.classList.add('ok');
      el.reset();
    } catch (error) {
      message.classList.add('bad');
      message.textContent =
        error instanceof ApiError && error.status === 429 ? `${error.message}.` : `Could not do it: ${error instanceof Error ? error.message : error}`;
    }
  });
  return el;
}

/** The new token, shown once: the command for the installer, the agent.yaml lines, and the fleet CA to save as ca.crt. */
function tokenResult(made) {
  const ca = URL.createObjectURL(new Blob([made.ca], { type: 'application/x-pem-file' }));
  return h(
    'div.token-result#new-token-result',
    {},
    h('p', {}, h('strong', {}, 'Shown only now: '), `copy this for the installer of ${made.recorderId}. The token is valid until ${dateTime(made.expiresAt)}.`),
    h('p.muted', {}, 'On the recorder host, with the fleet CA saved beside it as ca.crt:'),
    h('pre.command', {}, made.command),
    h('p.muted', {}, 'and in its agent.yaml:'),
    h('pre.config', {}, made.agentConfig),
    h('p', {}, h('a', { href: ca, download: 'ca.crt' }, 'Download the fleet CA (ca.crt)')),
  );
}

function table(headers, rows, empty) {
  if (rows.length === 0) return h('p.empty', {}, empty);
  return h(
    'table.stack',
    {},
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        headers.map((x) => h('th', {}, x)),
      ),
    ),
    h('tbody', {}, rows),
  );
}

export const installationsView = {
  section: 'installations',
  title: 'Installations',
  mount(section, { user }) {
    const isReseller = user.role === 'reseller';
    const isAdmin = user.role === 'admin';
    const list = h('div');
    const tokens = h('div#tokens');
    const claims = h('div#claims');
    const tokenSlot = h('div');

    const refresh = coalesce(async () => {
      const { installations } = await api.get('/api/installations');
      const sorted = [...installations].sort((a, b) => (a.name || a.slc).localeCompare(b.name || b.slc));
      fill(
        list,
        sorted.length === 0
          ? h('p.empty', {}, isReseller ? 'No installation is yours yet: enrol a recorder of it with a token above.' : 'No installation known yet.')
          : h(
              'table.installations.stack',
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
                  isReseller ? [h('th', {}, 'Yours since'), h('th', {}, 'How'), h('th', {}, '')] : h('th', {}, 'Reseller'),
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
                    isReseller
                      ? [
                          h('td.muted', {}, i.registeredAt ? dateTime(i.registeredAt) : '–'),
                          h('td.muted', {}, SOURCE[i.source] ?? ''),
                          h(
                            'td.actions',
                            {},
                            confirmButton('Remove', 'Click again to remove', async () => {
                              await api.del(`/api/installations/${encodeURIComponent(i.slc)}`);
                              await refresh();
                            }),
                          ),
                        ]
                      : h('td', { dataset: { owner: i.owner ?? '' } }, i.owner ?? h('span.muted', {}, 'nobody')),
                  ),
                ),
              ),
            ),
      );
      if (isReseller) {
        const { tokens: mine } = await api.get('/api/enrollment-tokens');
        fill(
          tokens,
          table(
            ['Recorder', 'Installation', 'SLC', 'Status', 'Valid until', ''],
            mine.map((t) =>
              h(
                'tr',
                { dataset: { tokenId: t.id, status: t.status } },
                h('td.mono', {}, t.recorderId),
                h('td', {}, t.installationName),
                h('td.mono', {}, t.slc),
                h('td.status', {}, TOKEN_STATUS[t.status] ?? t.status),
                h('td.muted', {}, dateTime(t.expiresAt)),
                h(
                  'td.actions',
                  {},
                  t.status === 'pending'
                    ? confirmButton('Revoke', 'Click again to revoke', async () => {
                        await api.del(`/api/enrollment-tokens/${t.id}`);
                        await refresh();
                      })
                    : null,
                ),
              ),
            ),
            'No enrolment token yet.',
          ),
        );
      }
      if (isReseller || isAdmin) {
        const { claims: rows } = await api.get('/api/claims');
        fill(
          claims,
          table(
            isAdmin ? ['SLC', 'Installation', 'Reseller', 'Evidence', 'Held by', 'Status', ''] : ['SLC', 'Evidence', 'Status', 'Asked', ''],
            rows.map((c) =>
              h(
                'tr',
                { dataset: { claimId: c.id, slc: c.slc, status: c.status } },
                h('td.mono', {}, c.slc),
                isAdmin ? [h('td', {}, c.name || '–'), h('td', {}, c.reseller)] : null,
                h('td', {}, c.via === 'enrollment' ? `recorder ${c.recorderId} enrolled with the reseller's token` : 'SLC only'),
                isAdmin ? h('td', {}, c.holder ?? h('span.muted', {}, 'nobody')) : null,
                h('td.status', {}, c.status),
                isAdmin ? null : h('td.muted', {}, dateTime(c.requestedAt)),
                h(
                  'td.actions',
                  {},
                  c.status !== 'pending'
                    ? null
                    : isAdmin
                      ? [
                          h(
                            'button.primary',
                            { type: 'button', onclick: () => decide(c.id, 'approved') },
                            c.holder ? `Approve (takes it from ${c.holder})` : 'Approve',
                          ),
                          h('button.ghost.danger', { type: 'button', onclick: () => decide(c.id, 'rejected') }, 'Reject'),
                        ]
                      : confirmButton('Withdraw', 'Click again to withdraw', async () => {
                          await api.del(`/api/claims/${c.id}`);
                          await refresh();
                        }),
                ),
              ),
            ),
            isAdmin ? 'No claim waits for a decision.' : 'No claim.',
          ),
        );
      }
      labelCells(section);
    });

    const decide = async (id, decision) => {
      await api.post(`/api/claims/${id}/decision`, { decision });
      await refresh();
    };

    const resellerCards = () => [
      h(
        'section.card',
        {},
        h('h2', {}, 'Enrol a recorder of a customer installation'),
        h(
          'p.muted',
          {},
          'Make a one-time token for the new recorder. When it has enrolled with it and reports the installation, the installation is yours. If another reseller holds or claims it, an administrator decides.',
        ),
        form(
          'new-token',
          [
            h('label', {}, 'SLC', slcInput()),
            h('label', {}, 'Installation name', input('installationName', { maxlength: 200, placeholder: 'e.g. Harbour Terminal' })),
            h('label', {}, 'Recorder id', input('recorderId', { maxlength: 64, pattern: RECORDER_ID_PATTERN, placeholder: 'e.g. hbr-rec-01' })),
          ],
          'Make token',
          async (values) => {
            const made = await api.post('/api/enrollment-tokens', values);
            fill(tokenSlot, tokenResult(made));
            await refresh();
            return `Token for ${made.recorderId} made.`;
          },
        ),
        tokenSlot,
        h('h3', {}, 'Your enrolment tokens'),
        tokens,
      ),
      h(
        'section.card',
        {},
        h('h2', {}, 'Claim an installation by its SLC'),
        h('p.muted', {}, 'Without a recorder to enrol, ask for it by its software licence code: an administrator reviews the request.'),
        form('register-slc', h('label', {}, 'Software licence code (SLC)', slcInput()), 'Send request', async ({ slc }) => {
          const result = await api.post('/api/installations', { slc });
          await refresh();
          return result?.status === 'already-yours' ? `${slc} is yours already.` : `Request for ${slc} sent: an administrator reviews it.`;
        }),
        h('h3', {}, 'Your claims'),
        claims,
      ),
    ];

    const adminCards = () => [
      h('section.card', {}, h('h2', {}, 'Claims'), claims),
      h(
        'section.card',
        {},
        h('h2', {}, 'Assign an installation'),
        form(
          'assign',
          [h('label', {}, 'SLC', slcInput()), h('label', {}, 'Reseller', input('reseller', { maxlength: 64, placeholder: 'username' }))],
          'Assign',
          async ({ slc, reseller }) => {
            await api.put(`/api/installations/${encodeURIComponent(slc)}/owner`, { reseller });
            await refresh();
            return `${slc} is ${reseller}'s now.`;
          },
        ),
      ),
    ];

    fill(
      section,
      h('div.page-head', {}, h('h1', {}, 'Installations')),
      isReseller
        ? resellerCards()
        : isAdmin
          ? adminCards()
          : h('p.muted', {}, 'Every installation that has reported to this Vigil, and the reseller holding it.'),
      h('section.card', {}, h('h2', {}, isReseller ? 'Your installations' : 'All installations'), list),
    );
    return { refresh, onEvent: () => undefined };
  },
};
