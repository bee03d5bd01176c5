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
