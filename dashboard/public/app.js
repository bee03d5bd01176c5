// Fleet page: problems first (the brief: "only systems where an error situation has occurred"),
// refreshed live from server-sent events.
const $ = (id) => document.getElementById(id);
const SEVERITY_ORDER = { offline: 0, unavailable: 1, degraded: 2, stopped: 3, online: 4 };
let showAll = false;
let events;

async function api(path, init) {
  const res = await fetch(path, { credentials: 'same-origin', ...init });
  if (res.status === 401) { showLogin(); throw new Error('not logged in'); }
  return res;
}

function showLogin() {
  events?.close();
  $('login').hidden = false;
  $('fleet').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
}

async function showFleet(user) {
  $('login').hidden = true;
  $('fleet').hidden = false;
  $('logout').hidden = false;
  $('who').textContent = `${user.username} (${user.role})`;
  await refresh();
  listen();
}

const ago = (ms) => {
  if (!ms) return 'never';
  const s = Math.max(0, Math.round((Date.now() - ms) / 1000));
  return s < 60 ? `${s}s ago` : s < 3600 ? `${Math.round(s / 60)} min ago` : `${Math.round(s / 3600)} h ago`;
};

function cell(text, className) {
  const td = document.createElement('td');
  if (className) td.className = className;
  td.textContent = text;
  return td;
}

function render({ recorders, counts }) {
  $('counts').replaceChildren(...Object.entries(counts).map(([state, n]) => {
    const span = document.createElement('span');
    span.className = 'count';
    span.dataset.state = state;
    span.textContent = `${state}: ${n}`;
    return span;
  }));
  const shown = recorders
    .filter((r) => showAll || r.problems.length > 0 || r.state !== 'online')
    .sort((a, b) => SEVERITY_ORDER[a.state] - SEVERITY_ORDER[b.state]
      || a.installation.name.localeCompare(b.installation.name)
      || a.site.name.localeCompare(b.site.name) || a.name.localeCompare(b.name));
  $('recorders').replaceChildren(...shown.map((r) => {
    const tr = document.createElement('tr');
    tr.dataset.recorderId = r.id;
    tr.append(cell(r.name), cell(r.installation.name || r.installation.slc), cell(r.site.name || r.site.id));
    const state = document.createElement('td');
    const badge = document.createElement('span');
    badge.className = `state state-${r.state}`;
    badge.textContent = r.state;
    state.append(badge);
    tr.append(state, cell(ago(r.lastSeen), 'muted'));
    const problems = document.createElement('td');
    for (const p of r.problems) {
      const line = document.createElement('span');
      line.className = 'problem';
      line.textContent = `${p.code}${p.subject && p.subject !== r.id ? ` (${p.subject})` : ''}`;
      problems.append(line);
    }
    tr.append(problems);
    return tr;
  }));
  $('empty').hidden = shown.length > 0;
  $('empty').textContent = recorders.length === 0
    ? 'No recorders yet: they appear here when their agents first connect.'
    : `All ${recorders.length} recorders are healthy. Tick "Show all" to list them.`;
}

let refreshing;
async function refresh() {
  if (refreshing) return refreshing;
  refreshing = (async () => {
    try { render(await (await api('/api/recorders')).json()); } finally { refreshing = undefined; }
  })();
  return refreshing;
}

function listen() {
  events?.close();
  events = new EventSource('/api/events');
  events.addEventListener('open', () => { $('live').textContent = 'live'; });
  events.addEventListener('error', () => { $('live').textContent = 'reconnecting…'; });
  events.addEventListener('state', () => refresh());
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const res = await fetch('/api/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
  });
  if (!res.ok) { $('login-error').textContent = 'Wrong username or password.'; return; }
  $('login-error').textContent = '';
  await showFleet((await res.json()).user);
});

$('logout').addEventListener('click', async () => {
  await fetch('/api/logout', { method: 'POST' });
  showLogin();
});

$('show-all').addEventListener('change', (event) => { showAll = event.target.checked; refresh(); });
setInterval(() => { if (!$('fleet').hidden) refresh(); }, 30_000);

api('/api/me').then((res) => res.json()).then(({ user }) => showFleet(user)).catch(() => showLogin());
