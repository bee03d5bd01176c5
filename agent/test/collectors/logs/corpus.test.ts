import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import {
  LineMatcher,
  LogsCollector,
  loadPreset,
  logsConfigSchema,
  MemoryOffsetStore,
  Tailer,
  type LineObservation,
} from '../../../src/collectors/logs/index.js';
import { CollectingSink, makeTempDir, removeDir, waitFor } from './helpers.js';

// The fixture corpus (fixtures/xprotect-corpus.tsv) through a real tailer reading real files: the
// committed UTF-8 and UTF-16LE logs (CRLF, the UTF-16LE one with a byte order mark) are copied into
// a watched file, at once and line by line, and every line must give exactly its expected code,
// subject and raise/clear, or nothing.

const FIXTURES = new URL('./fixtures/', import.meta.url);
const AT = Date.UTC(2024, 4, 1, 8, 0, 0);

interface Expected {
  code: string;
  subject: string;
  /** raise, clear, event or - (nothing). */
  action: string;
  line: string;
}

const corpus: Expected[] = readFileSync(new URL('xprotect-corpus.tsv', FIXTURES), 'utf8')
  .split('\n')
  .filter((row) => row !== '' && !row.startsWith('#'))
  .map((row) => {
    const [code = '', subject = '', action = '', ...line] = row.split('\t');
    return { code, subject, action, line: line.join('\t') };
  });

const LOGS = {
  utf8: readFileSync(new URL('xprotect-corpus.utf8.log', FIXTURES)),
  utf16le: readFileSync(new URL('xprotect-corpus.utf16le.log', FIXTURES)),
} as const;
type Encoding = keyof typeof LOGS;

/** What an observation says, in the corpus's terms. */
function outcome(observation: LineObservation | undefined): Omit<Expected, 'line'> {
  if (!observation) return { code: '-', subject: '', action: '-' };
  const action = observation.kind === 'event' ? 'event' : observation.active ? 'raise' : 'clear';
  return { code: observation.code, subject: observation.subject, action };
}

/** The file's bytes cut after each line's CRLF (the BOM stays with the first line). */
function lineChunks(bytes: Buffer, encoding: Encoding): Buffer[] {
  const newline = encoding === 'utf8' ? Buffer.from('\r\n') : Buffer.from('\r\n', 'utf16le');
  const chunks: Buffer[] = [];
  let start = 0;
  for (;;) {
    let end = bytes.indexOf(newline, start);
    // In UTF-16LE a newline starts at an even offset.
    while (encoding === 'utf16le' && end !== -1 && end % 2 === 1) end = bytes.indexOf(newline, end + 1);
    if (end === -1) break;
    chunks.push(bytes.subarray(start, end + newline.length));
    start = end + newline.length;
  }
  return chunks;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/**
 * Tails a fresh file in a temp dir and writes the corpus log of `encoding` into it, at once or a
 * line at a time (each line waited for). Returns the outcome of every line read, in order. Each
 * block the tailer hands over goes through the agent's path (scanLines); the lines are also
 * matched one by one, which must agree and tells which line gave which observation.
 */
async function tailCorpus(encoding: Encoding, how: 'bulk' | 'line by line', matcher: LineMatcher): Promise<Array<Omit<Expected, 'line'> & { line: string }>> {
  const dir = await makeTempDir();
  cleanups.push(() => removeDir(dir));
  const path = `${dir}/RecordingServer.log`;
  writeFileSync(path, '');
  const seen: Array<Omit<Expected, 'line'> & { line: string }> = [];
  const mismatches: string[] = [];
  const tailer = new Tailer({
    files: [{ glob: `${dir}/*.log`, encoding: 'auto' }],
    offsets: new MemoryOffsetStore(),
    startAt: 'beginning',
    maxLineBytes: 65_536,
    // The rescan alone, often: each line is waited for before the next is written.
    watch: 'off',
    rescanMs: 10,
    onLines: (block) => {
      const scanned: LineObservation[] = [];
      matcher.scanLines(block, AT, (observation) => scanned.push(observation));
      const oneByOne: LineObservation[] = [];
      for (const line of block.text().split('\n')) {
        const observation = matcher.match(line, AT);
        if (observation) oneByOne.push(observation);
        seen.push({ ...outcome(observation), line: line.replace(/\r$/, '') });
      }
      if (JSON.stringify(scanned) !== JSON.stringify(oneByOne)) mismatches.push(block.text());
    },
  });
  cleanups.push(() => tailer.stop());
  await tailer.start();
  const bytes = LOGS[encoding];
  if (how === 'bulk') {
    appendFileSync(path, bytes);
    await waitFor('every corpus line', () => seen.length === corpus.length, 20_000);
  } else {
    const chunks = lineChunks(bytes, encoding);
    expect(chunks).toHaveLength(corpus.length);
    for (const [index, chunk] of chunks.entries()) {
      appendFileSync(path, chunk);
      await waitFor(`corpus line ${index + 1}`, () => seen.length === index + 1, 10_000);
    }
  }
  expect(mismatches).toEqual([]);
  return seen;
}

function report(label: string, seen: ReadonlyArray<Omit<Expected, 'line'> & { line: string }>): void {
  const wrong = corpus.flatMap((expected, index) => {
    const got = seen[index];
    const same = got && got.line === expected.line && got.code === expected.code && got.subject === expected.subject && got.action === expected.action;
    return same
      ? []
      : [
          {
            line: expected.line,
            expected: `${expected.code} [${expected.subject}] ${expected.action}`,
            got: got && `${got.code} [${got.subject}] ${got.action}`,
          },
        ];
  });
  console.log(`corpus (${label}): ${corpus.length} lines, ${corpus.length - wrong.length} as expected`);
  expect(wrong).toEqual([]);
}

describe('the XProtect log corpus through the milestone-xprotect preset', () => {
  const preset = loadPreset('milestone-xprotect');

  it('has its lines in both committed logs: UTF-8 and UTF-16LE with a byte order mark, CRLF line ends', () => {
    expect(corpus.length).toBeGreaterThan(200);
    const utf8 = LOGS.utf8.toString('utf8');
    expect(LOGS.utf16le.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xfe]));
    const utf16 = LOGS.utf16le.subarray(2).toString('utf16le');
    for (const text of [utf8, utf16]) {
      expect(text.endsWith('\r\n')).toBe(true);
      // Every line ends in CRLF, and the lines are the corpus's (run fixtures/write-corpus-logs.mjs after editing it).
      expect(text.split('\r\n').slice(0, -1)).toEqual(corpus.map((entry) => entry.line));
      expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    }
    // Every code the preset can give, and lines that must give nothing.
    const codes = new Set(corpus.map((entry) => entry.code));
    for (const code of [
      'camera-unreachable',
      'media-db-write-failure',
      'drive-full',
      'licence-overrun',
      'archive-delete-failed',
      'file-delete-failed',
      'archive-fatal-error',
      'archive-operation-failed',
      'archive-move-failed',
      '-',
    ]) {
      expect(codes).toContain(code);
    }
  });

  it('UTF-8, written at once, through the byte filter', async () => {
    // Every block through the byte filter (the corpus is smaller than a backlog chunk).
    const matcher = new LineMatcher(preset, 0);
    expect(await matcher.prepareByteFilter()).toBe(true);
    report('UTF-8, at once, byte filter', await tailCorpus('utf8', 'bulk', matcher));
  });

  it('UTF-8, a line at a time, matched as text', async () => {
    report('UTF-8, line by line', await tailCorpus('utf8', 'line by line', new LineMatcher(preset)));
  });

  it('UTF-16LE with a byte order mark, written at once', async () => {
    report('UTF-16LE, at once', await tailCorpus('utf16le', 'bulk', new LineMatcher(preset)));
  });

  it('UTF-16LE with a byte order mark, a line at a time', async () => {
    report('UTF-16LE, line by line', await tailCorpus('utf16le', 'line by line', new LineMatcher(preset)));
  });
});

describe('camera recoveries', () => {
  // How the products word a camera coming back, each after a way of saying it went away. {name}
  // is written in every kind of quotes and none; the raise and the clear must name one subject.
  const recoveries = [
    'Hardware {name} Communication Started',
    'Camera {name}: Connection re-established',
    'Device {name} communication restored',
    'Camera {name} (10.0.0.13): connection restored',
    'Camera {name} is back online',
    'Device {name} reconnected',
    'Camera {name} is online again',
    'Camera {name} is responding again',
    'Connection restored to camera {name}',
    'Connection to camera {name} re-established',
    'Communication re-established with device {name}',
    'Reconnected to hardware {name}',
    'Successfully connected to camera {name}',
    'Device communication restored: {name}',
    'Communication Started - Camera: {name}',
    'CAMERA {name}: CONNECTION RESTORED',
  ];
  const failures = [
    'Device {name}: Communication Error.',
    'Camera {name} (10.0.0.13): Unable to connect to camera',
    'Lost connection to camera {name}',
    'Hardware {name} is not responding',
    'Connection to device {name} lost',
    'COMMUNICATION ERROR on device {name}',
  ];
  const quotes = [
    ["'", "'"],
    ['"', '"'],
    ['\u201c', '\u201d'],
    ['\u2018', '\u2019'],
    ['\u00ab', '\u00bb'],
    ['', ''],
  ];

  it('clears the condition its failure raised, for every wording, whatever the quotes', async () => {
    const dir = await makeTempDir();
    cleanups.push(() => removeDir(dir));
    const config = logsConfigSchema.parse({ files: [{ glob: `${dir}/*.log` }], startAt: 'beginning', watch: 'off', rescanSeconds: 0.05 });
    const logs = new LogsCollector(config, { offsets: new MemoryOffsetStore(), baseDir: dir, clock: () => AT });
    cleanups.push(() => logs.stop());
    const sink = new CollectingSink();
    await logs.start(sink);

    const expected: Array<{ subject: string; active: boolean }> = [];
    let text = '';
    recoveries.forEach((recovery, index) => {
      const name = index % 2 === 0 ? `Gate ${index}` : `\u00d8stre Port ${index}`;
      const [open, close] = quotes[index % quotes.length] as [string, string];
      const written = `${open}${name}${close}`;
      const failure = failures[index % failures.length] as string;
      text += `2024-05-01 10:00:00.000+02:00 [   41] ERROR      - ${failure.replace('{name}', written)}\r\n`;
      text += `2024-05-01 10:01:00.000+02:00 [   41] INFO       - ${recovery.replace('{name}', written)}\r\n`;
      expected.push({ subject: name, active: true }, { subject: name, active: false });
    });
    appendFileSync(`${dir}/RecordingServer.log`, text);
    await waitFor('a raise and a clear per recovery wording', () => sink.observations.length >= expected.length, 20_000);
    expect(
      sink.observations.map((observation) => (observation.kind === 'condition' ? { subject: observation.subject, active: observation.active } : observation)),
    ).toEqual(expected);
    expect(sink.observations.every((observation) => observation.kind === 'condition' && observation.code === 'camera-unreachable')).toBe(true);
  });
});
