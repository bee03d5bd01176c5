import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildCandidateNfa, MAX_NFA_STATES, type CandidateNfa } from '../../../../src/collectors/logs/byte-filter/candidate-nfa.js';
import { CandidateScanner } from '../../../../src/collectors/logs/byte-filter/candidate-scanner.js';
import { LineBlock } from '../../../../src/collectors/logs/line-reader.js';
import { BYTE_FILTER_MIN_BYTES } from '../../../../src/collectors/logs/line-matcher.js';
import { LineMatcher, loadPreset, type LineObservation, type Rule } from '../../../../src/collectors/logs/rules.js';

const AT = Date.UTC(2024, 4, 1, 8, 0, 0);
const FIXTURE = new URL('../fixtures/xprotect-sample.log', import.meta.url);
const CORPUS = new URL('../fixtures/xprotect-corpus.tsv', import.meta.url);

function rule(id: string, pattern: string, flags?: string): Rule {
  return { id, pattern, ...(flags ? { flags } : {}), code: 'archive-operation-failed', type: 'event', severity: 'error', message: id };
}

/** Rules whose patterns use what a byte automaton cannot hold exactly: each must still find every matching line. */
const TRICKY: Rule[] = [
  rule('non-ascii-literal', 'caf\u00e9 (?<name>\\w+) down'),
  rule('anchors-and-boundary', '^ERROR\\b.*disk$'),
  rule('lookbehind', '(?<=user=)admin'),
  rule('negative-lookahead', 'alarm(?! cleared)'),
  rule('backreference', `(?<quote>['"])x\\k<quote>y`),
  rule('any-char', 'a.b'),
  rule('any-char-unicode', 'b.a', 'u'),
  rule('negated-class', '[^a-z ]{2}end'),
  rule('big-repeat', 'k{2,40}y'),
  rule('small-repeat', 'x{3}z'),
  rule('fold-long-s', 'sun', 'iu'),
  rule('fold-kelvin', 'kelvin', 'iu'),
  rule('ignore-case', 'warn(?:ing)?', 'i'),
  rule('property', '\\p{Lu}{2} alarm', 'u'),
  rule('space', '\\s+tab'),
  rule('word-negated', '\\W{2}q'),
];

/** One line that each rule above matches through the construct it is about. */
const EXAMPLES = [
  'caf\u00e9 menu down',
  'ERROR: disk',
  'user=admin',
  'alarm',
  'say "x"y',
  'a\u00e9b',
  'b\u{1F600}a',
  '\u00C5\u00C4end',
  'kkkky',
  'xxxz',
  '\u017Fun',
  '\u212Aelvin',
  'WARNING',
  '\u00C5\u00C4 alarm',
  '\u00a0tab',
  '\u00e9\u00e9q',
];

const TOKENS = [
  'ERROR',
  'error',
  ' disk',
  'caf\u00e9',
  'cafe',
  ' down',
  'user=',
  'admin',
  "'",
  '"',
  'x',
  'z',
  'a',
  'b',
  '\u{1F600}',
  '\u00e9',
  '\u017Fun',
  'SUN',
  '\u212Aelvin',
  'KELVIN',
  'kk',
  'k',
  'y',
  'AB',
  '\u00C5\u00C4',
  ' alarm',
  ' cleared',
  '\t',
  'tab',
  ' ',
  'end',
  '12',
  'q',
  '!',
  'Warn',
  'WARNING',
  '\u00a0',
];

/** A deterministic pseudo-random line generator (mulberry32), so a failure can be replayed. */
function randomLines(count: number, seed: number): string[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    let line = '';
    const length = Math.floor(random() * 10);
    for (let j = 0; j < length; j++) line += TOKENS[Math.floor(random() * TOKENS.length)];
    lines.push(random() < 0.1 ? `${line}\r` : line);
  }
  return lines;
}

/** A matcher with its byte filter loaded, so every block of at least `minBytes` goes through it. */
async function byteMatcher(rules: readonly Rule[], minBytes = 0, filterable = true): Promise<LineMatcher> {
  const matcher = new LineMatcher(rules, minBytes);
  expect(await matcher.prepareByteFilter()).toBe(filterable);
  return matcher;
}

function scanBytes(matcher: LineMatcher, text: string): LineObservation[] {
  const found: LineObservation[] = [];
  matcher.scanLines(new LineBlock(Buffer.from(text, 'utf8'), 'utf8'), AT, (observation) => found.push(observation));
  return found;
}

function oneByOne(matcher: LineMatcher, lines: readonly string[]): LineObservation[] {
  return lines.map((line) => matcher.match(line, AT)).filter((found): found is LineObservation => found !== undefined);
}

/** The line index of every candidate the scanner reports in `text`. */
function candidateLines(scanner: CandidateScanner, text: string): number[] {
  const bytes = Buffer.from(text, 'utf8');
  const found: number[] = [];
  scanner.candidates(bytes, (hit) => {
    found.push(bytes.subarray(0, hit).filter((byte) => byte === 0x0a).length);
    const newline = bytes.indexOf(0x0a, hit);
    return newline === -1 ? bytes.length : newline + 1;
  });
  return found;
}

function nfaOf(rules: readonly Rule[]): CandidateNfa {
  const nfa = buildCandidateNfa(rules);
  if (!nfa) throw new Error('expected the rules to have a candidate automaton');
  return nfa;
}

describe('candidate scanner (byte DFA in front of the rules)', () => {
  it('reports exactly the lines of the XProtect sample that the preset matches, with LF and CRLF', async () => {
    const preset = loadPreset('milestone-xprotect');
    const scanner = new CandidateScanner(nfaOf(preset));
    const lines = readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
    const matcher = await byteMatcher(preset);
    const matching = lines.flatMap((line, index) => (matcher.match(line, AT) ? [index] : []));
    expect(matching.length).toBeGreaterThan(10);
    for (const separator of ['\n', '\r\n']) {
      // On these lines the preset's automaton is exact, though it widens the preset's lookarounds and non-ASCII quotes.
      expect(candidateLines(scanner, lines.join(separator))).toEqual(matching);
      expect(scanBytes(matcher, lines.join(separator))).toEqual(oneByOne(matcher, lines));
    }
  });

  it('lets through every line of the XProtect corpus that the preset matches, as bytes and as text', async () => {
    const lines = readFileSync(CORPUS, 'utf8')
      .split('\n')
      .filter((row) => row !== '' && !row.startsWith('#'))
      .map((row) => row.split('\t').slice(3).join('\t'));
    const preset = loadPreset('milestone-xprotect');
    const matcher = await byteMatcher(preset);
    const matching = lines.flatMap((line, index) => (matcher.match(line, AT) ? [index] : []));
    expect(matching.length).toBeGreaterThan(150);
    const candidates = new Set(candidateLines(new CandidateScanner(nfaOf(preset)), lines.join('\n')));
    expect(matching.filter((index) => !candidates.has(index))).toEqual([]);
    for (const separator of ['\n', '\r\n']) {
      const text = lines.join(separator);
      expect(scanBytes(matcher, text)).toEqual(oneByOne(matcher, lines));
      // The text path: the rules' prefilters (shared alternations without lookarounds) in front of the rules.
      const scanned: LineObservation[] = [];
      new LineMatcher(preset).scanBlock(text, AT, (observation) => scanned.push(observation));
      expect(scanned).toEqual(oneByOne(matcher, lines));
    }
  });

  it('never misses a line that a rule matches, whatever the pattern uses (random lines, each rule alone and all together)', async () => {
    const lines = [...EXAMPLES, ...randomLines(4000, 20261123)];
    for (const rules of [...TRICKY.map((single) => [single]), TRICKY]) {
      const regexes = rules.map((each) => new RegExp(each.pattern, each.flags ?? ''));
      const scanner = new CandidateScanner(nfaOf(rules));
      const candidates = new Set(candidateLines(scanner, lines.join('\n')));
      const missed = lines.filter((line, index) => regexes.some((regex) => regex.test(line.replace(/\r$/, ''))) && !candidates.has(index));
      expect({ rules: rules.map((each) => each.id), missed }).toEqual({ rules: rules.map((each) => each.id), missed: [] });
      const matcher = await byteMatcher(rules);
      expect(scanBytes(matcher, lines.join('\n'))).toEqual(oneByOne(matcher, lines));
    }
    // The lines do exercise the rules: each example matches its rule, and many random lines match some rule.
    expect(EXAMPLES.filter((line, index) => !new RegExp((TRICKY[index] as Rule).pattern, TRICKY[index]?.flags ?? '').test(line))).toEqual([]);
    expect(oneByOne(new LineMatcher(TRICKY), lines).length).toBeGreaterThan(1000);
  });

  it('finds the same observations whether a block is small (matched as text) or big (filtered as bytes first)', async () => {
    const matcher = await byteMatcher(loadPreset('milestone-xprotect'), BYTE_FILTER_MIN_BYTES);
    const lines = readFileSync(FIXTURE, 'utf8').trimEnd().split('\n');
    const small = lines.join('\n');
    const copies = Math.ceil((BYTE_FILTER_MIN_BYTES * 2) / small.length);
    const big = Array.from({ length: copies }, () => small).join('\n');
    expect(Buffer.byteLength(big)).toBeGreaterThan(BYTE_FILTER_MIN_BYTES);
    const expected = oneByOne(matcher, lines);
    expect(scanBytes(matcher, small)).toEqual(expected);
    expect(scanBytes(matcher, big)).toEqual(Array.from({ length: copies }, () => expected).flat());
  });

  it('gives the same answers when its state cache is flushed all the time', async () => {
    const lines = randomLines(2000, 7);
    const text = lines.join('\n');
    const roomy = new CandidateScanner(nfaOf(TRICKY));
    const cramped = new CandidateScanner(nfaOf(TRICKY), 2);
    expect(candidateLines(cramped, text)).toEqual(candidateLines(roomy, text));
  });

  it('finds a match that lies across the boundary of the 64 KiB pieces it copies, or at the end of a longer line, and a line once', async () => {
    const preset = loadPreset('milestone-xprotect');
    const matcher = await byteMatcher(preset);
    const needle = "Fatal error processing archive 'D:\\A'";
    const across = `${'x'.repeat(65_536 - 10)}${needle}`;
    const late = `${'y'.repeat(100_000)} ${needle}`;
    // Matches before and after a piece boundary: still one line, one observation.
    const twice = `${needle}${'z'.repeat(70_000)}${needle}`;
    const text = ['quiet', across, 'quiet', late, 'quiet', twice, 'quiet'].join('\n');
    expect(scanBytes(matcher, text).map((observation) => observation.code)).toEqual(['archive-fatal-error', 'archive-fatal-error', 'archive-fatal-error']);
  });

  it('still matches correctly when the rules make every line a candidate (a pattern that matches an empty string somewhere)', async () => {
    const matcher = await byteMatcher([rule('before-x', '(?=x)')], 0, false);
    expect(scanBytes(matcher, 'abc\nxyz\nnone\nax').map((observation) => observation.message)).toEqual(['before-x', 'before-x']);
  });

  it('falls back to matching as text when the rules make too big an automaton', async () => {
    // Each of these patterns takes over 1,000 states, so this many together exceed the limit.
    const huge = Array.from({ length: Math.ceil(MAX_NFA_STATES / 1000) }, (_, index) => rule(`huge-${index}`, `(?:(?:ab){16}c){16}${index}`));
    expect(buildCandidateNfa(huge)).toBeUndefined();
    const matcher = await byteMatcher(huge, 0, false);
    const line = `${`${'ab'.repeat(16)}c`.repeat(16)}7`;
    expect(scanBytes(matcher, `noise\n${line}\nnoise`).map((observation) => observation.message)).toEqual(['huge-7']);
  });

  it('reads UTF-16LE blocks as text, as before', async () => {
    const matcher = await byteMatcher(loadPreset('milestone-xprotect'));
    const text = "noise\r\nCamera 'Gate 3' (10.0.0.13): Unable to connect to camera\r\nnoise";
    const found: LineObservation[] = [];
    matcher.scanLines(new LineBlock(Buffer.from(text, 'utf16le'), 'utf16le'), AT, (observation) => found.push(observation));
    expect(found.map((observation) => observation.subject)).toEqual(['Gate 3']);
  });
});
