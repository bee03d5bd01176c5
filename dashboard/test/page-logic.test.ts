import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// The page is plain browser JavaScript with no build step; its ordering and timeline logic is pure
// and runs under Node as well, so it is checked here without a browser.
const views = resolve(import.meta.dirname, '..', 'public', 'js', 'views');

interface Recorder {
  id: string;
  name: string;
  state: string;
  installation: { slc: string; name: string };
  site: { id: string; name: string; unreachable?: boolean };
  problems: Array<{ kind: string; code: string }>;
}
interface FleetGroup {
  name: string;
  worst: string;
  sites: Array<{ name: string; worst: string; recorders: Recorder[] }>;
}
interface Segment {
  state: string | null;
  from: number;
  to: number;
}

const fleet = (await import(pathToFileURL(resolve(views, 'fleet.js')).href)) as {
  groupFleet(recorders: Recorder[]): FleetGroup[];
  needsAttention(r: Recorder): boolean;
  parseFilter(query: string | undefined): { state: string | null; q: string };
  filterHref(filter: { state: string | null; q: string }): string;
  selectRecorders(recorders: Recorder[], filter: { state: string | null; q: string }, all: boolean): Recorder[];
};
const dom = (await import(pathToFileURL(resolve(views, '..', 'dom.js')).href)) as {
  currentNote(problem: { current?: Record<string, number | null> }): string | null;
};
const recorder = (await import(pathToFileURL(resolve(views, 'recorder.js')).href)) as {
  timelineSegments(changes: Array<{ state: string; since: number }>, from: number, to: number): Segment[];
};

const rec = (id: string, state: string, slc: string, site: string, extra: Partial<Recorder> = {}): Recorder => ({
  id,
  name: id,
  state,
  installation: { slc, name: slc },
  site: { id: site, name: site },
  problems: [],
  ...extra,
});

describe('fleet page ordering', () => {
  it('puts the worst installation, site and recorder first, then sorts by name', () => {
    const groups = fleet.groupFleet([
      rec('a1', 'online', 'Alpha', 'a-site'),
      rec('b1', 'degraded', 'Bravo', 'b-north'),
      rec('b2', 'offline', 'Bravo', 'b-south'),
      rec('b3', 'online', 'Bravo', 'b-south'),
      rec('c1', 'degraded', 'Charlie', 'c-site'),
    ]);
    expect(groups.map((g) => [g.name, g.worst])).toEqual([
      ['Bravo', 'offline'],
      ['Charlie', 'degraded'],
      ['Alpha', 'online'],
    ]);
    expect(groups[0]!.sites.map((s) => s.name)).toEqual(['b-south', 'b-north']);
    expect(groups[0]!.sites[0]!.recorders.map((r) => r.id)).toEqual(['b2', 'b3']);
  });

  it('ranks an unreachable site as unavailable even before its recorders say so', () => {
    const groups = fleet.groupFleet([
      rec('x1', 'degraded', 'X', 'x-site'),
      rec('y1', 'online', 'Y', 'y-site', { site: { id: 'y-site', name: 'y-site', unreachable: true } }),
    ]);
    expect(groups.map((g) => g.name)).toEqual(['Y', 'X']);
  });

  it('lists by default only recorders with a problem or not online', () => {
    expect(fleet.needsAttention(rec('a', 'online', 'A', 's'))).toBe(false);
    expect(fleet.needsAttention(rec('a', 'stopped', 'A', 's'))).toBe(true);
    expect(fleet.needsAttention(rec('a', 'online', 'A', 's', { problems: [{ kind: 'event', code: 'archive-move-failed' }] }))).toBe(true);
  });
});

describe('fleet filters (#/fleet?state=…&q=…)', () => {
  const list = [
    rec('a', 'online', 'SLC-1', 'Malmö'),
    rec('b', 'offline', 'SLC-1', 'Malmö'),
    rec('c', 'offline', 'SLC-2', 'Lund'),
    rec('d', 'degraded', 'SLC-2', 'Lund'),
  ];
  const ids = (rs: Recorder[]) => rs.map((r) => r.id);

  it('reads the filter from the URL and writes it back the same way, ignoring what it does not know', () => {
    expect(fleet.parseFilter('state=offline&q=malm%C3%B6')).toEqual({ state: 'offline', q: 'malmö' });
    expect(fleet.parseFilter('state=bogus&x=1')).toEqual({ state: null, q: '' });
    expect(fleet.parseFilter(undefined)).toEqual({ state: null, q: '' });
    expect(fleet.filterHref({ state: 'offline', q: 'malmö' })).toBe('#/fleet?state=offline&q=malm%C3%B6');
    expect(fleet.filterHref({ state: null, q: '' })).toBe('#/fleet');
    expect(fleet.parseFilter(fleet.filterHref({ state: 'degraded', q: 'lund 2' }).split('?')[1])).toEqual({ state: 'degraded', q: 'lund 2' });
  });

  it('lists every recorder of the state picked, healthy ones too, and narrows by every word searched', () => {
    expect(ids(fleet.selectRecorders(list, { state: null, q: '' }, false))).toEqual(['b', 'c', 'd']);
    expect(ids(fleet.selectRecorders(list, { state: 'online', q: '' }, false))).toEqual(['a']);
    expect(ids(fleet.selectRecorders(list, { state: 'offline', q: '' }, false))).toEqual(['b', 'c']);
    expect(ids(fleet.selectRecorders(list, { state: 'offline', q: 'LUND' }, false))).toEqual(['c']);
    expect(ids(fleet.selectRecorders(list, { state: null, q: 'slc-1 malmö' }, false))).toEqual(['a', 'b']);
  });
});

describe("a problem's current value", () => {
  it('says the reading of now, and puts a forecast raised earlier right when the trend is known', () => {
    expect(dom.currentNote({})).toBeNull();
    expect(dom.currentNote({ current: { usedPercent: 97.64 } })).toBe('now 97.6 % used');
    expect(dom.currentNote({ current: { usedPercent: 40, daysToFull: null } })).toBe('now 40.0 % used, not filling');
    expect(dom.currentNote({ current: { usedPercent: 97.6, daysToFull: 0.5 } })).toBe('now 97.6 % used, full in about 12 h');
    expect(dom.currentNote({ current: { cameras: 16, licensed: 12 } })).toBe('now 16 cameras, 12 licensed');
  });
});

describe('recorder state timeline', () => {
  it('carries the state from before the window in, clips to the window, and marks the unknown start', () => {
    expect(
      recorder.timelineSegments(
        [
          { state: 'online', since: 50 },
          { state: 'degraded', since: 120 },
          { state: 'online', since: 150 },
        ],
        100,
        200,
      ),
    ).toEqual([
      { state: 'online', from: 100, to: 120 },
      { state: 'degraded', from: 120, to: 150 },
      { state: 'online', from: 150, to: 200 },
    ]);
    expect(recorder.timelineSegments([{ state: 'online', since: 160 }], 100, 200)).toEqual([
      { state: null, from: 100, to: 160 },
      { state: 'online', from: 160, to: 200 },
    ]);
    expect(recorder.timelineSegments([], 100, 200)).toEqual([{ state: null, from: 100, to: 200 }]);
  });
});
