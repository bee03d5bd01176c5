import { open, type FileHandle } from 'node:fs/promises';
import type { LogEncoding } from './config.js';
import { detectEncoding, lastIndexOfNewline, NEWLINE_BYTES, type DetectedEncoding } from './encoding.js';
import { LineReader, ReadBuffers, type LineBlock } from './line-reader.js';
import type { LineMatcher, LineObservation } from './rules.js';

export interface ScanOptions {
  encoding?: LogEncoding;
  maxLineBytes?: number;
  chunkBytes?: number;
  /** The time given to observations (ms since epoch); defaults to now. */
  at?: number;
  /** Receives each observation; without it they are built (as the agent does) and dropped. */
  onObservation?: (observation: LineObservation) => void;
}

export interface ScanResult {
  /** Lines read. */
  lines: number;
  /** Lines that produced an observation. */
  matched: number;
  bytes: number;
}

const DEFAULT_CHUNK_BYTES = 1024 * 1024;
const DEFAULT_MAX_LINE_BYTES = 65_536;

/**
 * Matches a whole file once, start to end, the same way the tailer does (chunked reads, the same
 * line cutting, `LineMatcher.scanLines`), without watching or saving anything.
 */
export async function scanFile(path: string, matcher: LineMatcher, options: ScanOptions = {}): Promise<ScanResult> {
  const handle = await open(path, 'r');
  try {
    const encoding = await detectOrDefault(handle, options.encoding ?? 'auto');
    return await scanFrom(handle, matcher, encoding, encoding.bomBytes, options);
  } finally {
    await handle.close();
  }
}

/** Matches only the last `lineCount` lines (about; at most a few MiB are read). */
export async function scanRecentLines(path: string, matcher: LineMatcher, lineCount: number, options: ScanOptions = {}): Promise<ScanResult> {
  const handle = await open(path, 'r');
  try {
    const encoding = await detectOrDefault(handle, options.encoding ?? 'auto');
    const start = await startOfLastLines(handle, encoding, lineCount, options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES);
    return await scanFrom(handle, matcher, encoding, start, options);
  } finally {
    await handle.close();
  }
}

async function scanFrom(handle: FileHandle, matcher: LineMatcher, detected: DetectedEncoding, start: number, options: ScanOptions): Promise<ScanResult> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const at = options.at ?? Date.now();
  const onObservation = options.onObservation ?? dropObservation;
  const reader = new LineReader({ encoding: detected.encoding, maxLineBytes }, { offset: start });
  const buffers = new ReadBuffers(options.chunkBytes ?? DEFAULT_CHUNK_BYTES, maxLineBytes);
  let lines = 0;
  let matched = 0;
  const onBlock = (block: LineBlock) => {
    lines += countLines(block);
    matched += matcher.scanLines(block, at, onObservation);
  };
  await reader.pump(handle, buffers, onBlock);
  reader.finish(onBlock);
  return { lines, matched, bytes: reader.position - start };
}

function dropObservation(): void {}

async function detectOrDefault(handle: FileHandle, configured: LogEncoding): Promise<DetectedEncoding> {
  const head = Buffer.alloc(3);
  const { bytesRead } = await handle.read(head, 0, 3, 0);
  // A file too short to tell is read as it was configured, or as UTF-8.
  return detectEncoding(head.subarray(0, bytesRead), configured) ?? { encoding: configured === 'utf16le' ? 'utf16le' : 'utf8', bomBytes: 0 };
}

function countLines(block: LineBlock): number {
  // Latin-1 keeps every byte, newlines included, and is the cheapest decoding; String#indexOf does
  // not cross into C++ for each newline as Buffer#indexOf would.
  const text = block.encoding === 'utf8' ? block.bytes.toString('latin1') : block.text();
  let count = 1;
  for (let index = text.indexOf('\n'); index !== -1; index = text.indexOf('\n', index + 1)) count++;
  return count;
}

/** Offset of the first of the last `lineCount` lines, looking back at most a bounded window. */
async function startOfLastLines(handle: FileHandle, detected: DetectedEncoding, lineCount: number, maxLineBytes: number): Promise<number> {
  const { size } = await handle.stat();
  const window = Math.min(size - detected.bomBytes, Math.max(4 * 1024 * 1024, maxLineBytes * 4));
  const windowStart = size - window;
  if (window <= 0) return detected.bomBytes;
  const data = Buffer.allocUnsafe(window);
  const { bytesRead } = await handle.read(data, 0, window, windowStart);
  const view = data.subarray(0, bytesRead);
  const newline = NEWLINE_BYTES[detected.encoding];
  // The file's own last newline ends the last line rather than starting another one.
  let searchFrom = view.length - 1 - newline;
  let earliest = -1;
  let found = 0;
  while (found < lineCount) {
    const index = lastIndexOfNewline(view, searchFrom, 0, detected.encoding, windowStart);
    if (index === -1) break;
    earliest = windowStart + index + newline;
    found++;
    searchFrom = index - 1;
  }
  if (found < lineCount && windowStart <= detected.bomBytes) return detected.bomBytes;
  // Fewer lines than asked in a window that does not reach the start: the window's whole lines.
  return earliest === -1 ? size : earliest;
}
