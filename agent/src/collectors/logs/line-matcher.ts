import type { ConditionChange, EventOccurrence } from '../types.js';
import type { CandidateScanner } from './byte-filter/candidate-scanner.js';
import { decodeText } from './encoding.js';
import type { LineBlock } from './line-reader.js';
import { captureLayout, toPrefilterSource } from './prefilter.js';
import type { LineObservation, Rule } from './rules.js';
import { compileTemplate } from './template.js';

type Render = (captures: ArrayLike<string | undefined>) => string;

interface CompiledRule {
  readonly rule: Rule;
  /** Global, so a search can start at lastIndex. */
  readonly regex: RegExp;
  readonly captures: ReadonlyArray<[name: string, group: number]>;
  readonly subject: Render | undefined;
  readonly message: Render | undefined;
}

type ObservationHandler = (observation: LineObservation) => void;

interface Found {
  compiled: CompiledRule;
  hit: RegExpExecArray;
}

/** Messages default to the matched text; a runaway match should not become a runaway message. */
const MAX_DEFAULT_MESSAGE = 1024;

/**
 * Blocks smaller than this are matched as text. The byte filter runs in WebAssembly, and the first
 * use of WebAssembly pages about 4 MB of Node's own compiler code into the agent's RSS for good
 * (measured: docs/BENCHMARKS.md). That pays off where throughput matters, reading a backlog in 1 MiB
 * chunks; a live log's appends are a few KiB, for which the regexes are fast enough.
 */
export const BYTE_FILTER_MIN_BYTES = 64 * 1024;

/** Above this many rules the one-capture-per-rule regexes get unwieldy; rules are then tried one by one. */
const MAX_INDEXED_RULES = 128;

/**
 * The most source text one shared alternation holds; more rules make more of them (chunks), each
 * run over a block in turn. V8 stops optimising a regex whose source exceeds 20 KB
 * (kRegExpTooLargeToOptimize): on a 4 MB XProtect-like log the preset's rules as one 24 KB
 * alternation ran at 0.2 MB/s, as chunks of about 6 KB at 32 MB/s (docs/BENCHMARKS.md).
 */
export const MAX_SHARED_SOURCE = 6_000;

/** Consecutive rules whose prefilters share one alternation (one capture group per rule). */
interface SharedChunk {
  /** Its rules are rules[from] to rules[to - 1]. */
  readonly from: number;
  readonly to: number;
  /** The alternation with one capture per rule, global and multi-line, for blocks. */
  readonly block: RegExp;
  /** The same for single lines, global: it is run from one position to the next. */
  readonly line: RegExp;
}

/**
 * Turns log lines into observations. Rules are tried in order and the first that matches wins.
 *
 * Almost no line matches anything, so the cost that matters is rejecting a line. All patterns are
 * folded into one prefilter: an alternation with one capture group per rule. `scanBlock` runs it
 * once over a whole block of lines rather than once per line, so the regex engine skips through
 * the text natively and only candidate lines are cut out. The group that matched names the rule,
 * so a candidate line costs a check that no earlier rule matches further along the line, plus the
 * rule's own regex for its named captures, not a pass through every rule.
 *
 * The agent's one entry is `scanLines`, for blocks as read from a file: a big UTF-8 block goes
 * through the byte filter (byte-filter/README.md) and only its candidate lines through `match`;
 * any other block is decoded and goes through `scanBlock`. Both end in the same `findRule`.
 */
export class LineMatcher {
  readonly ruleCount: number;
  private readonly rules: readonly CompiledRule[];
  /** Set when every rule has a prefilter in a shared alternation (same u flag, no backreferences); in rule order. */
  private readonly shared: readonly SharedChunk[] | undefined;
  /** Without `shared`: a filter per u flag (u changes how a pattern parses), and whether some rule escapes them. */
  private readonly fallbackFilters: readonly RegExp[];
  private readonly unfilterable: boolean;
  /** Undefined until the first big block; null while it loads, or when the rules cannot be filtered as bytes. */
  private scanner: CandidateScanner | null | undefined;
  private scannerLoad: Promise<boolean> | undefined;

  /** `byteFilterMinBytes`: see BYTE_FILTER_MIN_BYTES; tests set 0 to put every block through the byte filter. */
  constructor(
    rules: readonly Rule[],
    private readonly byteFilterMinBytes = BYTE_FILTER_MIN_BYTES,
  ) {
    this.ruleCount = rules.length;
    this.rules = rules.map(compileRule);
    // Without lookarounds: a superset, and much smaller when rules use them to exclude words.
    const sources = rules.map((rule) => toPrefilterSource(rule.pattern, rule.flags, { lookarounds: 'drop' }));
    const unicode = rules.map((rule) => rule.flags?.includes('u') ?? false);
    const ignoreCase = rules.map((rule) => rule.flags?.includes('i') ?? false);
    // Case-insensitive matching accepts a superset, so one i rule may widen a shared filter.
    const flagsFor = (indexes: number[]) => `${indexes.some((index) => ignoreCase[index]) ? 'i' : ''}${unicode[indexes[0] ?? 0] ? 'u' : ''}`;
    const all = rules.map((_, index) => index);
    const filterable = (list: (string | undefined)[]): list is string[] => list.every((source) => source !== undefined);

    this.unfilterable = !filterable(sources);
    if (filterable(sources) && rules.length > 0 && new Set(unicode).size === 1) {
      this.shared = sizedGroups(all, sources).map((members) => {
        const from = members[0] as number;
        const flags = flagsFor(members);
        const indexed = members.map((index) => `(${sources[index]})`).join('|');
        return { from, to: from + members.length, block: new RegExp(indexed, `gm${flags}`), line: new RegExp(indexed, `g${flags}`) };
      });
      this.fallbackFilters = [];
    } else {
      this.shared = undefined;
      this.fallbackFilters = [true, false].flatMap((u) => {
        const members = all.filter((index) => unicode[index] === u && sources[index] !== undefined);
        return sizedGroups(members, sources).map((group) => new RegExp(group.map((index) => `(?:${sources[index]})`).join('|'), flagsFor(group)));
      });
    }
  }

  /** The observation for one line (a trailing \r is ignored), or undefined when no rule matches. */
  match(line: string, at: number): LineObservation | undefined {
    if (line.charCodeAt(line.length - 1) === 13) line = line.slice(0, -1);
    const found = this.findRule(line);
    return found && observe(found.compiled, found.hit, at);
  }

  /**
   * Matches every line of `text` ('\n'-separated, \r\n tolerated) in order, handing each
   * observation to `onMatch`; returns how many lines matched.
   */
  scanBlock(text: string, at: number, onMatch: ObservationHandler): number {
    if (this.ruleCount === 0) return 0;
    const chunks = this.shared;
    if (!chunks) return this.scanLineByLine(text, at, onMatch);
    const only = chunks.length === 1 ? chunks[0] : undefined;
    // Each chunk's next hit at or after searchFrom; a hit only makes its line a candidate.
    const next: Array<RegExpExecArray | null | undefined> = chunks.map(() => undefined);
    let matched = 0;
    let searchFrom = 0;
    for (;;) {
      let hit: RegExpExecArray | null = null;
      for (let index = 0; index < chunks.length; index++) {
        let chunkHit = next[index];
        if (chunkHit === undefined || (chunkHit !== null && chunkHit.index < searchFrom)) {
          const { block } = chunks[index] as SharedChunk;
          block.lastIndex = searchFrom;
          chunkHit = block.exec(text);
          next[index] = chunkHit;
        }
        if (chunkHit !== null && (hit === null || chunkHit.index < hit.index)) hit = chunkHit;
      }
      if (hit === null) return matched;
      const end = lineEnd(text, hit.index);
      const start = lineStart(text, hit.index, searchFrom);
      const line = lineText(text, start, end);
      // With one chunk its hit already says where and which rule; with several, the line is looked at afresh.
      const found = only && hitStaysOnLine(hit, end) ? this.findInChunk(only, line, hit.index - start, firstGroup(hit)) : this.findRule(line);
      if (found) {
        matched++;
        onMatch(observe(found.compiled, found.hit, at));
      }
      if (end >= text.length) return matched;
      searchFrom = end + 1;
    }
  }

  /**
   * Like scanBlock, for lines as read from a file. Big UTF-8 blocks are first filtered as bytes by
   * a DFA of all rules (see CandidateScanner), so only the rare lines that may match are decoded
   * and matched; other blocks are decoded and scanned as text.
   */
  scanLines(block: LineBlock, at: number, onMatch: ObservationHandler): number {
    const scanner = this.scannerFor(block);
    if (!scanner) return this.scanBlock(block.text(), at, onMatch);
    const { bytes } = block;
    let matched = 0;
    scanner.candidates(bytes, (hit) => {
      // The DFA starts afresh at each newline, so the candidate line starts after the last one before the hit.
      const start = hit === 0 ? 0 : bytes.lastIndexOf(0x0a, hit - 1) + 1;
      const newline = bytes.indexOf(0x0a, hit);
      const end = newline === -1 ? bytes.length : newline;
      const observation = this.match(decodeText(bytes, start, end, 'utf8'), at);
      if (observation) {
        matched++;
        onMatch(observation);
      }
      return end + 1;
    });
    return matched;
  }

  /**
   * Loads and builds the byte filter now; resolves to whether the rules have one. Otherwise it is
   * loaded when the first big block comes, and blocks are matched as text until it is ready, so its
   * code (a regex parser, the automaton) stays out of an agent that only ever tails small appends.
   */
  prepareByteFilter(): Promise<boolean> {
    this.scanner ??= null;
    this.scannerLoad ??= import('./byte-filter/candidate-scanner.js')
      .then(({ scannerForRules }) => scannerForRules(this.rules.map((compiled) => compiled.rule)) ?? null)
      // Matching as text is always right; a filter that cannot be built only costs speed.
      .catch(() => null)
      .then((scanner) => {
        this.scanner = scanner;
        return scanner !== null;
      });
    return this.scannerLoad;
  }

  private scannerFor(block: LineBlock): CandidateScanner | undefined {
    if (block.encoding !== 'utf8' || block.bytes.length < this.byteFilterMinBytes) return undefined;
    if (this.scanner === undefined) void this.prepareByteFilter();
    return this.scanner ?? undefined;
  }

  private scanLineByLine(text: string, at: number, onMatch: ObservationHandler): number {
    let matched = 0;
    let start = 0;
    for (;;) {
      let end = text.indexOf('\n', start);
      const last = end === -1;
      if (last) end = text.length;
      const found = this.findRule(lineText(text, start, end));
      if (found) {
        matched++;
        onMatch(observe(found.compiled, found.hit, at));
      }
      if (last) return matched;
      start = end + 1;
    }
  }

  /** The first rule, in order, that matches the line. */
  private findRule(line: string): Found | undefined {
    const chunks = this.shared;
    if (!chunks) {
      if (!this.unfilterable && !this.fallbackFilters.some((filter) => filter.test(line))) return undefined;
      return this.firstMatchFrom(line, 0, this.rules.length, 0);
    }
    for (const chunk of chunks) {
      const found = this.findInChunk(chunk, line);
      if (found) return found;
    }
    return undefined;
  }

  /**
   * The first of the chunk's rules, in order, that matches the line. `position` and `candidate`:
   * where the chunk's alternation first matched on this line and which of its rules, when already known.
   */
  private findInChunk(chunk: SharedChunk, line: string, position?: number, candidate?: number): Found | undefined {
    const { line: alternation } = chunk;
    let at = position;
    let index = candidate;
    if (at === undefined || index === undefined) {
      alternation.lastIndex = 0;
      const hit = alternation.exec(line);
      if (hit === null) return undefined;
      at = hit.index;
      index = firstGroup(hit);
    }
    // At each position the alternation names the first rule, in order, whose prefilter matches
    // there, so the lowest rule it names from the first hit on is the first rule that may match
    // the line. Only that rule's own regex runs (each one is compiled the first time it runs, which
    // costs memory): a rule whose prefilter never matches never gets compiled. A prefilter accepts
    // a superset of its rule's matches, so if that rule does not match after all, it may have
    // hidden later rules that hit at the same place: then every later rule of the chunk is tried.
    for (let from = at + 1; index > 0 && from < line.length; ) {
      alternation.lastIndex = from;
      const hit = alternation.exec(line);
      if (hit === null) break;
      index = Math.min(index, firstGroup(hit));
      from = hit.index + 1;
    }
    const rule = chunk.from + index;
    return this.firstMatchFrom(line, rule, rule + 1, 0) ?? this.firstMatchFrom(line, rule + 1, chunk.to, 0);
  }

  /** The first of rules[from] to rules[to - 1] that matches the line at or after `start`. */
  private firstMatchFrom(line: string, from: number, to: number, start: number): Found | undefined {
    for (let index = from; index < to; index++) {
      const compiled = this.rules[index] as CompiledRule;
      compiled.regex.lastIndex = start;
      const hit = compiled.regex.exec(line);
      if (hit) return { compiled, hit };
    }
    return undefined;
  }
}

/**
 * `members` (rule indexes, in order) cut into consecutive groups whose sources together stay
 * within MAX_SHARED_SOURCE characters and MAX_INDEXED_RULES rules; a longer source is a group alone.
 */
function sizedGroups(members: readonly number[], sources: readonly (string | undefined)[]): number[][] {
  const groups: number[][] = [];
  let group: number[] = [];
  let size = 0;
  for (const index of members) {
    const length = (sources[index]?.length ?? 0) + 3;
    if (group.length > 0 && (size + length > MAX_SHARED_SOURCE || group.length >= MAX_INDEXED_RULES)) {
      groups.push(group);
      group = [];
      size = 0;
    }
    group.push(index);
    size += length;
  }
  if (group.length > 0) groups.push(group);
  return groups;
}

/**
 * Start of the line containing `index`, knowing `searchFrom` starts a line at or before it.
 * A hit may begin with the '\n' ending a line (\s matches it); that line counts.
 */
function lineStart(text: string, index: number, searchFrom: number): number {
  // Hits are usually on the line the search started at: walking forward is cheaper than back.
  if (index - searchFrom < 512) {
    let start = searchFrom;
    for (;;) {
      const newline = text.indexOf('\n', start);
      if (newline === -1 || newline >= index) return start;
      start = newline + 1;
    }
  }
  return text.lastIndexOf('\n', index - 1) + 1;
}

/** End (exclusive, at its '\n' or the end of the text) of the line containing `index`. */
function lineEnd(text: string, index: number): number {
  const newline = text.indexOf('\n', index);
  return newline === -1 ? text.length : newline;
}

function lineText(text: string, start: number, end: number): string {
  return text.charCodeAt(end - 1) === 13 ? text.slice(start, end - 1) : text.slice(start, end);
}

/**
 * A hit that ends by its line's end matched that line alone (\s and [^x] can run on into the next
 * line, which proves nothing about either line).
 */
function hitStaysOnLine(hit: RegExpExecArray, lineEnd: number): boolean {
  return hit.index + hit[0].length <= lineEnd;
}

/** Index of the rule whose capture group took part in the match. */
function firstGroup(hit: RegExpExecArray): number {
  let group = 1;
  while (hit[group] === undefined && group < hit.length - 1) group++;
  return group - 1;
}

function compileRule(rule: Rule): CompiledRule {
  const layout = captureLayout(rule.pattern, rule.flags);
  const groupOf = new Map(layout.names);
  return {
    rule,
    regex: new RegExp(layout.source, `g${rule.flags ?? ''}`),
    captures: layout.names,
    subject: rule.subject === undefined ? undefined : compileTemplate(rule.subject).bind(groupOf),
    message: rule.message === undefined ? undefined : compileTemplate(rule.message).bind(groupOf),
  };
}

/**
 * What a capture holds once the quotes around it (any kind: ' " “ ” ‘ ’ « » „ `), the whitespace
 * and the sentence punctuation after it are taken off. Logs quote the same camera differently from
 * one message to the next ('Gate 3', "Gate 3", Gate 3.), and the raise and the clear of a condition
 * must name the same subject. Case is kept as written.
 */
export function cleanCapture(value: string): string {
  return value.replace(CAPTURE_EDGES, '');
}

const CAPTURE_EDGES = /^[\s"'`\u00b4\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a]+|[\s"'`\u00b4\u201c\u201d\u2018\u2019\u00ab\u00bb\u201e\u201a.,;!]+$/g;

/** The match's groups with every named capture cleaned (cleanCapture); only runs for matching lines. */
function cleanedCaptures(compiled: CompiledRule, hit: RegExpExecArray): Array<string | undefined> {
  const values: Array<string | undefined> = hit.slice();
  for (const [, group] of compiled.captures) {
    const value = values[group];
    if (value !== undefined) values[group] = cleanCapture(value);
  }
  return values;
}

// Object literals of one fixed shape each: this runs for every matching line.
function observe(compiled: CompiledRule, hit: RegExpExecArray, at: number): LineObservation {
  const { rule } = compiled;
  const code = rule.code;
  const severity = rule.severity;
  const captures = compiled.captures.length > 0 ? cleanedCaptures(compiled, hit) : hit;
  const subject = compiled.subject ? cleanCapture(compiled.subject(captures)) : '';
  const message = compiled.message ? compiled.message(captures) : hit[0].trim().slice(0, MAX_DEFAULT_MESSAGE);
  const attributes = definedCaptures(compiled.captures, captures);
  if (rule.type === 'condition') {
    const active = rule.action !== 'clear';
    const change: ConditionChange = attributes
      ? { kind: 'condition', code, subject, active, at, severity, message, attributes }
      : { kind: 'condition', code, subject, active, at, severity, message };
    return change;
  }
  const event: EventOccurrence = attributes
    ? { kind: 'event', code, subject, firstSeen: at, lastSeen: at, count: 1, severity, message, attributes }
    : { kind: 'event', code, subject, firstSeen: at, lastSeen: at, count: 1, severity, message };
  return event;
}

/** The named captures that hold text, by name; undefined when none does. */
function definedCaptures(captures: CompiledRule['captures'], values: ArrayLike<string | undefined>): Record<string, string> | undefined {
  let attributes: Record<string, string> | undefined;
  for (const [name, group] of captures) {
    const value = values[group];
    if (value) (attributes ??= {})[name] = value;
  }
  return attributes;
}
