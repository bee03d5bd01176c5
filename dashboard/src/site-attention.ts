import type { RecorderStateName } from '@vigil/ingestor';

/**
 * How much of a site is wrong, and how badly: the one rule the map colours, orders and words sites
 * by (docs/DESIGN.md, Fleet state, "Sites on the map"). A site is only as bad as what it can no
 * longer do: one crashed recorder of three still leaves two recording, so it ranks below a site
 * where nothing answers, however bad that one recorder's own state is.
 */
export type SiteLevel = 'unreachable' | 'down' | 'partly-down' | 'degraded' | 'stopped' | 'ok';

/** Worst first. */
export const SITE_LEVELS: readonly SiteLevel[] = ['unreachable', 'down', 'partly-down', 'degraded', 'stopped', 'ok'];

/** The state colour each level is drawn in (the page's state palette). */
export const SITE_LEVEL_COLOUR: Record<SiteLevel, RecorderStateName> = {
  unreachable: 'offline',
  down: 'offline',
  'partly-down': 'unavailable',
  degraded: 'degraded',
  stopped: 'stopped',
  ok: 'online',
};

export interface SiteAttention {
  level: SiteLevel;
  /** The state colour to draw it in (SITE_LEVEL_COLOUR). */
  colour: RecorderStateName;
  /** Recorders in the level's condition (down, degraded or stopped), of `total`. */
  affected: number;
  total: number;
  /** Higher is worse: the level's rank (ok 0 … unreachable 5) plus the share affected (0-1), so a larger share ranks first within a level and never above the next level. */
  score: number;
  /** Says it in words, e.g. "2 of 3 recorders down", "site unreachable". */
  summary: string;
}

const isDown = (state: RecorderStateName) => state === 'unavailable' || state === 'offline';

const plural = (n: number) => `${n} recorder${n === 1 ? '' : 's'}`;

/** `unreachable`: the ingestor found every recorder of the site lost at once (site correlation). */
export function siteAttention(states: readonly RecorderStateName[], unreachable: boolean): SiteAttention {
  const total = states.length;
  const down = states.filter(isDown).length;
  const degraded = states.filter((s) => s === 'degraded').length;
  const stopped = states.filter((s) => s === 'stopped').length;
  const say = (n: number, what: string) =>
    total === 1 ? `its recorder is ${what}` : n === total ? `all ${total} recorders ${what}` : `${n} of ${total} recorders ${what}`;
  let level: SiteLevel;
  let affected: number;
  let summary: string;
  if (unreachable) {
    [level, affected, summary] = ['unreachable', total, `site unreachable: none of its ${plural(total)} answers`];
  } else if (total > 0 && down === total) {
    [level, affected, summary] = ['down', down, say(down, 'down')];
  } else if (down > 0) {
    [level, affected, summary] = ['partly-down', down, say(down, 'down')];
  } else if (degraded > 0) {
    [level, affected, summary] = ['degraded', degraded, say(degraded, 'degraded')];
  } else if (stopped > 0) {
    [level, affected, summary] = ['stopped', stopped, say(stopped, 'stopped on purpose')];
  } else {
    [level, affected, summary] = ['ok', 0, total === 0 ? 'no recorders' : say(total, 'online')];
  }
  const rank = SITE_LEVELS.length - 1 - SITE_LEVELS.indexOf(level);
  const share = total === 0 ? 0 : affected / total;
  return { level, colour: SITE_LEVEL_COLOUR[level], affected, total, score: rank + share, summary };
}

/** Worst first: score, then the more recorders affected, then the caller's tie-break (e.g. by name). */
export function bySiteAttention(a: SiteAttention, b: SiteAttention): number {
  return b.score - a.score || b.affected - a.affected;
}
