// The page shell: login, navigation between views (hash routes), and the live event stream that
// every view listens to, so a state change reaches whatever page is open without a reload.
import { api, forgetCsrfToken, whenUnauthorized } from './api.js';
import { clearBadge, refreshBadge, showSummary } from './badge.js';
import { $, tickRelativeTimes } from './dom.js';
import { accountView } from './views/account.js';
import { alertsView } from './views/alerts.js';
import { availabilityView } from './views/availability.js';
import { channelsView } from './views/channels.js';
import { fleetView } from './views/fleet.js';
import { installationsView } from './views/installations.js';
import { mapView } from './views/map.js';
import { recorderView } from './views/recorder.js';
import { reportView } from './views/report.js';
import { rulesView } from './views/rules.js';
import { shiftLogView } from './views/shift-log.js';
import { silencesView } from './views/silences.js';
import { siteView } from './views/site.js';
import { usersView } from './views/users.js';

const ROUTES = [
  // The query part holds the fleet's filters (state, search), so a filtered view can be shared and reloaded.
  { pattern: /^#\/fleet(?:\?(.*))?$/, view: fleetView, nav: 'fleet' },
  { pattern: /^#\/map$/, view: mapView, nav: 'map' },
  { pattern: /^#\/site\/([^/]+)$/, view: siteView, nav: 'map' },
  { pattern: /^#\/recorder\/([^/]+)$/, view: recorderView, nav: 'fleet' },
  { pattern: /^#\/installations$/, view: installationsView, nav: 'installations' },
  { pattern: /^#\/shift-log$/, view: shiftLogView, nav: 'shift-log' },
  { pattern: /^#\/availability(?:\?.*)?$/, view: availabilityView, nav: 'availability' },
  { pattern: /^#\/alerts(?:\/(firing|acknowledged|silenced|resolved-today))?$/, view: alertsView, nav: 'alerts' },
  { pattern: /^#\/rules$/, view: rulesView, nav: 'alerts' },
  { pattern: /^#\/channels$/, view: channelsView, nav: 'alerts' },
  { pattern: /^#\/silences$/, view: silencesView, nav: 'alerts' },
  { pattern: /^#\/report(?:\/([^/]+)\/(\d{4}-\d{2}))?$/, view: reportView, nav: 'report' },
  // Only for the roles listed: for anyone else the route does not exist (not found, no request made).
  { pattern: /^#\/users$/, view: usersView, nav: 'users', roles: ['admin'] },
  { pattern: /^#\/account$/, view: accountView, nav: 'account' },
];

let user = null;
let current = null; // { view, instance, section }
let events;

function showLogin() {
  user = null;
  showTelemetryStall(undefined);
  events?.close();
  events = undefined;
  unmountCurrent();
  setLive('off', 'offline');
  $('live').hidden = true;
  $('nav').hidden = true;
  $('logout').hidden = true;
  $('who').textContent = '';
  clearBadge();
  $('login').hidden = false;
  $('login').querySelector('input[name=username]').focus();
}
whenUnauthorized(showLogin);

/**
 * NOC and admin see, above every view, when the ingestor cannot deliver time series (its outbox is
 * stalled, docs/DEPLOY.md): history and charts stop at that time until it drains. From /api/me.
 */
function showTelemetryStall(stall) {
  const banner = $('telemetry-stall');
  banner.hidden = !stall;
  if (!stall) return;
  const minutes = Math.max(1, Math.round((Date.now() - stall.since) / 60_000));
  banner.textContent =
    `Time series are not being stored: the ingestor's store has taken nothing for ${minutes} min (${stall.points} points waiting in its outbox, nothing lost).` +
    (stall.lastError ? ` Last error: ${stall.lastError}` : '');
}

function startSession(me) {
  user = me;
  showTelemetryStall(me.telemetryStall);
  $('login').hidden = true;
  $('nav').hidden = false;
  $('live').hidden = false;
  $('logout').hidden = false;
  const account = Object.assign(document.createElement('a'), { href: '#/account', id: 'account-link', textContent: me.username, title: 'Your account' });
  $('who').replaceChildren(account, Object.assign(document.createElement('span'), { className: `role role-${me.role}`, textContent: me.role }));
  for (const link of $('nav').querySelectorAll('a[data-roles]')) link.hidden = !link.dataset.roles.split(' ').includes(me.role);
  listen();
  route();
}

/** A view's refetch; the badge is refetched with it, so it never says something the view contradicts. */
function refreshCurrent() {
  if (!user) return;
  refreshBadge();
  current?.instance?.refresh?.()?.catch?.(() => undefined);
}

function unmountCurrent() {
  if (!current) return;
  current.instance?.unmount?.();
  current.section.hidden = true;
  current = null;
}

async function route() {
  if (!user) return;
  if (!location.hash || location.hash === '#' || location.hash === '#/') {
    location.replace('#/fleet');
    return;
  }
  const match = ROUTES.map((r) => ({ r, m: location.hash.match(r.pattern) })).find((x) => x.m && (!x.r.roles || x.r.roles.includes(user.role)));
  // The same view with other parameters (a filter chosen, back/forward): it updates in place, no refetch or flicker.
  if (match && current?.view === match.r.view && current.instance?.reroute) {
    current.instance.reroute(match.m.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p))));
    return;
  }
  unmountCurrent();
  for (const a of $('nav').querySelectorAll('a')) a.classList.toggle('active', match?.r.nav === a.dataset.view);
  if (!match) {
    showNotFound();
    return;
  }
  const { view } = match.r;
  const section = $(view.section);
  section.hidden = false;
  const params = match.m.slice(1).map((p) => (p === undefined ? undefined : decodeURIComponent(p)));
  current = { view, section, instance: null };
  const entry = current;
  const instance = view.mount(section, { user, params });
  entry.instance = instance;
  document.title = `Vigil · ${instance.title ?? view.title}`;
  refreshBadge();
  try {
    await instance.refresh();
  } catch (error) {
    if (error?.status === 404 && current === entry) {
      unmountCurrent();
      showNotFound();
    } else if (error?.status !== 401) {
      console.error(error);
    }
  }
}

function showNotFound() {
  $('not-found').hidden = false;
  current = { section: $('not-found') };
  document.title = 'Vigil · Not found';
}

function setLive(status, text) {
  $('live').dataset.status = status;
  $('live').textContent = text;
}

/**
 * One EventSource per logged-in page. Events arrive in bursts (a site going down changes many
 * recorders at once), so each view refreshes at most once per burst.
 */
function listen() {
  events?.close();
  events = new EventSource('/api/events');
  let opened = false;
  events.addEventListener('open', () => {
    setLive('on', 'live');
    // Back after a dropped connection: events may have been missed meanwhile.
    if (opened) refreshCurrent();
    opened = true;
  });
  events.addEventListener('error', () => setLive('retry', 'reconnecting…'));
  const relay = (event) => {
    let data = {};
    try {
      data = JSON.parse(event.data);
    } catch {
      /* keep-alive or malformed: refresh anyway */
    }
    // `alerts` (alerts.db changed, or an acknowledgement or silence was made) carries the new
    // summary, so the badge needs no request of its own; only views showing alerts refetch.
    if (event.type === 'alerts') {
      showSummary(data);
      current?.instance?.onAlerts?.(data);
      return;
    }
    current?.instance?.onEvent?.(data);
  };
  for (const type of ['state', 'problems', 'alert', 'alerts']) events.addEventListener(type, relay);
}

$('login').addEventListener('submit', async (event) => {
  event.preventDefault();
  const form = new FormData(event.target);
  const button = event.target.querySelector('button[type=submit]');
  button.disabled = true;
  try {
    const res = await fetch('/api/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: form.get('username'), password: form.get('password') }),
    });
    if (res.status === 429) {
      $('login-error').textContent = 'Too many attempts. Wait a minute and try again.';
      return;
    }
    if (!res.ok) {
      $('login-error').textContent = 'Wrong username or password.';
      return;
    }
    $('login-error').textContent = '';
    event.target.reset();
    forgetCsrfToken();
    startSession((await res.json()).user);
  } finally {
    button.disabled = false;
  }
});

$('logout').addEventListener('click', async () => {
  try {
    await api.post('/api/logout');
  } catch {
    /* the session is gone either way */
  }
  forgetCsrfToken();
  showLogin();
});

window.addEventListener('hashchange', route);
// The top bar wraps on narrow screens; the full-screen map sits below it, however tall it is.
new ResizeObserver(([entry]) => {
  document.documentElement.style.setProperty('--topbar-height', `${Math.round(entry.target.getBoundingClientRect().height)}px`);
}).observe(document.querySelector('.topbar'));
// Views refetch now and then even without events: "last seen" must not go stale on a quiet fleet.
setInterval(() => {
  if (user && document.visibilityState === 'visible') refreshCurrent();
  if (user && document.visibilityState === 'visible') {
    api.get('/api/me').then(
      (me) => showTelemetryStall(me.telemetryStall),
      () => undefined,
    );
  }
}, 30_000);
setInterval(() => tickRelativeTimes(), 10_000);

// /api/session answers 200 with or without a session, so a first visit logs no error.
fetch('/api/session', { credentials: 'same-origin' })
  .then(async (res) => {
    const { user: me } = res.ok ? await res.json() : { user: null };
    if (!me) return showLogin();
    startSession(me);
    // The telemetry-stall banner is for NOC and admin, in /api/me.
    api.get('/api/me').then(
      (full) => showTelemetryStall(full.telemetryStall),
      () => undefined,
    );
  })
  .catch(showLogin);
