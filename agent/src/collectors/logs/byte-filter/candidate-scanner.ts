import { buildCandidateNfa, SYMBOL_COUNT, WIDE, type CandidateNfa, type CandidateRule } from './candidate-nfa.js';

/** The scanner for these rules, or undefined when it cannot help: no rules, no WebAssembly (node --jitless), or an automaton that takes every line. */
export function scannerForRules(rules: readonly CandidateRule[]): CandidateScanner | undefined {
  if (rules.length === 0 || typeof WebAssembly === 'undefined') return undefined;
  const nfa = buildCandidateNfa(rules);
  if (!nfa) return undefined;
  const scanner = new CandidateScanner(nfa);
  return scanner.acceptsEverything ? undefined : scanner;
}

/**
 * Finds the lines of a UTF-8 block that some rule may match, reading each byte once: a DFA built
 * lazily from the candidate automaton, as grep does, run by a few WebAssembly instructions per
 * byte. V8's backtracking regex engine tries every rule at every position instead; with the DFA
 * only the rare candidate lines are decoded and matched by the rules' own regexes.
 *
 * States are made when the text first leads to them, so only the handful a log actually visits
 * exist. Past `maxStates` they are all dropped and made again.
 */
export class CandidateScanner {
  private readonly memory: WebAssembly.Memory;
  /** Where the input is copied to, after the table. */
  private readonly inputBase: number;
  private readonly bytes: Uint8Array;
  private readonly words: Uint32Array;
  private readonly scan: (state: number, position: number, end: number) => number;
  /** How many byte classes there are (the '\n' class is the last); a byte's class is in memory at its address. */
  private readonly classCount: number;
  /** One representative symbol per class, to compute a transition. */
  private readonly classSymbol: Int32Array;
  private readonly newlineClass: number;
  /**
   * DFA states: the sorted NFA states of each, and its index by key. The states of the start
   * closure belong to every DFA state (the search is unanchored) and are left out of the sets:
   * with many rules they would be most of every set.
   */
  private sets: Int32Array[] = [];
  private readonly index = new Map<string, number>();
  /** The start closure (its states that read a symbol, and accept if it is there). */
  private readonly startSet: Int32Array;
  /** 1 for the states of the start closure. */
  private readonly inStart: Uint8Array;
  /** Scratch for set building. */
  private readonly mark: Int32Array;
  private generation = 0;

  /** `maxStates` bounds the DFA states kept at once (the table's rows); tests lower it to exercise the flush. */
  constructor(
    private readonly nfa: CandidateNfa,
    private readonly maxStates = MAX_STATES,
  ) {
    const { classOfSymbol, classCount, classSymbol } = byteClasses(nfa);
    this.newlineClass = classCount;
    this.classCount = classCount + 1;
    this.classSymbol = classSymbol;
    this.mark = new Int32Array(nfa.stateCount);
    this.startSet = this.closure([nfa.start]);
    this.inStart = new Uint8Array(nfa.stateCount);
    for (const state of this.startSet) this.inStart[state] = 1;

    const tableBytes = maxStates * this.classCount * 4;
    this.inputBase = align(TABLE_BASE + tableBytes, 65_536);
    this.memory = new WebAssembly.Memory({ initial: (this.inputBase + INPUT_BYTES) / 65_536 });
    const instance = new WebAssembly.Instance(new WebAssembly.Module(SCANNER_MODULE), { env: { memory: this.memory } });
    this.scan = instance.exports.scan as CandidateScanner['scan'];
    this.bytes = new Uint8Array(this.memory.buffer);
    this.words = new Uint32Array(this.memory.buffer);
    for (let byte = 0; byte < 256; byte++) this.bytes[byte] = byte === 0x0a ? this.newlineClass : (classOfSymbol[byte < 128 ? byte : WIDE] as number);
    this.reset();
  }

  /** Whether the automaton accepts before reading anything: then every line is a candidate and the scanner is useless. */
  get acceptsEverything(): boolean {
    return this.startSet.includes(this.nfa.accept);
  }

  /**
   * Calls `onCandidate` with the index of a byte inside each candidate line of `data` (which starts
   * at a line start), in order. It returns where to go on: the start of the next line, or
   * data.length to stop. The input is copied into WebAssembly memory 64 KiB at a time, each piece
   * once, however many candidates it holds.
   */
  candidates(data: Uint8Array, onCandidate: (hit: number) => number): void {
    let state = 0;
    let pieceStart = 0;
    let pieceEnd = this.copyPiece(data, pieceStart);
    let position = this.inputBase;
    for (;;) {
      const stop = this.scan(state, position, this.inputBase + (pieceEnd - pieceStart));
      if (stop === -1) {
        if (pieceEnd >= data.length) return;
        // A line may go on into the next piece: carry the state over.
        state = this.words[STATE_SLOT >> 2] as number;
        pieceStart = pieceEnd;
        pieceEnd = this.copyPiece(data, pieceStart);
        position = this.inputBase;
        continue;
      }
      let entry = this.words[ENTRY_SLOT >> 2] as number;
      if (entry === UNKNOWN) entry = this.fill(this.words[STATE_SLOT >> 2] as number, this.bytes[stop] as number);
      if ((entry & ACCEPTING) === 0) {
        state = entry;
        position = stop + 1;
        continue;
      }
      const next = onCandidate(pieceStart + (stop - this.inputBase));
      if (next >= data.length) return;
      state = 0;
      if (next >= pieceEnd) {
        pieceStart = next;
        pieceEnd = this.copyPiece(data, pieceStart);
      }
      position = this.inputBase + (next - pieceStart);
    }
  }

  /** Copies data[start, start + INPUT_BYTES) into WebAssembly memory; returns where the piece ends in data. */
  private copyPiece(data: Uint8Array, start: number): number {
    const end = Math.min(data.length, start + INPUT_BYTES);
    this.bytes.set(data.subarray(start, end), this.inputBase);
    return end;
  }

  /** Computes, stores and returns the table entry for the state at `offset` reading `byte`. */
  private fill(offset: number, byte: number): number {
    let fromIndex = offset / (this.classCount * 4);
    // The class of each byte is the table at address 0 of the scanner's memory.
    const byteClass = this.bytes[byte] as number;
    const symbol = this.classSymbol[byteClass] as number;
    const from = this.sets[fromIndex] as Int32Array;
    const { moveStart, moveSet, moveTarget, sets } = this.nfa;
    const targets: number[] = [];
    for (const states of [from, this.startSet]) {
      for (const nfaState of states) {
        for (let move = moveStart[nfaState] as number; move < (moveStart[nfaState + 1] as number); move++) {
          if (sets[(moveSet[move] as number) * SYMBOL_COUNT + symbol]) targets.push(moveTarget[move] as number);
        }
      }
    }
    // Unanchored: a match may start at any byte, so the start closure is part of every state (implied).
    const next = this.closure(targets).filter((state) => this.inStart[state] === 0);
    const key = keyOf(next);
    if (this.sets.length >= this.maxStates && !this.index.has(key)) {
      this.reset();
      fromIndex = this.intern(from);
    }
    const entry = (this.offsetOf(this.intern(next, key)) | (next.includes(this.nfa.accept) ? ACCEPTING : 0)) >>> 0;
    this.words[(TABLE_BASE >> 2) + fromIndex * this.classCount + byteClass] = entry;
    return entry;
  }

  private reset(): void {
    this.sets = [];
    this.index.clear();
    this.intern(new Int32Array(0));
  }

  /** The index of the DFA state for `set`, making it (with an all-unknown row) if new. */
  private intern(set: Int32Array, key = keyOf(set)): number {
    const known = this.index.get(key);
    if (known !== undefined) return known;
    const index = this.sets.length;
    this.sets.push(set);
    this.index.set(key, index);
    const row = (TABLE_BASE >> 2) + index * this.classCount;
    this.words.fill(UNKNOWN, row, row + this.classCount);
    // A newline ends the line: the next line starts from scratch.
    this.words[row + this.newlineClass] = 0;
    return index;
  }

  private offsetOf(index: number): number {
    return index * this.classCount * 4;
  }

  /**
   * The states reachable from `states` without reading, sorted; only those that read a symbol, and
   * the accept state. A state with nothing but epsilon moves adds nothing to any transition, so
   * leaving it out keeps the sets (each DFA state keeps one) small, and makes sets that differ
   * only in such states one DFA state.
   */
  private closure(states: readonly number[]): Int32Array {
    const generation = ++this.generation;
    const stack = [...states];
    const found: number[] = [];
    const { epsilonStart, epsilonTarget, moveStart, accept } = this.nfa;
    while (stack.length > 0) {
      const state = stack.pop() as number;
      if (this.mark[state] === generation) continue;
      this.mark[state] = generation;
      if (state === accept || (moveStart[state + 1] as number) > (moveStart[state] as number)) found.push(state);
      for (let edge = epsilonStart[state] as number; edge < (epsilonStart[state + 1] as number); edge++) stack.push(epsilonTarget[edge] as number);
    }
    return Int32Array.from(found).sort();
  }
}

/** DFA states kept at once; a log visits far fewer, and each costs one table row. */
const MAX_STATES = 2048;
/** Bytes scanned per copy into WebAssembly memory. */
const INPUT_BYTES = 65_536;
const TABLE_BASE = 1024;
const STATE_SLOT = 256;
const ENTRY_SLOT = 260;
/** Set in a table entry whose target state accepts; the scan loop stops on it. */
const ACCEPTING = 0x8000_0000;
/** A transition not computed yet; also stops the loop, having the accepting bit. */
const UNKNOWN = 0xffff_ffff;

function keyOf(set: Int32Array): string {
  return set.join(',');
}

function align(value: number, to: number): number {
  return Math.ceil(value / to) * to;
}

/**
 * Symbols that no set of the automaton tells apart share a class, so a table row has one entry
 * per class rather than per byte. Logs use few distinct classes: the letters of the rules, the
 * rest.
 */
function byteClasses(nfa: CandidateNfa): { classOfSymbol: Uint8Array; classCount: number; classSymbol: Int32Array } {
  const classOfSymbol = new Uint8Array(SYMBOL_COUNT);
  const byKey = new Map<string, number>();
  const representatives: number[] = [];
  for (let symbol = 0; symbol < SYMBOL_COUNT; symbol++) {
    let key = '';
    for (let set = 0; set < nfa.setCount; set++) key += nfa.sets[set * SYMBOL_COUNT + symbol] ? '1' : '0';
    let found = byKey.get(key);
    if (found === undefined) {
      found = byKey.size;
      byKey.set(key, found);
      representatives.push(symbol);
    }
    classOfSymbol[symbol] = found;
  }
  // The newline class (index classCount) has no symbol: its row entries are preset to the start state.
  return { classOfSymbol, classCount: byKey.size, classSymbol: Int32Array.from([...representatives, 0x0a]) };
}

// -------------------------------------------------------------------------------------------------
// The scan loop, as a hand-assembled WebAssembly module (there is no toolchain at run time, and it is
// one small function):
//
//   (func (export "scan") (param $state i32) (param $position i32) (param $end i32) (result i32)
//     (local $entry i32)
//     loop: while $position < $end:
//       $entry = table[$state + class[byte[$position]] * 4]      ;; table at TABLE_BASE, class at 0
//       if $entry >= ACCEPTING (unsigned): store $state at STATE_SLOT, $entry at ENTRY_SLOT; return $position
//       $state = $entry; $position += 1
//     store $state at STATE_SLOT; return -1)
//
// Memory is imported so JS can size it and read and write the table and the input.

const SCANNER_MODULE = assembleScanner();

function assembleScanner(): Uint8Array {
  const I32 = 0x7f;
  const [STATE, POSITION, END, ENTRY] = [0, 1, 2, 3];
  const op = {
    block: 0x02,
    loop: 0x03,
    if: 0x04,
    end: 0x0b,
    br: 0x0c,
    brIf: 0x0d,
    return: 0x0f,
    localGet: 0x20,
    localSet: 0x21,
    localTee: 0x22,
    i32Load: 0x28,
    i32Load8u: 0x2d,
    i32Store: 0x36,
    i32Const: 0x41,
    i32GeU: 0x4f,
    i32Add: 0x6a,
    i32Shl: 0x74,
    void: 0x40,
  };
  const body = [
    ...[0x01, 0x01, I32], // one local: $entry
    op.block,
    op.void,
    op.loop,
    op.void,
    op.localGet,
    POSITION,
    op.localGet,
    END,
    op.i32GeU,
    op.brIf,
    1,
    op.localGet,
    STATE,
    op.localGet,
    POSITION,
    op.i32Load8u,
    0,
    0, // the byte
    op.i32Load8u,
    0,
    0, // its class
    op.i32Const,
    2,
    op.i32Shl,
    op.i32Add,
    op.i32Load,
    2,
    ...uleb(TABLE_BASE),
    op.localTee,
    ENTRY,
    op.i32Const,
    ...sleb(ACCEPTING | 0),
    op.i32GeU,
    op.if,
    op.void,
    op.i32Const,
    ...sleb(STATE_SLOT),
    op.localGet,
    STATE,
    op.i32Store,
    2,
    0,
    op.i32Const,
    ...sleb(ENTRY_SLOT),
    op.localGet,
    ENTRY,
    op.i32Store,
    2,
    0,
    op.localGet,
    POSITION,
    op.return,
    op.end,
    op.localGet,
    ENTRY,
    op.localSet,
    STATE,
    op.localGet,
    POSITION,
    op.i32Const,
    1,
    op.i32Add,
    op.localSet,
    POSITION,
    op.br,
    0,
    op.end,
    op.end,
    op.i32Const,
    ...sleb(STATE_SLOT),
    op.localGet,
    STATE,
    op.i32Store,
    2,
    0,
    op.i32Const,
    ...sleb(-1),
    op.end,
  ];
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const vector = (items: number[][]) => [...uleb(items.length), ...items.flat()];
  const name = (text: string) => [...uleb(text.length), ...Buffer.from(text)];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, vector([[0x60, ...vector([[I32], [I32], [I32]]), ...vector([[I32]])]])), // type: (i32 i32 i32) -> i32
    ...section(2, vector([[...name('env'), ...name('memory'), 0x02, 0x00, 0x01]])), // import env.memory, min 1 page
    ...section(3, vector([[0]])), // one function of type 0
    ...section(7, vector([[...name('scan'), 0x00, 0]])), // export it
    ...section(10, vector([[...uleb(body.length), ...body]])),
  ]);
}

function uleb(value: number): number[] {
  const out: number[] = [];
  do {
    let byte = value & 0x7f;
    value >>>= 7;
    if (value !== 0) byte |= 0x80;
    out.push(byte);
  } while (value !== 0);
  return out;
}

function sleb(value: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = value & 0x7f;
    value >>= 7;
    if ((value === 0 && (byte & 0x40) === 0) || (value === -1 && (byte & 0x40) !== 0)) {
      out.push(byte);
      return out;
    }
    out.push(byte | 0x80);
  }
}
