import { RegExpParser, type AST } from '@eslint-community/regexpp';

/**
 * An automaton over bytes that accepts every line some rule matches, and possibly a few more: the
 * "candidate" filter in front of the rules' own regexes. It only has to be a superset, so whatever
 * cannot be expressed over bytes exactly is widened (assertions always hold, a backreference is any
 * text, a non-ASCII character is any run of bytes >= 0x80). Lines it accepts are then matched by the
 * real regexes, so widening costs speed, never correctness.
 *
 * Symbols are the ASCII bytes 0-127 plus WIDE, which stands for every byte >= 0x80: a UTF-8
 * character outside ASCII is two to four such bytes, so one non-ASCII character of a pattern becomes
 * "one or more WIDE".
 */
export const WIDE = 128;
export const SYMBOL_COUNT = 129;

/**
 * The automaton in compact form (it lives as long as the matcher). State s moves on the symbols of
 * set moveSet[k] to moveTarget[k], for k from moveStart[s] to moveStart[s + 1]; likewise without
 * reading to epsilonTarget[k] for k from epsilonStart[s] to epsilonStart[s + 1].
 */
export interface CandidateNfa {
  readonly stateCount: number;
  readonly start: number;
  readonly accept: number;
  readonly moveStart: Int32Array;
  readonly moveSet: Int32Array;
  readonly moveTarget: Int32Array;
  readonly epsilonStart: Int32Array;
  readonly epsilonTarget: Int32Array;
  /** The distinct symbol sets, SYMBOL_COUNT entries each (1 = in the set). */
  readonly sets: Uint8Array;
  readonly setCount: number;
}

export interface CandidateRule {
  pattern: string;
  flags?: string | undefined;
}

/**
 * Beyond this many states the automaton is not worth it (its DFA would thrash); rules are then
 * matched as text. The milestone-xprotect preset needs about 28,000 (one per character of its
 * patterns, lookarounds aside), which builds in about half a second under the agent's flags.
 */
export const MAX_NFA_STATES = 50_000;
/** Counted repetitions above this are widened to "any number", which accepts more but stays small. */
const MAX_REPEAT = 16;

const parser = new RegExpParser({ ecmaVersion: 2025 });

/** The automaton for all rules together, or undefined when a pattern cannot be read or it would be too big. */
export function buildCandidateNfa(rules: readonly CandidateRule[]): CandidateNfa | undefined {
  const builder = new NfaBuilder();
  const start = builder.state();
  const accept = builder.state();
  try {
    for (const rule of rules) {
      const flags = rule.flags ?? '';
      const unicode = flags.includes('u');
      const pattern = parser.parsePattern(rule.pattern, 0, rule.pattern.length, { unicode, unicodeSets: false });
      const fragment = builder.alternatives(pattern.alternatives, { ignoreCase: flags.includes('i'), unicode });
      builder.epsilon(start, fragment.start);
      builder.epsilon(fragment.end, accept);
    }
  } catch (error) {
    if (error instanceof TooManyStates || error instanceof SyntaxError) return undefined;
    throw error;
  }
  return builder.finish(start, accept);
}

class TooManyStates extends Error {}

interface Fragment {
  start: number;
  end: number;
}

interface Mode {
  ignoreCase: boolean;
  unicode: boolean;
}

/** What one character of the pattern may be: some ASCII bytes, and maybe any non-ASCII character. */
interface CharClass {
  ascii: Uint8Array;
  wide: boolean;
}

class NfaBuilder {
  private stateCount = 0;
  /** Moves as (from, set, to) triples and epsilons as (from, to) pairs, in the order made. */
  private readonly moves: number[] = [];
  private readonly epsilons: number[] = [];
  private readonly setIndex = new Map<string, number>();
  private readonly setList: Uint8Array[] = [];
  private readonly wideOnly = this.internSet(symbolSetOf([WIDE]));

  state(): number {
    if (this.stateCount >= MAX_NFA_STATES) throw new TooManyStates();
    return this.stateCount++;
  }

  finish(start: number, accept: number): CandidateNfa {
    const moves = compress(this.stateCount, this.moves, 3);
    const epsilons = compress(this.stateCount, this.epsilons, 2);
    const sets = new Uint8Array(this.setList.length * SYMBOL_COUNT);
    this.setList.forEach((set, index) => sets.set(set, index * SYMBOL_COUNT));
    return {
      stateCount: this.stateCount,
      start,
      accept,
      moveStart: moves.start,
      moveSet: moves.columns[0] as Int32Array,
      moveTarget: moves.columns[1] as Int32Array,
      epsilonStart: epsilons.start,
      epsilonTarget: epsilons.columns[0] as Int32Array,
      sets,
      setCount: this.setList.length,
    };
  }

  epsilon(from: number, to: number): void {
    this.epsilons.push(from, to);
  }

  private move(from: number, set: number, to: number): void {
    this.moves.push(from, set, to);
  }

  /** Sets repeat (every [Aa] of every rule): each is stored once. */
  private internSet(set: Uint8Array): number {
    const key = set.join('');
    let index = this.setIndex.get(key);
    if (index === undefined) {
      index = this.setList.length;
      this.setList.push(set);
      this.setIndex.set(key, index);
    }
    return index;
  }

  alternatives(alternatives: readonly AST.Alternative[], mode: Mode): Fragment {
    const start = this.state();
    const end = this.state();
    for (const alternative of alternatives) {
      const fragment = this.sequence(alternative.elements, mode);
      this.epsilon(start, fragment.start);
      this.epsilon(fragment.end, end);
    }
    return { start, end };
  }

  private sequence(elements: readonly AST.Element[], mode: Mode): Fragment {
    const start = this.state();
    let end = start;
    for (const element of elements) {
      const fragment = this.element(element, mode);
      this.epsilon(end, fragment.start);
      end = fragment.end;
    }
    return { start, end };
  }

  private element(element: AST.Element, mode: Mode): Fragment {
    switch (element.type) {
      case 'Assertion':
        // ^ $ \b \B and lookarounds only ever reject: taking them as always true accepts more.
        return this.empty();
      case 'Group':
      case 'CapturingGroup': {
        // A modifier group may turn i on; keeping i on where it is turned off only accepts more.
        const addsIgnoreCase = element.type === 'Group' && (element.modifiers?.add.ignoreCase ?? false);
        return this.alternatives(element.alternatives, addsIgnoreCase ? { ...mode, ignoreCase: true } : mode);
      }
      case 'Quantifier':
        return this.quantifier(element, mode);
      case 'Backreference':
        // Whatever the group captured: some text of the line.
        return this.star(() => this.char({ ascii: allAsciiBut(0x0a), wide: true }));
      case 'Character':
      case 'CharacterClass':
      case 'CharacterSet':
      case 'ExpressionCharacterClass':
        return this.char(charClassOf(element, mode));
    }
  }

  private quantifier(quantifier: AST.Quantifier, mode: Mode): Fragment {
    const once = () => this.element(quantifier.element, mode);
    const { min, max } = quantifier;
    if (min > MAX_REPEAT || (max !== Number.POSITIVE_INFINITY && max > MAX_REPEAT)) return this.star(once);
    const start = this.state();
    let end = start;
    const append = (fragment: Fragment) => {
      this.epsilon(end, fragment.start);
      end = fragment.end;
    };
    for (let i = 0; i < min; i++) append(once());
    if (max === Number.POSITIVE_INFINITY) {
      append(this.star(once));
    } else {
      const optionalEnd = this.state();
      for (let i = min; i < max; i++) {
        this.epsilon(end, optionalEnd);
        append(once());
      }
      this.epsilon(end, optionalEnd);
      end = optionalEnd;
    }
    return { start, end };
  }

  private star(once: () => Fragment): Fragment {
    const start = this.state();
    const end = this.state();
    const body = once();
    this.epsilon(start, body.start);
    this.epsilon(start, end);
    this.epsilon(body.end, start);
    return { start, end };
  }

  private empty(): Fragment {
    const state = this.state();
    return { start: state, end: state };
  }

  private char({ ascii, wide }: CharClass): Fragment {
    const start = this.state();
    const end = this.state();
    if (ascii.includes(1)) {
      const symbols = new Uint8Array(SYMBOL_COUNT);
      symbols.set(ascii);
      this.move(start, this.internSet(symbols), end);
    }
    if (wide) {
      // One non-ASCII character is one or more bytes >= 0x80.
      const more = this.state();
      this.move(start, this.wideOnly, more);
      this.move(more, this.wideOnly, more);
      this.epsilon(more, end);
    }
    return { start, end };
  }
}

function symbolSetOf(symbols: Iterable<number>): Uint8Array {
  const set = new Uint8Array(SYMBOL_COUNT);
  for (const symbol of symbols) set[symbol] = 1;
  return set;
}

/** Groups (from, ...columns) tuples by `from` into per-state ranges (compressed sparse rows). */
function compress(stateCount: number, tuples: readonly number[], width: number): { start: Int32Array; columns: Int32Array[] } {
  const count = tuples.length / width;
  const perState = new Int32Array(stateCount);
  for (let i = 0; i < count; i++) perState[tuples[i * width] as number] = (perState[tuples[i * width] as number] as number) + 1;
  const start = new Int32Array(stateCount + 1);
  for (let state = 0; state < stateCount; state++) start[state + 1] = (start[state] as number) + (perState[state] as number);
  const next = start.slice(0, stateCount);
  const columns = Array.from({ length: width - 1 }, () => new Int32Array(count));
  for (let i = 0; i < count; i++) {
    const from = tuples[i * width] as number;
    const at = next[from] as number;
    next[from] = at + 1;
    columns.forEach((column, index) => (column[at] = tuples[i * width + index + 1] as number));
  }
  return { start, columns };
}

function allAsciiBut(...excluded: number[]): Uint8Array {
  const ascii = new Uint8Array(128).fill(1);
  for (const byte of excluded) ascii[byte] = 0;
  return ascii;
}

const LINE_TERMINATORS = [0x0a, 0x0d];
const SPACE = [0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20];

function charClassOf(node: AST.Character | AST.CharacterClass | AST.CharacterSet | AST.ExpressionCharacterClass, mode: Mode): CharClass {
  switch (node.type) {
    case 'Character':
      return characterRange(node.value, node.value, mode);
    case 'CharacterSet':
      return characterSet(node, mode);
    case 'CharacterClass': {
      const ascii = new Uint8Array(128);
      let wide = false;
      for (const element of node.elements) {
        const part = classElement(element, mode);
        if (!part) return { ascii: allAsciiBut(), wide: true };
        for (let byte = 0; byte < 128; byte++) ascii[byte] ||= part.ascii[byte] as number;
        wide ||= part.wide;
      }
      // A negated class may match any non-ASCII character it does not list; say it can.
      return node.negate ? { ascii: ascii.map((bit) => 1 - bit), wide: true } : { ascii, wide };
    }
    case 'ExpressionCharacterClass':
      // Set operations (v flag): not allowed in rules, but any character is a safe answer.
      return { ascii: allAsciiBut(), wide: true };
  }
}

/** Undefined for a class element this reader does not model (then the class is any character). */
function classElement(element: AST.CharacterClassElement, mode: Mode): CharClass | undefined {
  switch (element.type) {
    case 'Character':
      return characterRange(element.value, element.value, mode);
    case 'CharacterClassRange':
      return characterRange(element.min.value, element.max.value, mode);
    case 'CharacterSet':
      return characterSet(element, mode);
    default:
      return undefined;
  }
}

function characterRange(min: number, max: number, mode: Mode): CharClass {
  const ascii = new Uint8Array(128);
  for (let code = min; code <= Math.min(max, 127); code++) {
    ascii[code] = 1;
    if (mode.ignoreCase) ascii[otherCase(code)] = 1;
  }
  // With i and u, U+017F (long s) and U+212A (Kelvin) fold to s and k, so those letters may be non-ASCII text.
  const foldsFromWide = mode.ignoreCase && mode.unicode && [0x4b, 0x53, 0x6b, 0x73].some((code) => code >= min && code <= max);
  return { ascii, wide: max >= 128 || foldsFromWide };
}

function characterSet(node: AST.CharacterSet, mode: Mode): CharClass {
  let ascii: Uint8Array;
  let negate = false;
  switch (node.kind) {
    case 'any':
      return { ascii: allAsciiBut(...LINE_TERMINATORS), wide: true };
    case 'property':
      return { ascii: allAsciiBut(), wide: true };
    case 'digit':
      ascii = symbolSetOfRanges([0x30, 0x39]);
      negate = node.negate;
      break;
    case 'space':
      ascii = symbolSetOfRanges(...SPACE.map((code) => [code, code] as [number, number]));
      negate = node.negate;
      break;
    case 'word':
      ascii = symbolSetOfRanges([0x30, 0x39], [0x41, 0x5a], [0x5f, 0x5f], [0x61, 0x7a]);
      negate = node.negate;
      break;
  }
  if (negate) return { ascii: ascii.map((bit) => 1 - bit), wide: true };
  const wide = node.kind === 'space' || (node.kind === 'word' && mode.ignoreCase && mode.unicode);
  return { ascii, wide };
}

function symbolSetOfRanges(...ranges: Array<[number, number]>): Uint8Array {
  const ascii = new Uint8Array(128);
  for (const [min, max] of ranges) ascii.fill(1, min, max + 1);
  return ascii;
}

function otherCase(code: number): number {
  if (code >= 0x41 && code <= 0x5a) return code + 0x20;
  if (code >= 0x61 && code <= 0x7a) return code - 0x20;
  return code;
}
