// Map: one marker per site, coloured and ranked by the share and severity of what is wrong there
// (the server's site attention, docs/DESIGN.md "Sites on the map"), clustered when dense. The base map is
// drawn from country shapes bundled with the dashboard (world-atlas), so it renders on networks
// with no internet access; online tiles are used only when the server is configured with a URL.
import { api } from '../api.js';
import { STATE_LABEL, STATES, coalesce, h, siteHref } from '../dom.js';

/* global L, topojson */

let baseMap; // the parsed country shapes, fetched once per page load

export async function countries() {
  if (!baseMap) {
    baseMap = fetch('/vendor/world-atlas/countries-50m.json')
      .then((res) => {
        if (!res.ok) throw new Error(`base map: ${res.status}`);
        return res.json();
      })
      .then((topo) => topojson.feature(topo, topo.objects.countries));
    baseMap.catch(() => {
      baseMap = undefined;
    });
  }
  return baseMap;
}

/**
 * Country outlines crossing the antimeridian (Russia's Chukotka, Fiji) have points at +180 and
 * -180 side by side; drawn flat they become a band across the whole map. Each such ring is made
 * continuous (past 180) instead. Antarctica, which runs along the edge of the map, is left as is.
 */
function unwrapRing(ring) {
  if (ring.some(([, lat]) => lat < -80)) return ring;
  let shift = 0;
  return ring.map(([lon, lat], i) => {
    if (i > 0) {
      const previous = ring[i - 1][0];
      if (lon - previous > 180) shift -= 360;
      else if (previous - lon > 180) shift += 360;
    }
    return [lon + shift, lat];
  });
}

function unwrapShapes(shapes) {
  const polygon = (rings) => rings.map(unwrapRing);
  return {
    ...shapes,
    features: shapes.features.map((f) => {
      const g = f.geometry;
      if (g?.type === 'Polygon') return { ...f, geometry: { ...g, coordinates: polygon(g.coordinates) } };
      if (g?.type === 'MultiPolygon') return { ...f, geometry: { ...g, coordinates: g.coordinates.map(polygon) } };
      return f;
    }),
  };
}

export const countryLayer = (shapes) =>
  L.geoJSON(unwrapShapes(shapes), {
    interactive: false,
    style: () => ({ className: 'country', color: '#a9b4c2', weight: 0.7, fillColor: '#f7f5f0', fillOpacity: 1 }),
  });

/** A small map of one place (container already in the page): bundled country shapes, or tiles when configured. */
export async function miniMap(container, site) {
  const map = L.map(container, { zoomControl: false, attributionControl: false, scrollWheelZoom: false });
  map.setView([site.latitude, site.longitude], 5);
  // Not focusable: it opens nothing, the page it sits on is the site's.
  const marker = L.marker([site.latitude, site.longitude], { icon: siteIcon(site, { label: false }), interactive: false, keyboard: false }).addTo(map);
  map.showState = (s) => marker.setIcon(siteIcon(s, { label: false }));
  const config = await api.get('/api/map-config').catch(() => ({ tilesUrl: null }));
  if (config.tilesUrl) L.tileLayer(config.tilesUrl, { maxZoom: 18 }).addTo(map);
  else
    countryLayer(await countries())
      .addTo(map)
      .bringToBack();
  return map;
}

function stateCountsLine(counts) {
  return STATES.filter((s) => counts?.[s])
    .map((s) => `${counts[s]} ${STATE_LABEL[s].toLowerCase()}`)
    .join(' · ');
}

/** The colour a site is drawn in: its attention's (from /api/sites); the worst state only for an older answer. */
export const siteColour = (site) => site.attention?.colour ?? (site.unreachable ? 'unavailable' : site.worstState);
const siteScore = (site) => site.attention?.score ?? 0;
const siteName = (site) => site.name || site.id;
/** Worst first: what is wrong and how much of the site, then the more recorders affected, then by name. */
export const bySiteAttention = (a, b) =>
  siteScore(b) - siteScore(a) || (b.attention?.affected ?? 0) - (a.attention?.affected ?? 0) || siteName(a).localeCompare(siteName(b));

/** Sites as the map names their levels, worst first; each drawn in its level's colour. */
const LEVELS = [
  ['offline', 'Nothing records (unreachable or all down)'],
  ['unavailable', 'Some recorders down'],
  ['degraded', 'Degraded'],
  ['stopped', 'Stopped on purpose'],
  ['online', 'Healthy'],
];

function siteTooltip(site) {
  const level = site.attention?.level;
  return h(
    'div.site-tip',
    {},
    h('b', {}, siteName(site)),
    h('div.muted', {}, site.installation?.name || site.installation?.slc || ''),
    site.attention
      ? h(level === 'unreachable' || level === 'down' ? 'div.tip-alert.tip-summary' : 'div.tip-summary', {}, site.attention.summary)
      : site.unreachable
        ? h('div.tip-alert', {}, 'Site unreachable')
        : null,
    h('div', {}, stateCountsLine(site.counts) || `${site.recorders?.length ?? 0} recorders`),
  );
}

export function siteIcon(site, { label = true } = {}) {
  return L.divIcon({
    className: `site-marker state-${siteColour(site)}${site.attention ? ` level-${site.attention.level}` : ''}`,
    html: label ? h('span.site-label', {}, site.name || site.id) : '',
    iconSize: [18, 18],
    iconAnchor: [9, 9],
  });
}

/** A cluster shows how many sites it holds and takes the colour of the worst one. */
function clusterIcon(cluster) {
  const markers = cluster.getAllChildMarkers();
  const worst = siteColour(markers.map((m) => m.options.site).sort(bySiteAttention)[0]);
  const size = markers.length < 10 ? 30 : 38;
  const count = document.createElement('span');
  count.textContent = String(markers.length);
  return L.divIcon({ className: `site-cluster state-${worst}`, html: count, iconSize: [size, size] });
}

function legend() {
  const control = L.control({ position: 'bottomleft' });
  control.onAdd = () =>
    h(
      'div.map-legend',
      {},
      LEVELS.map(([colour, label]) => h('span', {}, h(`i.dot.state-${colour}`), label)),
    );
  return control;
}

/** The sites that need someone, worst first, beside the map: the map shows where, this what. */
function attentionPanel() {
  const body = h('div.panel-body');
  const control = L.control({ position: 'topright' });
  control.onAdd = () => {
    const el = h('div.map-panel', {}, h('h2', {}, 'Sites needing attention'), body);
    L.DomEvent.disableClickPropagation(el);
    L.DomEvent.disableScrollPropagation(el);
    return el;
  };
  control.show = (sites, unplaced) => {
    const troubled = sites
      .filter((site) => (site.attention ? site.attention.level !== 'ok' : site.unreachable || site.worstState !== 'online'))
      .sort(bySiteAttention)
      .map((site) => ({ site, state: siteColour(site) }));
    body.replaceChildren(
      troubled.length === 0
        ? h('p.ok', {}, `All ${sites.length} sites are healthy.`)
        : h(
            'ul',
            {},
            troubled.map(({ site, state }) =>
              h(
                'li',
                { dataset: { siteId: site.id } },
                h(`i.dot.state-${state}`),
                h(
                  'span',
                  {},
                  h('a', { href: siteHref(site.id) }, site.name || site.id),
                  h('span.muted.summary', {}, ` · ${site.attention?.summary ?? (site.unreachable ? 'unreachable' : STATE_LABEL[state].toLowerCase())}`),
                  h('div.muted.small', {}, site.installation?.name || site.installation?.slc || ''),
                ),
              ),
            ),
          ),
    );
    if (unplaced.length) {
      body.append(
        h(
          'p.muted.small.unplaced',
          { title: unplaced.map((s) => s.name || s.id).join(', ') },
          `${unplaced.length} site${unplaced.length === 1 ? ' has' : 's have'} no position: set latitude and longitude in the agent's inventory.`,
        ),
      );
    }
  };
  return control;
}

export const mapView = {
  section: 'map-view',
  title: 'Map',
  mount(section) {
    const container = section.querySelector('#map');
    // Kept to the one world Web Mercator draws (to ±85°): zoomed out, no empty band above or below it.
    const map = L.map(container, {
      zoomControl: true,
      worldCopyJump: false,
      minZoom: 2,
      maxZoom: 18,
      maxBounds: L.latLngBounds([-85, -180], [85, 180]),
      maxBoundsViscosity: 1,
      // Zooms jump rather than glide: a zoom transition still running when the view is left ends on
      // a removed map and throws "_leaflet_pos" of undefined (it did in a keyboard walk's zoom-outs),
      // and less motion is kinder to those who set reduced motion anyway.
      zoomAnimation: false,
      markerZoomAnimation: false,
    });
    /** The smallest zoom at which the world is at least as tall as the map. */
    const fitMinZoom = () => {
      const height = map.getSize().y;
      if (height > 0) map.setMinZoom(Math.max(2, Math.ceil(Math.log2(height / 256))));
    };
    map.on('resize', fitMinZoom);
    map.attributionControl.setPrefix(false);
    legend().addTo(map);
    const panel = attentionPanel();
    panel.addTo(map);
    const clusters = L.markerClusterGroup({
      maxClusterRadius: 60,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      animate: false, // its cluster animations run on timers that could also end on a removed map
      iconCreateFunction: clusterIcon,
    });
    clusters.addTo(map);
    // A cluster names its sites on hover; a click zooms in (markercluster's default).
    clusters.on('clustermouseover', (event) => {
      const sites = event.layer
        .getAllChildMarkers()
        .map((m) => m.options.site)
        .sort(bySiteAttention);
      event.layer
        .bindTooltip(
          h(
            'div.site-tip',
            {},
            sites.map((site) =>
              h(
                'div',
                {},
                h(`i.dot.state-${siteColour(site)}`),
                ' ',
                siteName(site),
                site.attention ? h('span.muted', {}, ` · ${site.attention.summary}`) : null,
              ),
            ),
          ),
          { direction: 'top' },
        )
        .openTooltip();
    });
    let fitted = false;
    let disposed = false;

    const base = (async () => {
      const config = await api.get('/api/map-config').catch(() => ({ tilesUrl: null, attribution: '' }));
      if (disposed) return;
      if (config.tilesUrl) {
        L.tileLayer(config.tilesUrl, { attribution: config.attribution, maxZoom: 18 }).addTo(map);
        return;
      }
      container.classList.add('offline-base');
      const shapes = await countries();
      if (disposed) return;
      countryLayer(shapes).addTo(map).bringToBack();
      map.attributionControl.addAttribution(config.attribution || 'Country shapes: Natural Earth (world-atlas)');
    })();

    const draw = (sites) => {
      const placed = sites.filter((s) => typeof s.latitude === 'number' && typeof s.longitude === 'number');
      clusters.clearLayers();
      clusters.addLayers(
        placed.map((site) => {
          const marker = L.marker([site.latitude, site.longitude], {
            icon: siteIcon(site),
            site,
            keyboard: true,
          });
          const state = site.unreachable ? 'unreachable' : (STATE_LABEL[site.worstState] ?? site.worstState).toLowerCase();
          marker.on('add', () => {
            const el = marker.getElement();
            if (!el) return;
            el.dataset.siteId = site.id;
            // Leaflet makes it a focusable button; its name says what Enter opens.
            el.setAttribute('aria-label', `${site.name || site.id}, ${site.attention?.summary ?? state}: open the site`);
          });
          // Enter and Space on a focused marker open the site, as a click does.
          marker.on('keydown', (event) => {
            const key = event.originalEvent.key;
            if (key !== 'Enter' && key !== ' ') return;
            event.originalEvent.preventDefault();
            location.hash = siteHref(site.id);
          });
          marker.bindTooltip(siteTooltip(site), { direction: 'top', offset: [0, -10] });
          marker.on('click', () => {
            location.hash = siteHref(site.id);
          });
          return marker;
        }),
      );
      if (!fitted) {
        fitted = true;
        if (placed.length)
          map.fitBounds(L.latLngBounds(placed.map((s) => [s.latitude, s.longitude])), {
            paddingTopLeft: [60, 60],
            // Room for the attention panel on the right, less of it on a phone.
            paddingBottomRight: [Math.min(300, map.getSize().x / 4), 60],
            maxZoom: 7,
          });
        else map.setView([54, 10], 4);
      }
      panel.show(
        sites,
        sites.filter((s) => !placed.includes(s)),
      );
    };

    const refresh = coalesce(async () => {
      const { sites } = await api.get('/api/sites');
      if (disposed) return;
      // Leaflet measures its container, which was hidden until this view was shown.
      map.invalidateSize();
      fitMinZoom();
      draw(sites);
      await base;
    });
    return {
      title: 'Map',
      refresh,
      onEvent: () => refresh().catch(() => undefined),
      unmount: () => {
        disposed = true;
        // A zoom or pan still animating would finish on a removed map (Leaflet: "_leaflet_pos" of undefined).
        map.stop();
        map.off();
        map.remove();
      },
    };
  },
};
