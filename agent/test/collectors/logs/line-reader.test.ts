import { appendFile, open, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TextEncoding } from '../../../src/collectors/logs/encoding.js';
import { LineReader, ReadBuffers, type LineBlock } from '../../../src/collectors/logs/line-reader.js';
import { makeTempDir, removeDir } from './helpers.js';

/** Small deterministic PRNG, so a failure can be reproduced. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1_103_515_245 + 12_345) & 0x7fffffff;
    return state / 0x7fffffff;
  };
}

const ALPHABET = ['a', 'b', ' ', "'", '\r', 'é', '北', '\u0A0A', '\u010A', '\u0100', '😀'];

function randomLog(next: () => number, lineCount: number, maxLength: number): string {
  const lines: string[] = [];
  for (let i = 0; i < lineCount; i++) {
    const length = next() < 0.1 ? Math.floor(next() * maxLength * 3) : Math.floor(next() * maxLength);
    let line = '';
    for (let j = 0; j < length; j++) line += ALPHABET[Math.floor(next() * ALPHABET.length)];
    lines.push(line);
  }
  return lines.join('\n') + (next() < 0.5 ? '\n' : '');
}

/** What the reader must produce: every line, cut to maxLineBytes bytes (on a code unit for UTF-16LE). */
function expectedLines(text: string, encoding: TextEncoding, maxLineBytes: number): string[] {
  const max = maxLineBytes - (maxLineBytes % (encoding === 'utf16le' ? 2 : 1));
  const parts = text.split('\n');
  if (parts.at(-1) === '') parts.pop();
  return parts.map((line) => {
    const bytes = Buffer.from(line, encoding);
    return bytes.length > max ? bytes.subarray(0, max).toString(encoding) : line;
  });
}

let dir: string;
beforeAll(async () => {
  dir = await makeTempDir();
});
afterAll(async () => {
  await removeDir(dir);
});

async function readAll(path: string, encoding: TextEncoding, maxLineBytes: number, chunkBytes: number, pieces: Buffer[]): Promise<string[]> {
  await writeFile(path, '');
  const handle = await open(path, 'r');
  try {
    const reader = new LineReader({ encoding, maxLineBytes }, { offset: 0 });
    const buffers = new ReadBuffers(chunkBytes, maxLineBytes);
    const lines: string[] = [];
    const onBlock = (block: LineBlock) => lines.push(...block.text().split('\n'));
    for (const piece of pieces) {
      await appendFile(path, piece);
      await reader.pump(handle, buffers, onBlock);
    }
    reader.finish(onBlock);
    return lines;
  } finally {
    await handle.close();
  }
}

describe('LineReader', () => {
  for (const encoding of ['utf8', 'utf16le'] as const) {
    it(`cuts random ${encoding} logs into the right lines whatever the chunk size and write pattern`, async () => {
      const next = random(encoding === 'utf8' ? 7 : 11);
      for (let round = 0; round < 40; round++) {
        const maxLineBytes = 16 + Math.floor(next() * 48);
        const chunkBytes = 1 + Math.floor(next() * 40);
        const text = randomLog(next, 1 + Math.floor(next() * 30), maxLineBytes);
        const bytes = Buffer.from(text, encoding);
        // Written in random pieces, as a logger flushing at arbitrary points would.
        const pieces: Buffer[] = [];
        for (let start = 0; start < bytes.length; ) {
          const end = Math.min(bytes.length, start + 1 + Math.floor(next() * 50));
          pieces.push(bytes.subarray(start, end));
          start = end;
        }
        const lines = await readAll(`${dir}/random-${encoding}.log`, encoding, maxLineBytes, chunkBytes, pieces);
        expect(lines, `round ${round}, max ${maxLineBytes}, chunk ${chunkBytes}`).toEqual(expectedLines(text, encoding, maxLineBytes));
      }
    });
  }

  it('leaves committed where it was when the store cannot keep a chunk, so rewind() hands the chunk over again', async () => {
    const path = `${dir}/atomic.log`;
    await writeFile(path, 'one\ntwo\n');
    const handle = await open(path, 'r');
    try {
      const reader = new LineReader({ encoding: 'utf8', maxLineBytes: 100 }, { offset: 0 });
      const buffers = new ReadBuffers(1024, 100);
      const handed: string[] = [];
      // The lines and the offset were handed over, then the commit of both failed (a full disk, say).
      const failingCommit = (work: () => void) => {
        work();
        throw new Error('SQLITE_FULL');
      };
      await expect(
        reader.pump(handle, buffers, (block) => handed.push(block.text()), { onCommit: () => undefined, atomically: failingCommit }),
      ).rejects.toThrow('SQLITE_FULL');
      expect(reader.committed).toBe(0);
      reader.rewind();
      const commits: number[] = [];
      await reader.pump(handle, buffers, (block) => handed.push(block.text()), { onCommit: (offset) => commits.push(offset) });
      expect(handed).toEqual(['one\ntwo', 'one\ntwo']);
      expect(commits).toEqual([8]);
    } finally {
      await handle.close();
    }
  });

  it('keeps committed at the start of an unfinished line and rewind() reads uncommitted lines again', async () => {
    const path = `${dir}/commit.log`;
    await writeFile(path, 'one\ntwo\nthr');
    const handle = await open(path, 'r');
    try {
      const reader = new LineReader({ encoding: 'utf8', maxLineBytes: 100 }, { offset: 0 });
      const buffers = new ReadBuffers(1024, 100);
      const commits: number[] = [];
      await reader.pump(handle, buffers, () => undefined, { onCommit: (offset) => commits.push(offset) });
      expect(commits).toEqual([8]);
      expect(reader.position).toBe(11);

      await appendFile(path, 'ee\nfour\n');
      await expect(
        reader.pump(handle, buffers, () => {
          throw new Error('sink refused');
        }),
      ).rejects.toThrow('sink refused');
      reader.rewind();
      const lines: string[] = [];
      await reader.pump(handle, buffers, (block) => lines.push(...block.text().split('\n')));
      expect(lines).toEqual(['three', 'four']);
      expect(reader.committed).toBe(19);
    } finally {
      await handle.close();
    }
  });
});
