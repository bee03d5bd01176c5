// Fleet: problems first. By default only recorders that need someone (an active problem, or not
// online) are listed, grouped by installation and site, worst first; "show all" lists the rest.
// The state chips and the search are filters kept in the URL (#/fleet?state=offline&q=malmo), so a
// filtered view can be shared, reloaded and gone back to; a filter lists healthy recorders too.
import { api } from '../api.js';
import { $, STATES, isCovered, STATE_LABEL, byState, coalesce, h, link, problemChip, recorderHref, relTime, siteHref, stateBadge, worstOf } from '../dom.js';

const MAX_CHIPS = 4;
const PAGE_ROWS = 500;
let showAll = false; // kept across visits, like a filter the user chose

export const needsAttention = (r) => r.problems.length > 0 || r.state !== 'online';

/** The filter a `#/fleet?…` query part names; unknown states and parameters are ignored. */
export function parseFilter(query) {
  const params = new URLSearchParams(query ?? '');
  const state = params.get('state');
  return { state: STATES.includes(state) ? state : null, q: (params.get('q') ?? '').trim() };
}

export function filterHref(filter) {
  const params = new URLSearchParams();
  if (filter.state) params.set('state', filter.state);
  if (filter.q) params.set('q', filter.q);
  const query = params.toString();
  return query ? `#/fleet?${query}` : '#/fleet';
}

const isFiltered = (filter) => Boolean(filter.state || filter.q);

/** Name, id, site or customer (name or SLC) containing every word typed, in any case. */
function matchesSearch(r, q) {
  if (!q) return true;
  const text = [r.name, r.id, r.site.name, r.site.id, r.installation.name, r.installation.slc].join(' ').toLowerCase();
  return q
    .toLowerCase()
    .split(/\s+/)
    .every((word) => text.includes(word));
}

/** Without a filter the problems-first rule (or "show all") decides; a filter shows every recorder it matches. */
export function selectRecorders(recorders, filter, all) {
  if (!isFiltered(filter)) return recorders.filter((r) => all || needsAttention(r));
  return recorders.filter((r) => (!filter.state || r.state === filter.state) && matchesSearch(r, filter.q));
}

/** installation -> site -> recorders, each level sorted worst first, then by name. */
export function groupFleet(recorders) {
  const installations = new Map();
  for (const r of recorders) {
    const slc = r.installation.slc;
    if (!installations.has(slc)) installations.set(slc, { installation: r.installation, sites: new Map() });
    const sites = installations.get(slc).sites;
    if (!sites.has(r.site.id)) sites.set(r.site.id, { site: r.site, recorders: [] });
    sites.get(r.site.id).recorders.push(r);
  }
  const byWorstThenName = (a, b) => byState(a.worst, b.worst) || a.name.localeCompare(b.name);
  return [...installations.values()]
    .map(({ installation, sites }) => {
      const siteList = [...sites.values()]
        .map(({ site, recorders: list }) => ({
          site,
          name: site.name || site.id,
          worst: site.unreachable ? 'unavailable' : worstOf(list.map((r) => r.state)),
          recorders: list.sort((a, b) => byState(a.state, b.state) || a.name.localeCompare(b.name)),
        }))
        .sort(byWorstThenName);
      return { installation, name: installation.name || installation.slc, worst: worstOf(siteList.map((s) => s.worst)), sites: siteList };
    })
    .sort(byWorstThenName);
}

/** A state chip filters to that state; pressed again, it clears the filter (a new history entry each time, so back undoes it). */
function countChips(counts, filter) {
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  return [
    h('span.count.total', {}, h('b.n', {}, total), ' recorders'),
    ...STATES.map((state) => {
      const pressed = filter.state === state;
      return h(
        `button.count.count-${state}`,
        {
          type: 'button',
          dataset: { state },
          class: counts[state] ? 'nonzero' : 'zero',
          'aria-pressed': pressed ? 'true' : 'false',
          title: pressed ? 'Show every state again' : `List only the ${STATE_LABEL[state].toLowerCase()} recorders`,
          onclick: () => {
            location.hash = filterHref({ ...filter, state: pressed ? null : state });
          },
        },
        h('b.n', {}, counts[state] ?? 0),
        ` ${STATE_LABEL[state].toLowerCase()}`,
      );
    }),
  ];
}

/** Says in words what the filter lists, with a way back to the whole fleet. */
function filterNote(filter, shown) {
  const note = $('filter-note');
  note.hidden = !isFiltered(filter);
  if (note.hidden) return note.replaceChildren();
  const what = filter.state ? `${STATE_LABEL[filter.state].toLowerCase()} recorder${shown === 1 ? '' : 's'}` : `recorder${shown === 1 ? '' : 's'}`;
  note.replaceChildren(
    `Showing ${shown} ${what}`,
    filter.q ? ` matching “${filter.q}”` : '',
    '.',
    h(
      'button.ghost',
      {
        type: 'button',
        onclick: () => {
          location.hash = '#/fleet';
        },
      },
      'Clear filter',
    ),
  );
}

function problemsCell(r) {
  const problems = r.problems.filter((p) => p.kind !== 'state');
  const chips = problems.slice(0, MAX_CHIPS).map((p) => problemChip(p, r.id));
  if (problems.length > MAX_CHIPS) chips.push(h('span.more', {}, `+${problems.length - MAX_CHIPS} more`));
  const stateProblem = r.problems.find((p) => p.kind === 'state');
  const note = stateProblem?.message ?? (r.state === 'stopped' ? 'the agent was shut down on purpose (service stopped or host shut down)' : null);
  return h('td.problems', {}, note ? h('span.state-note', {}, note) : null, chips);
}

function recorderRow(r) {
  return h(
    'tr.recorder',
    { dataset: { recorderId: r.id, state: r.state } },
    h('td', {}, stateBadge(r.state)),
    h(
      'td.name',
      {},
      link(recorderHref(r.id), r.name),
      h('span.id', {}, r.id),
      isCovered(r) ? h('span.covered', { title: 'its failover partner is healthy and records in its place' }, `covered by ${r.coveredBy}`) : null,
    ),
    problemsCell(r),
    h('td.seen', { dataset: { label: 'Last seen' } }, relTime(r.lastSeen)),
  );
}

/** A site where nothing answers is most likely a network fault: one line, not one per recorder. */
function unreachableSiteRow(site) {
  const lastSeen = Math.max(0, ...site.recorders.map((r) => r.lastSeen ?? 0));
  return h(
    'tr.site-unreachable',
    { dataset: { siteId: site.site.id, state: 'unavailable' } },
    h('td', {}, stateBadge('unavailable', 'Unreachable')),
    h('td.name', {}, link(siteHref(site.site.id), `Whole site (${site.recorders.length} recorder${site.recorders.length === 1 ? '' : 's'})`)),
    h(
      'td.problems',
      {},
      h('span.state-note', {}, "No recorder at this site answers: check the site's network or power."),
      h(
        'span.site-members',
        {},
        site.recorders.map((r, i) => [i ? ', ' : '', link(recorderHref(r.id), r.name)]),
      ),
    ),
    h('td.seen', { dataset: { label: 'Last seen' } }, relTime(lastSeen || null)),
  );
}

/**
 * Rows are built for at most `limit` recorders (worst first, so the ones that matter come first):
 * a 10,000-recorder "show all" would otherwise cost seconds of DOM work on every live update.
 */
function render(section, { recorders, counts }, filter, limit, onMore) {
  $('counts').replaceChildren(...countChips(counts, filter));
  const shown = selectRecorders(recorders, filter, showAll);
  const hidden = recorders.length - shown.length;
  $('hidden-count').textContent = hidden > 0 && !isFiltered(filter) ? `(${hidden} healthy hidden)` : '';
  filterNote(filter, shown.length);
  const rows = [];
  let listed = 0;
  outer: for (const group of groupFleet(shown)) {
    if (listed >= limit) break;
    rows.push(
      h(
        'tr.group-installation',
        { dataset: { slc: group.installation.slc } },
        h('th', { colspan: 4 }, h('span.group-name', {}, group.name), h('span.slc', {}, group.installation.slc)),
      ),
    );
    for (const site of group.sites) {
      if (listed >= limit) break outer;
      rows.push(h('tr.group-site', { dataset: { siteId: site.site.id } }, h('th', { colspan: 4 }, link(siteHref(site.site.id), site.name))));
      if (site.site.unreachable) {
        rows.push(unreachableSiteRow(site));
        listed += site.recorders.length;
        continue;
      }
      const room = site.recorders.slice(0, limit - listed);
      rows.push(...room.map(recorderRow));
      listed += room.length;
    }
  }
  if (listed < shown.length) {
    const more = Math.min(PAGE_ROWS, shown.length - listed);
    rows.push(
      h(
        'tr.more-rows',
        {},
        h('td', { colspan: 4 }, `${listed} of ${shown.length} recorders listed. `, h('button.ghost', { type: 'button', onclick: onMore }, `Show ${more} more`)),
      ),
    );
  }
  $('recorders').replaceChildren(...rows);
  section.querySelector('table').hidden = shown.length === 0;
  $('empty').hidden = shown.length > 0;
  $('empty').replaceChildren(
    recorders.length === 0
      ? 'No recorders yet: they appear here when their agents first connect.'
      : isFiltered(filter)
        ? `No ${filter.state ? `${STATE_LABEL[filter.state].toLowerCase()} ` : ''}recorders${filter.q ? ` matching “${filter.q}”` : ''}.`
        : h('span', {}, h('b', {}, `All ${recorders.length} recorders are healthy.`), ' Tick "Show all recorders" to list them.'),
  );
}

export const fleetView = {
  section: 'fleet',
  title: 'Fleet',
  mount(section, { params: [query] = [] } = {}) {
    let last;
    let limit = PAGE_ROWS;
    let filter = parseFilter(query);
    const draw = () =>
      render(section, last, filter, limit, () => {
        limit += PAGE_ROWS;
        draw();
      });
    const refresh = coalesce(async () => {
      last = await api.get('/api/recorders');
      draw();
    });
    const toggle = $('show-all');
    toggle.checked = showAll;
    const onToggle = () => {
      showAll = toggle.checked;
      limit = PAGE_ROWS;
      if (last) draw();
    };
    toggle.addEventListener('change', onToggle);
    const search = $('fleet-search');
    search.value = filter.q;
    // Typing refines the view in place; the URL follows without a history entry per key.
    const onSearch = () => {
      filter = { ...filter, q: search.value.trim() };
      history.replaceState(null, '', filterHref(filter));
      limit = PAGE_ROWS;
      if (last) draw();
    };
    search.addEventListener('input', onSearch);
    return {
      refresh,
      onEvent: () => refresh().catch(() => undefined),
      // A chip pressed, back or forward: the same data, another filter.
      reroute: ([next] = []) => {
        filter = parseFilter(next);
        if (search.value.trim() !== filter.q) search.value = filter.q;
        limit = PAGE_ROWS;
        if (last) draw();
      },
      unmount: () => {
        toggle.removeEventListener('change', onToggle);
        search.removeEventListener('input', onSearch);
      },
    };
  },
};
