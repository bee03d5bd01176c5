// Seeded XProtect Recording Server log lines for the agent benchmarks (not a benchmark itself).
// Mostly routine lines, some close to the milestone-xprotect rules without matching them (the
// expensive case for a prefilter), and a small fraction that match.

/** What a line is meant to produce under the milestone-xprotect preset. */
export type Expected = 'event' | 'condition' | null;

export interface LineTemplate {
  /** Per 100,000 lines. */
  readonly weight: number;
  readonly level: string;
  readonly expected: Expected;
  readonly text: (pick: Picker) => string;
}

export interface Picker {
  camera(): string;
  ip(): string;
  int(below: number): number;
  hex(digits: number): string;
  day(): string;
}

/** mulberry32: small, fast and seeded, so a seed always gives the same lines. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CAMERAS = [
  'Gate 3',
  'Lobby',
  'Lobby East',
  'Dock 1',
  'Dock 2',
  'Parking North',
  'Parking South',
  'Cash Desk 4',
  'Warehouse Aisle 12',
  'Roof PTZ',
  'Entrance',
  'Server Room',
  'Canteen',
  'Loading Bay',
  'Fence West',
  'Fence East',
  'Stairwell B',
  'Playground',
  'Reception',
  'Garage Exit',
];
const DRIVES = ['D:', 'E:', 'F:'];
const THREADS = [21, 41, 57, 88, 90, 112, 1043, 2210];

const block = (p: Picker) => String(p.int(100_000)).padStart(8, '0');

/** Matching lines weigh 512 of 100,000 (about 0.5 %). */
export const TEMPLATES: readonly LineTemplate[] = [
  // routine
  { weight: 22_000, level: 'INFO', expected: null, text: (p) => `Camera '${p.camera()}' (${p.ip()}): Motion started` },
  { weight: 22_000, level: 'INFO', expected: null, text: (p) => `Camera '${p.camera()}' (${p.ip()}): Motion stopped after ${p.int(90_000)} ms` },
  {
    weight: 9_000,
    level: 'DEBUG',
    expected: null,
    text: (p) => `Database '${p.camera()}' block ${p.int(1_000_000)} flushed (${p.int(4096)} KB, ${p.int(50)} ms)`,
  },
  { weight: 8_000, level: 'DEBUG', expected: null, text: (p) => `RTSP session ${p.hex(8)} for device '${p.camera()}' renewed, timeout 60 s` },
  { weight: 6_000, level: 'INFO', expected: null, text: (p) => `Device '${p.camera()}': keep-alive acknowledged in ${p.int(400)} ms` },
  {
    weight: 5_000,
    level: 'INFO',
    expected: null,
    text: () => 'Connection to Management Server established (https://mgmt.local:443/ManagementServer/ServerCommandService.svc)',
  },
  { weight: 5_000, level: 'INFO', expected: null, text: (p) => `Event server connection OK, ${p.int(20)} events queued` },
  {
    weight: 4_000,
    level: 'INFO',
    expected: null,
    text: (p) => `Storage 'Local Default' (${DRIVES[p.int(DRIVES.length)]}\\MediaDatabase): ${p.int(100)}% used, retention ${p.int(30) + 1} days`,
  },
  {
    weight: 3_000,
    level: 'INFO',
    expected: null,
    text: (p) => `Retention check for storage '${DRIVES[p.int(DRIVES.length)]}': ${p.int(20_000)} files examined, ${p.int(200)} removed`,
  },
  {
    weight: 2_500,
    level: 'INFO',
    expected: null,
    text: (p) => `File '${DRIVES[p.int(DRIVES.length)]}\\MediaDatabase\\${p.camera()}_${p.hex(4)}\\${block(p)}.blk' written`,
  },
  // close to a rule without matching it
  { weight: 1_500, level: 'INFO', expected: null, text: (p) => `Archiving of camera '${p.camera()}' started (${p.int(1000)} sequences)` },
  { weight: 1_500, level: 'INFO', expected: null, text: (p) => `Archive 'F:\\Archives\\${p.camera()}\\${p.day()}_00-00-00' completed in ${p.int(600_000)} ms` },
  {
    weight: 1_000,
    level: 'INFO',
    expected: null,
    text: (p) => `Camera '${p.camera()}' (${p.ip()}): Recording started on rule 'Default Record on Motion Rule'`,
  },
  { weight: 1_000, level: 'WARNING', expected: null, text: (p) => `Frame rate for camera '${p.camera()}' dropped to ${p.int(25) + 1} fps (configured 25)` },
  { weight: 1_000, level: 'WARNING', expected: null, text: (p) => `Hardware '${p.camera()}' (${p.ip()}): certificate expires in ${p.int(300)} days` },
  { weight: 6_988, level: 'DEBUG', expected: null, text: (p) => `Thread pool: ${p.int(64)} of 64 workers busy, queue length ${p.int(500)}` },
  // matching
  { weight: 120, level: 'ERROR', expected: 'condition', text: (p) => `Camera '${p.camera()}' (${p.ip()}): Unable to connect to camera` },
  { weight: 120, level: 'INFO', expected: 'condition', text: (p) => `Camera '${p.camera()}' (${p.ip()}): Connection restored` },
  { weight: 60, level: 'ERROR', expected: 'condition', text: (p) => `Lost connection to camera '${p.camera()}' (${p.ip()})` },
  { weight: 80, level: 'ERROR', expected: 'event', text: (p) => `Unable to add data to the media database for device '${p.camera()}'. Error: DiskFull` },
  { weight: 40, level: 'ERROR', expected: 'event', text: (p) => `Archive 'D:\\Archives\\${p.camera()}\\${p.day()}_00-00-00' could not be deleted: in use` },
  {
    weight: 40,
    level: 'WARNING',
    expected: 'event',
    text: (p) => `File 'E:\\MediaDatabase\\${p.camera()}_${p.hex(4)}\\${block(p)}.blk' could not be deleted. Access denied.`,
  },
  {
    weight: 10,
    level: 'FATAL',
    expected: 'event',
    text: (p) => `Fatal error processing archive 'D:\\Archives\\${p.camera()}\\${p.day()}_00-00-00': Index file is corrupt`,
  },
  { weight: 20, level: 'ERROR', expected: 'event', text: (p) => `Archive operation 'Move' failed for device '${p.camera()}': Timeout expired` },
  { weight: 20, level: 'ERROR', expected: 'event', text: (p) => `Archive file move error: 'D:\\Archives\\${p.camera()}\\${p.day()}_00-00-00'` },
  { weight: 2, level: 'ERROR', expected: 'event', text: (p) => `Drive '${DRIVES[p.int(DRIVES.length)]}' (${DRIVES[0]}\\MediaDatabase) is full` },
];

export interface LogLine {
  /** The line with its '\n'; ASCII only, so its length is its size in bytes. */
  text: string;
  expected: Expected;
}

/** An endless XProtect log: timestamps advance a few ms per line from `start`. */
export class XProtectLog {
  private readonly next: () => number;
  private readonly pick: Picker;
  private readonly templates: readonly LineTemplate[];
  private readonly cumulative: number[];
  private readonly total: number;
  private clock: number;

  /** `matchingFactor` scales the weight of the matching templates (1: about 0.5 % of lines). */
  constructor(seed: number, options: { matchingFactor?: number; start?: number } = {}) {
    const factor = options.matchingFactor ?? 1;
    this.templates = TEMPLATES.map((template) => (template.expected ? { ...template, weight: template.weight * factor } : template));
    let sum = 0;
    this.cumulative = this.templates.map((template) => (sum += template.weight));
    this.total = sum;
    this.next = seededRandom(seed);
    const next = this.next;
    this.pick = {
      camera: () => CAMERAS[Math.floor(next() * CAMERAS.length)] as string,
      ip: () => `10.0.${Math.floor(next() * 8)}.${Math.floor(next() * 254) + 1}`,
      int: (below) => Math.floor(next() * below),
      hex: (digits) =>
        Math.floor(next() * 16 ** digits)
          .toString(16)
          .toUpperCase()
          .padStart(digits, '0'),
      day: () => `2026-11-${String(Math.floor(next() * 21) + 1).padStart(2, '0')}`,
    };
    this.clock = options.start ?? Date.UTC(2026, 10, 1, 0, 0, 0);
  }

  line(): LogLine {
    this.clock += Math.floor(this.next() * 40);
    // Written as local time at +01:00, the way a recording server in Central Europe logs.
    const at = new Date(this.clock + 3_600_000).toISOString();
    const roll = this.next() * this.total;
    const template = this.templates[this.cumulative.findIndex((limit) => roll < limit)] as LineTemplate;
    const thread = String(THREADS[Math.floor(this.next() * THREADS.length)]).padStart(5, ' ');
    const text = `${at.slice(0, 10)} ${at.slice(11, 23)}+01:00 [${thread}] ${template.level.padEnd(10, ' ')} - ${template.text(this.pick)}\n`;
    return { text, expected: template.expected };
  }
}
