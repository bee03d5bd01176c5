import { isAscii } from 'node:buffer';
import type { LogEncoding } from './config.js';

export type TextEncoding = 'utf8' | 'utf16le';

export interface DetectedEncoding {
  encoding: TextEncoding;
  /** Length of the byte order mark at the start of the file; text starts after it. */
  bomBytes: number;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];
const UTF16LE_BOM = [0xff, 0xfe];

/** Bytes per newline: \n, or 0A 00 in UTF-16LE. */
export const NEWLINE_BYTES: Readonly<Record<TextEncoding, number>> = { utf8: 1, utf16le: 2 };

/**
 * The file's encoding from its first bytes (up to 3). Undefined while the file is too short to
 * tell, so a file created empty is not decided before its first line arrives.
 */
export function detectEncoding(head: Uint8Array, configured: LogEncoding): DetectedEncoding | undefined {
  const utf8Bom = bomState(head, UTF8_BOM);
  const utf16Bom = bomState(head, UTF16LE_BOM);
  if (configured === 'utf16le') return utf16Bom === 'maybe' ? undefined : { encoding: 'utf16le', bomBytes: utf16Bom === 'yes' ? 2 : 0 };
  if (configured === 'utf8') return utf8Bom === 'maybe' ? undefined : { encoding: 'utf8', bomBytes: utf8Bom === 'yes' ? 3 : 0 };
  if (utf16Bom === 'yes') return { encoding: 'utf16le', bomBytes: 2 };
  if (utf8Bom === 'yes') return { encoding: 'utf8', bomBytes: 3 };
  if (utf8Bom === 'maybe' || utf16Bom === 'maybe') return undefined;
  return { encoding: 'utf8', bomBytes: 0 };
}

function bomState(head: Uint8Array, bom: readonly number[]): 'yes' | 'no' | 'maybe' {
  const compared = Math.min(head.length, bom.length);
  for (let i = 0; i < compared; i++) if (head[i] !== bom[i]) return 'no';
  return compared === bom.length ? 'yes' : 'maybe';
}

/**
 * Index of the first newline at or after `from`, or -1. `base` is the file offset of data[0]:
 * in UTF-16LE a newline is 0A 00 starting at an even file offset, and a lone 0A at the very end
 * is not yet known to be one.
 */
export function indexOfNewline(data: Buffer, from: number, encoding: TextEncoding, base: number): number {
  let index = data.indexOf(0x0a, from);
  if (encoding === 'utf8') return index;
  while (index !== -1 && index + 1 < data.length) {
    if (((base + index) & 1) === 0 && data[index + 1] === 0) return index;
    index = data.indexOf(0x0a, index + 1);
  }
  return -1;
}

/** Index of the last newline that starts within [min, max], or -1. */
export function lastIndexOfNewline(data: Buffer, max: number, min: number, encoding: TextEncoding, base: number): number {
  // Buffer#lastIndexOf reads a negative offset as counted from the end, so never pass one.
  if (max < min || max < 0) return -1;
  let index = data.lastIndexOf(0x0a, max);
  if (encoding === 'utf8') return index >= min ? index : -1;
  while (index >= min) {
    if (((base + index) & 1) === 0 && index + 1 < data.length && data[index + 1] === 0) return index;
    if (index === 0) return -1;
    index = data.lastIndexOf(0x0a, index - 1);
  }
  return -1;
}

/** Decodes data[start, end). Pure-ASCII UTF-8 (the usual log) takes the much cheaper latin1 path. */
export function decodeText(data: Buffer, start: number, end: number, encoding: TextEncoding): string {
  if (encoding === 'utf16le') return data.toString('utf16le', start, end);
  return isAscii(data.subarray(start, end)) ? data.toString('latin1', start, end) : data.toString('utf8', start, end);
}
