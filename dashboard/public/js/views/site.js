// Site: where it is, which installation it belongs to, and each of its recorders with its state.
import { ApiError, api } from '../api.js';
import { miniMap } from './map.js';
import {
  STATES,
  STATE_LABEL,
  byState,
  coalesce,
  fill,
  h,
  isCovered,
  labelCells,
  link,
  problemChip,
  recorderHref,
  relTime,
  stateBadge,
  worstOf,
} from '../dom.js';

const LEVEL_LABEL = {
  unreachable: 'Unreachable',
  down: 'Down',
  'partly-down': 'Partly down',
  degraded: 'Degraded',
  stopped: 'Stopped',
  ok: 'Online',
};

function render(section, site, recorders, mapSlot) {
  const worst = site.unreachable ? 'unavailable' : (site.worstState ?? worstOf(recorders.map((r) => r.state)));
  const counts = Object.fromEntries(STATES.map((s) => [s, recorders.filter((r) => r.state === s).length]));
  const place = typeof site.latitude === 'number' ? `${site.latitude.toFixed(4)}, ${site.longitude.toFixed(4)}` : 'no position reported';
  fill(
    section,
    h('nav.crumbs', {}, link('#/map', 'Map'), ' › ', site.installation?.name || site.installation?.slc || ''),
    h(
      'div.page-head',
      {},
      h('h1', {}, site.name || site.id),
      // Coloured by the map's rule (how much of the site is wrong), not by its worst recorder alone.
      site.attention ? stateBadge(site.attention.colour, LEVEL_LABEL[site.attention.level]) : stateBadge(worst, site.unreachable ? 'Unreachable' : undefined),
      site.attention && site.attention.level !== 'ok' ? h('span.site-summary', {}, site.attention.summary) : null,
      h('span.spacer'),
      h('span.muted', {}, `${site.installation?.slc ?? ''} · ${place}`),
    ),
    site.unreachable
      ? h('div.banner.banner-unavailable', {}, "No recorder at this site answers. This is most likely the site's network or power, not the recorders.")
      : null,
    h(
      'div.counts.small',
      {},
      STATES.filter((s) => counts[s]).map((s) =>
        h(`span.count.count-${s}.nonzero`, { dataset: { state: s } }, h('b.n', {}, counts[s]), ` ${STATE_LABEL[s].toLowerCase()}`),
      ),
    ),
    h(
      'div.site-grid',
      {},
      h(
        'table.site-recorders.stack',
        {},
        h(
          'thead',
          {},
          h(
            'tr',
            {},
            h('th', {}, 'State'),
            h('th', {}, 'Recorder'),
            h('th', {}, 'Problems'),
            h('th', {}, 'State since'),
            h('th', {}, 'Agent'),
            h('th', {}, 'Last seen'),
          ),
        ),
        h(
          'tbody',
          {},
          recorders.map((r) =>
            h(
              'tr.recorder',
              { dataset: { recorderId: r.id, state: r.state } },
              h('td', {}, stateBadge(r.state)),
              h(
                'td.name',
                {},
                link(recorderHref(r.id), r.name),
                h('span.id', {}, r.id),
                isCovered(r) ? h('span.covered', {}, `covered by ${r.coveredBy}`) : null,
              ),
              h(
                'td.problems',
                {},
                r.problems.filter((p) => p.kind !== 'state').map((p) => problemChip(p, r.id)),
                r.problems.length === 0 ? h('span.muted.small', {}, 'none') : null,
              ),
              h('td.seen', {}, relTime(r.stateSince)),
              h('td.muted.small', {}, r.agentVersion || '–'),
              h('td.seen', {}, relTime(r.lastSeen)),
            ),
          ),
        ),
      ),
      mapSlot,
    ),
  );
}

export const siteView = {
  section: 'site',
  title: 'Site',
  mount(section, { params: [siteId] }) {
    section.replaceChildren(h('p.muted', {}, 'Loading…'));
    // The map is made once and moved along when the rest re-renders, so it does not flicker.
    const mapSlot = h('div.card.site-map');
    let map;
    const refresh = coalesce(async () => {
      const [{ sites }, { recorders }] = await Promise.all([api.get('/api/sites'), api.get('/api/recorders')]);
      const site = sites.find((s) => s.id === siteId);
      if (!site) throw new ApiError(404, `no site "${siteId}"`);
      const here = recorders.filter((r) => r.site.id === siteId).sort((a, b) => byState(a.state, b.state) || a.name.localeCompare(b.name));
      render(section, site, here, mapSlot);
      labelCells(section);
      if (!map && typeof site.latitude === 'number') {
        const container = h('div.mini-map');
        mapSlot.replaceChildren(h('h2', {}, 'Location'), container);
        map = miniMap(container, site);
      }
      (await map)?.showState(site);
      mapSlot.hidden = !map;
      document.title = `Vigil · ${site.name || site.id}`;
    });
    return {
      refresh,
      onEvent: () => refresh().catch(() => undefined),
      unmount: () => {
        map?.then((m) => m.remove()).catch(() => undefined);
      },
    };
  },
};
