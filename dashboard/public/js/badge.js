// The nav badge: how many alerts fire that nobody has acknowledged yet. Counted by the server
// (GET /api/alerts/summary, one per problem however many rules match it), refreshed on the live
// `alerts` event, on every refetch of the open view, and after an action on an alert.
import { api } from './api.js';
import { $ } from './dom.js';

let latest = null;

/** Shows a summary as the server sent it (the live event carries one). */
export function showSummary(summary) {
  const badge = $('alert-badge');
  if (!badge || !summary || typeof summary.firingUnacknowledged !== 'number') return;
  latest = summary;
  const n = summary.firingUnacknowledged;
  badge.hidden = n === 0;
  badge.textContent = n > 99 ? '99+' : String(n);
  badge.dataset.count = String(n);
  const text = `${n} firing alert${n === 1 ? '' : 's'} not acknowledged`;
  badge.title = text;
  badge.setAttribute('aria-label', text);
}

let inFlight = null;
/** Fetches the summary again; overlapping calls share one request. */
export function refreshBadge() {
  inFlight ??= api
    .get('/api/alerts/summary')
    .then(showSummary)
    .catch(() => undefined)
    .finally(() => {
      inFlight = null;
    });
  return inFlight;
}

export const lastSummary = () => latest;

export function clearBadge() {
  latest = null;
  const badge = $('alert-badge');
  if (badge) badge.hidden = true;
}
