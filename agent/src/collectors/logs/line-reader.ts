import type { FileHandle } from 'node:fs/promises';
import { decodeText, indexOfNewline, lastIndexOfNewline, NEWLINE_BYTES, type TextEncoding } from './encoding.js';

/**
 * One or more complete lines as read from the file: '\n'-separated (a \r before it is kept), no
 * final newline. Handed over as bytes, so a matcher that can filter bytes decodes only the lines it
 * needs; `text()` decodes them all.
 */
export class LineBlock {
  constructor(
    readonly bytes: Buffer,
    readonly encoding: TextEncoding,
  ) {}

  text(): string {
    return decodeText(this.bytes, 0, this.bytes.length, this.encoding);
  }
}

/** Receives a block of lines; the block's bytes are only valid during the call. */
export type LineBlockHandler = (block: LineBlock) => void;

export interface PumpOptions {
  /** Called after each chunk whose lines advanced `committed`, with the new `committed`. */
  onCommit?: (committed: number) => void;
  /** Runs each chunk's handing over and commit as one unit (see OffsetStore.atomically). */
  atomically?: (work: () => void) => void;
  /** Stop after about this many bytes (the chunk under way is finished). */
  budget?: number;
}

const runDirectly = (work: () => void): void => work();

export interface LineReaderOptions {
  encoding: TextEncoding;
  maxLineBytes: number;
}

export interface LineReaderStart {
  /** File offset to read from; must be at the start of a line (or of the text, after a BOM). */
  offset: number;
  /** Start in the middle of a line: drop everything up to the next newline. */
  skipFirstLine?: boolean;
}

/**
 * Cuts a growing file into lines, a chunk at a time, without holding more than two chunks (one
 * being read, one being matched) plus one line in memory. A line without its newline yet is kept back until it is completed; a line
 * longer than maxLineBytes is handed over cut to that length and the rest of it is skipped.
 *
 * `committed` is the offset after the last line handed over: the place to resume from after a
 * restart, because everything before it has been seen by the handler.
 */
export class LineReader {
  private readPosition: number;
  private carry: Buffer | undefined;
  private skipping: boolean;
  private committedOffset: number;
  private committedSkipping: boolean;
  private readonly newlineBytes: number;
  private readonly maxLineBytes: number;

  constructor(
    private readonly options: LineReaderOptions,
    start: LineReaderStart,
  ) {
    this.readPosition = start.offset;
    this.skipping = start.skipFirstLine ?? false;
    this.committedOffset = start.offset;
    this.committedSkipping = this.skipping;
    this.newlineBytes = NEWLINE_BYTES[options.encoding];
    // A UTF-16LE cut must not split a code unit.
    this.maxLineBytes = options.maxLineBytes - (options.maxLineBytes % this.newlineBytes);
  }

  /** Offset of the next byte to read: everything before it has been read (some maybe held back). */
  get position(): number {
    return this.readPosition;
  }

  get committed(): number {
    return this.committedOffset;
  }

  /**
   * Reads from `handle` until the end of the file or until `budget` bytes were read, handing
   * complete lines to `onBlock` in order and calling `onCommit` after each chunk whose lines
   * advanced `committed`. Returns the number of bytes read. If a handler throws, call `rewind()`.
   *
   * Each chunk's `onBlock` calls and its `onCommit` run inside one `atomically` call, so a store
   * can commit the chunk's observations and its offset together. If that step throws, `committed`
   * stays where it was, so `rewind()` reads the whole chunk again.
   *
   * The next chunk is read while this one is matched, so disk and CPU work overlap. A read that
   * returns less than a full chunk ends the pump (the end of the file was reached).
   */
  async pump(handle: FileHandle, buffers: ReadBuffers, onBlock: LineBlockHandler, options: PumpOptions = {}): Promise<number> {
    const { onCommit, atomically = runDirectly, budget = Number.POSITIVE_INFINITY } = options;
    let total = 0;
    let [current, next] = buffers.pair;
    let inFlight: Promise<number> | undefined = buffers.read(handle, current, this.readPosition);
    try {
      while (inFlight) {
        const bytesRead = await inFlight;
        inFlight = undefined;
        if (bytesRead === 0) break;
        const carried = this.carry?.length ?? 0;
        const base = this.readPosition - carried;
        this.readPosition += bytesRead;
        total += bytesRead;
        // A short read means the end of the file was reached: asking again would almost always
        // get 0 bytes, at the cost of another read per append. Lines written after it come with
        // their own change event (or the rescan).
        if (total < budget && bytesRead === buffers.chunkBytes) inFlight = buffers.read(handle, next, this.readPosition);
        const data = buffers.withCarry(current, this.carry, bytesRead);
        this.carry = undefined;
        const before = this.committedOffset;
        const beforeSkipping = this.committedSkipping;
        try {
          atomically(() => {
            this.consume(data, base, onBlock);
            if (this.committedOffset !== before) onCommit?.(this.committedOffset);
          });
        } catch (error) {
          // Nothing of this chunk was kept (the offset save may be what failed): read it all again.
          this.committedOffset = before;
          this.committedSkipping = beforeSkipping;
          throw error;
        }
        [current, next] = [next, current];
      }
    } finally {
      // A read ahead that is not used must still finish before its buffer is reused;
      // its bytes are simply read again next time.
      await inFlight?.catch(() => 0);
    }
    return total;
  }

  /** The file will not grow any more: hand over a last line that never got its newline. */
  finish(onBlock: LineBlockHandler): void {
    const carry = this.carry;
    this.carry = undefined;
    if (!carry || this.skipping) return;
    const length = carry.length - (carry.length % this.newlineBytes);
    if (length > 0) onBlock(new LineBlock(carry.subarray(0, length), this.options.encoding));
    this.committedOffset = this.readPosition;
  }

  /** Forget everything after `committed`, so those lines are read again (after a handler failed). */
  rewind(): void {
    this.readPosition = this.committedOffset;
    this.skipping = this.committedSkipping;
    this.carry = undefined;
  }

  private consume(data: Buffer, base: number, onBlock: LineBlockHandler): void {
    const { encoding } = this.options;
    const newline = this.newlineBytes;
    const max = this.maxLineBytes;
    let lineStart = 0;
    if (this.skipping) {
      const end = indexOfNewline(data, 0, encoding, base);
      if (end === -1) {
        this.keepUndecidedByte(data, base);
        return;
      }
      lineStart = end + newline;
      this.skipping = false;
      this.commit(base + lineStart);
    }
    const last = lastIndexOfNewline(data, data.length - 1, lineStart, encoding, base);
    const completeEnd = last === -1 ? lineStart : last + newline;
    let segmentStart = lineStart;
    let position = lineStart;
    while (position < completeEnd) {
      // One backwards search per maxLineBytes: any newline within that reach proves every line up to it short.
      const reached = lastIndexOfNewline(data, Math.min(position + max, last), position, encoding, base);
      if (reached !== -1) {
        position = reached + newline;
        continue;
      }
      if (position > segmentStart) onBlock(new LineBlock(data.subarray(segmentStart, position - newline), encoding));
      onBlock(new LineBlock(data.subarray(position, position + max), encoding));
      position = indexOfNewline(data, position + max, encoding, base) + newline;
      segmentStart = position;
    }
    if (completeEnd > segmentStart) onBlock(new LineBlock(data.subarray(segmentStart, completeEnd - newline), encoding));
    if (completeEnd > lineStart) this.commit(base + completeEnd);

    const tail = data.length - completeEnd;
    if (tail > max) {
      onBlock(new LineBlock(data.subarray(completeEnd, completeEnd + max), encoding));
      this.skipping = true;
      this.keepUndecidedByte(data, base);
    } else if (tail > 0) {
      this.carry = Buffer.from(data.subarray(completeEnd));
    }
  }

  /** While skipping, only a UTF-16LE byte that could start a newline needs keeping. */
  private keepUndecidedByte(data: Buffer, base: number): void {
    const lastIndex = data.length - 1;
    if (this.options.encoding === 'utf16le' && lastIndex >= 0 && ((base + lastIndex) & 1) === 0) {
      this.carry = Buffer.from(data.subarray(lastIndex));
    }
  }

  private commit(offset: number): void {
    this.committedOffset = offset;
    this.committedSkipping = false;
  }
}

/**
 * Two read buffers, so one chunk can be read while the previous one is matched. Each has room in
 * front of the chunk for the carried partial line (at most maxLineBytes + 1 bytes), so joining
 * them is a small copy instead of a concatenation. Share one instance between readers that never
 * pump at the same time.
 */
export class ReadBuffers {
  readonly pair: readonly [Buffer, Buffer];
  private readonly reserve: number;
  readonly chunkBytes: number;

  constructor(chunkBytes: number, maxLineBytes: number) {
    this.reserve = maxLineBytes + 2;
    this.chunkBytes = chunkBytes;
    this.pair = [Buffer.allocUnsafe(this.reserve + chunkBytes), Buffer.allocUnsafe(this.reserve + chunkBytes)];
  }

  async read(handle: FileHandle, buffer: Buffer, position: number): Promise<number> {
    const { bytesRead } = await handle.read(buffer, this.reserve, this.chunkBytes, position);
    return bytesRead;
  }

  /** The carried bytes followed by what was just read into `buffer`, as one view. */
  withCarry(buffer: Buffer, carry: Buffer | undefined, bytesRead: number): Buffer {
    const start = this.reserve - (carry?.length ?? 0);
    carry?.copy(buffer, start);
    return buffer.subarray(start, this.reserve + bytesRead);
  }
}
