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
  readonly regex: RegExp;
  /** The same, matching only at lastIndex. */
  readonly sticky: RegExp;
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
  /** Set when every rule fits in one alternation (same u flag, no backreferences). */
  private readonly shared:
    | {
        readonly sources: readonly string[];
        readonly flags: string;
        /** The alternation with one capture per rule, global and multi-line, for blocks. */
        readonly block: RegExp;
        /** The same for single lines. */
        readonly line: RegExp;
        /** Lazily: the alternation of only the first k rules (global, to search from an index), at index k. */
        readonly prefixes: Array<RegExp | undefined>;
      }
    | undefined;
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
    const sources = rules.map((rule) => toPrefilterSource(rule.pattern, rule.flags));
    const unicode = rules.map((rule) => rule.flags?.includes('u') ?? false);
    const ignoreCase = rules.map((rule) => rule.flags?.includes('i') ?? false);
    // Case-insensitive matching accepts a superset, so one i rule may widen a shared filter.
    const flagsFor = (indexes: number[]) => `${indexes.some((index) => ignoreCase[index]) ? 'i' : ''}${unicode[indexes[0] ?? 0] ? 'u' : ''}`;
    const all = rules.map((_, index) => index);
    const filterable = (list: (string | undefined)[]): list is string[] => list.every((source) => source !== undefined);

    this.unfilterable = !filterable(sources);
    if (filterable(sources) && rules.length > 0 && rules.length <= MAX_INDEXED_RULES && new Set(unicode).size === 1) {
      const flags = flagsFor(all);
      const indexed = sources.map((source) => `(${source})`).join('|');
      this.shared = {
        sources,
        flags,
        block: new RegExp(indexed, `gm${flags}`),
        line: new RegExp(indexed, flags),
        prefixes: [],
      };
      this.fallbackFilters = [];
    } else {
      this.shared = undefined;
      this.fallbackFilters = [true, false].flatMap((u) => {
        const members = all.filter((index) => unicode[index] === u && sources[index] !== undefined);
        if (members.length === 0) return [];
        return [new RegExp(members.map((index) => `(?:${sources[index]})`).join('|'), flagsFor(members))];
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
    if (!this.shared) return this.scanLineByLine(text, at, onMatch);
    const { block } = this.shared;
    let matched = 0;
    let searchFrom = 0;
    block.lastIndex = 0;
    for (;;) {
      const hit = block.exec(text);
      if (hit === null) return matched;
      const end = lineEnd(text, hit.index);
      const start = lineStart(text, hit.index, searchFrom);
      const line = lineText(text, start, end);
      const found = hitStaysOnLine(hit, end) ? this.findRule(line, hit.index - start, firstGroup(hit)) : this.findRule(line);
      if (found) {
        matched++;
        onMatch(observe(found.compiled, found.hit, at));
      }
      if (end >= text.length) return matched;
      searchFrom = end + 1;
      block.lastIndex = searchFrom;
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

  /**
   * The first rule, in order, that matches the line. `position` and `candidate`: where the
   * shared alternation first matched on this line and which rule, when already known.
   */
  private findRule(line: string, position?: number, candidate?: number): Found | undefined {
    const shared = this.shared;
    if (!shared) {
      if (!this.unfilterable && !this.fallbackFilters.some((filter) => filter.test(line))) return undefined;
      return this.firstMatchFrom(line, 0);
    }
    let at = position;
    let index = candidate;
    if (at === undefined || index === undefined) {
      const hit = shared.line.exec(line);
      if (hit === null) return undefined;
      at = hit.index;
      index = firstGroup(hit);
    }
    // The alternation finds the leftmost match, trying rules in order at each position, so an
    // earlier rule can only match further right.
    while (index > 0) {
      const prefix = this.prefix(index);
      prefix.lastIndex = at + 1;
      const earlier = prefix.exec(line);
      if (earlier === null) break;
      at = earlier.index;
      index = firstGroup(earlier);
    }
    const compiled = this.rules[index] as CompiledRule;
    compiled.sticky.lastIndex = at;
    const hit = compiled.sticky.exec(line);
    // No hit there only when a case-insensitive rule widened the shared filter: try in order from here.
    return hit ? { compiled, hit } : this.firstMatchFrom(line, index);
  }

  private firstMatchFrom(line: string, from: number): Found | undefined {
    for (let index = from; index < this.rules.length; index++) {
      const compiled = this.rules[index] as CompiledRule;
      const hit = compiled.regex.exec(line);
      if (hit) return { compiled, hit };
    }
    return undefined;
  }

  /** The alternation of the first `count` rules, capturing each, compiled on first use. */
  private prefix(count: number): RegExp {
    const shared = this.shared as NonNullable<LineMatcher['shared']>;
    let regex = shared.prefixes[count];
    if (!regex) {
      regex = new RegExp(
        shared.sources
          .slice(0, count)
          .map((source) => `(${source})`)
          .join('|'),
        `g${shared.flags}`,
      );
      shared.prefixes[count] = regex;
    }
    return regex;
  }
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
    regex: new RegExp(layout.source, rule.flags ?? ''),
    sticky: new RegExp(layout.source, `y${rule.flags ?? ''}`),
    captures: layout.names,
    subject: rule.subject === undefined ? undefined : compileTemplate(rule.subject).bind(groupOf),
    message: rule.message === undefined ? undefined : compileTemplate(rule.message).bind(groupOf),
  };
}

// Object literals of one fixed shape each: this runs for every matching line.
function observe(compiled: CompiledRule, hit: RegExpExecArray, at: number): LineObservation {
  const { rule } = compiled;
  const code = rule.code;
  const severity = rule.severity;
  const subject = compiled.subject ? compiled.subject(hit).trim() : '';
  const message = compiled.message ? compiled.message(hit) : hit[0].trim().slice(0, MAX_DEFAULT_MESSAGE);
  const attributes = definedCaptures(compiled.captures, hit);
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

function definedCaptures(captures: CompiledRule['captures'], hit: RegExpExecArray): Record<string, string> | undefined {
  let attributes: Record<string, string> | undefined;
  for (const [name, group] of captures) {
    const value = hit[group];
    if (value !== undefined) (attributes ??= {})[name] = value;
  }
  return attributes;
}
