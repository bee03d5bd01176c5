import { vigil } from '@vigil/proto/wire';
import { codeName } from '../codes.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * How long an event stays an active problem after its last occurrence (docs/DESIGN.md "Fleet
 * state"), per code: the quiet period after which it clears on its own. The longer, the worse
 * the failure and the more likely it hides a lasting fault: a fatal archive error means the
 * night's archive may be lost, a failed move is usually retried within the hour.
 */
export const DEFAULT_EVENT_LIFETIMES_MS: Readonly<Record<string, number>> = {
  'archive-fatal-error': DAY,
  'media-db-write-failure': 6 * HOUR,
  'archive-operation-failed': 6 * HOUR,
  // The XProtect preset also reports a full drive as an event (the VMS said so in its log).
  'drive-full': 6 * HOUR,
  'archive-move-failed': HOUR,
  'archive-delete-failed': HOUR,
  'file-delete-failed': HOUR,
};

/** Any event code not in the table (another rule set's, or a newer agent's `code-<n>`). */
export const DEFAULT_LIFETIME_MS = DAY;

/** Events of these severities make their recorder degraded while they are active; lesser ones are only listed. */
export const DEGRADING_EVENT_SEVERITIES: readonly string[] = ['error', 'critical'];

/** `code=duration` pairs the operator gave, with `default` for every code not named. */
export type LifetimeOverrides = Readonly<Record<string, number>>;

const KNOWN_CODES = new Set(Object.values(vigil.v1.Code).map((value) => codeName(value as number)));
KNOWN_CODES.delete('unspecified');
const UNITS: Record<string, number> = { s: 1_000, m: MINUTE, h: HOUR, d: DAY };
const LONGEST_MS = 400 * DAY;

/** The lifetime of each event code: the operator's choice, else the table above, else the default. */
export class ProblemLifetimes {
  private readonly fallback: number;

  constructor(private readonly overrides: LifetimeOverrides = {}) {
    this.fallback = overrides.default ?? DEFAULT_LIFETIME_MS;
  }

  of(code: string): number {
    return this.overrides[code] ?? DEFAULT_EVENT_LIFETIMES_MS[code] ?? this.fallback;
  }
}

/**
 * Parses the operator's setting, e.g. `archive-fatal-error=48h,archive-move-failed=30m,default=12h`
 * (units s, m, h, d; at most 400 d). Returns the overrides, or what is wrong, naming the entry.
 */
export function parseProblemLifetimes(text: string): { overrides: LifetimeOverrides } | { error: string } {
  const overrides: Record<string, number> = {};
  for (const entry of text.split(',').map((part) => part.trim())) {
    if (entry === '') continue;
    const match = /^([a-z0-9-]+)\s*=\s*(\d+)\s*([smhd])$/.exec(entry);
    if (!match) return { error: `"${entry}" is not code=duration (a whole number with s, m, h or d)` };
    const [, code = '', amount = '', unit = ''] = match;
    if (code !== 'default' && !KNOWN_CODES.has(code) && !/^code-\d+$/.test(code)) {
      return { error: `"${code}" is not a problem code (known: ${[...KNOWN_CODES].sort().join(', ')}, or default)` };
    }
    const ms = Number(amount) * (UNITS[unit] ?? 0);
    if (ms < 1_000 || ms > LONGEST_MS) return { error: `the lifetime of ${code} (${amount}${unit}) must be from 1 s to 400 d` };
    if (code in overrides) return { error: `${code} is given twice` };
    overrides[code] = ms;
  }
  return { overrides };
}
