import { appendFileSync, copyFileSync, mkdirSync, renameSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { fileKeyOf, MemoryOffsetStore, type OffsetStore } from '../../../src/collectors/logs/offsets.js';
import { Tailer, type TailerOptions } from '../../../src/collectors/logs/tailer.js';
import { makeTempDir, removeDir, sleep, waitFor } from './helpers.js';

interface Harness {
  tailer: Tailer;
  /** Every line handed over, with the file it came from. */
  lines: Array<{ path: string; line: string }>;
  texts: () => string[];
  offsets: OffsetStore;
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir();
  cleanups.push(() => removeDir(dir));
  return dir;
}

async function startTailer(glob: string, options: Partial<TailerOptions> = {}): Promise<Harness> {
  const lines: Harness['lines'] = [];
  const offsets = options.offsets ?? new MemoryOffsetStore();
  const tailer = new Tailer({
    files: [{ glob, encoding: 'auto' }],
    offsets,
    startAt: 'beginning',
    maxLineBytes: 4096,
    rescanMs: 150,
    onLines: (block, file) => {
      for (const line of block.text().split('\n')) lines.push({ path: file.path, line });
    },
    ...options,
  });
  cleanups.push(() => tailer.stop());
  await tailer.start();
  return { tailer, lines, texts: () => lines.map((entry) => entry.line), offsets };
}

function keyOf(path: string): string {
  return fileKeyOf(statSync(path, { bigint: true }));
}

describe('Tailer', () => {
  it('reads a file present at start from the beginning (startAt beginning), then what is appended', async () => {
    const dir = await tempDir();
    writeFileSync(`${dir}/a.log`, 'one\ntwo\n');
    const { texts } = await startTailer(`${dir}/*.log`);
    expect(texts()).toEqual(['one', 'two']);
    appendFileSync(`${dir}/a.log`, 'three\n');
    await waitFor('appended line', () => texts().length === 3);
    expect(texts()).toEqual(['one', 'two', 'three']);
  });

  it('reads a burst of appends to a file once: one block of lines and one saved offset', async () => {
    const dir = await tempDir();
    const path = `${dir}/busy.log`;
    writeFileSync(path, '');
    const store = new MemoryOffsetStore();
    const saves: string[] = [];
    const offsets: OffsetStore = { load: (key) => store.load(key), save: (key, saved) => (saves.push(key), store.save(key, saved)) };
    const blocks: string[] = [];
    const tailer = new Tailer({
      files: [{ glob: `${dir}/*.log`, encoding: 'auto' }],
      offsets,
      startAt: 'beginning',
      maxLineBytes: 4096,
      // Only change events, no rescan, can bring these lines in.
      watch: 'events',
      rescanMs: 60_000,
      coalesceMs: 300,
      onLines: (block) => blocks.push(block.text()),
    });
    cleanups.push(() => tailer.stop());
    await tailer.start();
    const savesAtStart = saves.length;
    for (let i = 1; i <= 5; i++) {
      appendFileSync(path, `line ${i}\n`);
      await sleep(10);
    }
    await waitFor('the burst of lines', () => blocks.length > 0);
    // Later change events for the same appends find nothing new to read.
    await sleep(700);
    expect(blocks).toEqual(['line 1\nline 2\nline 3\nline 4\nline 5']);
    expect(saves.slice(savesAtStart).filter((key) => key === keyOf(path))).toHaveLength(1);
    expect(store.load(keyOf(path))?.offset).toBe(statSync(path).size);
  });

  it('startAt end skips the history of files present at the first start, not of files that appear later', async () => {
    const dir = await tempDir();
    writeFileSync(`${dir}/old.log`, 'history\nhalf a li');
    const offsets = new MemoryOffsetStore();
    const { texts } = await startTailer(`${dir}/*.log`, { startAt: 'end', offsets });
    appendFileSync(`${dir}/old.log`, 'ne being written\nfresh\n');
    writeFileSync(`${dir}/new.log`, 'born later\n');
    await waitFor('fresh and born-later lines', () => texts().length === 2);
    // The line being written at start is skipped whole rather than read from its middle.
    expect(texts().sort()).toEqual(['born later', 'fresh']);
    // The skip is saved, so a restart does not mistake the old file for a new one.
    expect(offsets.load(keyOf(`${dir}/old.log`))?.offset).toBe(statSync(`${dir}/old.log`).size);
  });

  it('picks up directories and files that are created later, reading them from the beginning', async () => {
    const dir = await tempDir();
    const { lines } = await startTailer(`${dir}/later/*/*.log`, { startAt: 'end' });
    mkdirSync(`${dir}/later/cam1`, { recursive: true });
    writeFileSync(`${dir}/later/cam1/rec.log`, 'first\n');
    await waitFor('line from a late directory', () => lines.length === 1);
    mkdirSync(`${dir}/later/cam2`);
    writeFileSync(`${dir}/later/cam2/rec.log`, 'second\n');
    writeFileSync(`${dir}/later/cam2/rec.txt`, 'not matched\n');
    await waitFor('line from a second late directory', () => lines.length === 2);
    expect(lines).toEqual([
      { path: `${dir}/later/cam1/rec.log`, line: 'first' },
      { path: `${dir}/later/cam2/rec.log`, line: 'second' },
    ]);
  });

  it('resumes from saved offsets after a restart; a file renamed meanwhile keeps its offset, a new file starts at 0', async () => {
    const dir = await tempDir();
    const offsets = new MemoryOffsetStore();
    writeFileSync(`${dir}/a.log`, 'a1\na2\n');
    const first = await startTailer(`${dir}/*.log`, { offsets, startAt: 'end' });
    appendFileSync(`${dir}/a.log`, 'a3\n');
    await waitFor('a3', () => first.texts().length === 1);
    await first.tailer.stop();
    expect(first.texts()).toEqual(['a3']);

    appendFileSync(`${dir}/a.log`, 'a4\n');
    renameSync(`${dir}/a.log`, `${dir}/renamed.log`);
    writeFileSync(`${dir}/b.log`, 'b1\n');
    const second = await startTailer(`${dir}/*.log`, { offsets, startAt: 'end' });
    expect(second.lines).toEqual([
      { path: `${dir}/b.log`, line: 'b1' },
      { path: `${dir}/renamed.log`, line: 'a4' },
    ]);
    expect(offsets.load(keyOf(`${dir}/renamed.log`))).toEqual({ path: `${dir}/renamed.log`, offset: 12, size: 12 });
  });

  it('saves an offset only after the lines before it were handed over, and re-reads lines whose handler failed', async () => {
    const dir = await tempDir();
    const path = `${dir}/a.log`;
    writeFileSync(path, '');
    const offsets = new MemoryOffsetStore();
    const delivered: string[] = [];
    let failNext = true;
    let savedBeforeDelivery: number | undefined;
    await startTailer(`${dir}/*.log`, {
      offsets,
      onLines: (block) => {
        savedBeforeDelivery = offsets.load(keyOf(path))?.offset ?? 0;
        if (failNext) {
          failNext = false;
          throw new Error('spool full');
        }
        delivered.push(...block.text().split('\n'));
      },
    });
    appendFileSync(path, 'x1\nx2\n');
    await waitFor('lines after the failed hand-over', () => delivered.length === 2, 3000);
    expect(delivered).toEqual(['x1', 'x2']);
    // Nothing was saved past lines that had not been handed over.
    expect(savedBeforeDelivery).toBe(0);
    await waitFor('offset saved', () => offsets.load(keyOf(path))?.offset === 6);
  });

  it('after rotation by rename drains the old file through its open handle, then reads the new one from 0', async () => {
    const dir = await tempDir();
    const path = `${dir}/app.log`;
    writeFileSync(path, 'old1\nold2\n');
    const { lines, texts } = await startTailer(`${dir}/*.log`);
    await waitFor('old lines', () => lines.length === 2);
    renameSync(path, `${dir}/app.log.1`);
    // The writer still holds the old file and writes one last line to it.
    appendFileSync(`${dir}/app.log.1`, 'old3\n');
    writeFileSync(path, 'new1\nnew2\n');
    await waitFor('all lines', () => lines.length === 5);
    expect(texts()).toEqual(['old1', 'old2', 'old3', 'new1', 'new2']);
  });

  it('restarts from 0 when a file is truncated in place or copied and truncated', async () => {
    const dir = await tempDir();
    const path = `${dir}/app.log`;
    writeFileSync(path, 'line one is long\nline two is long\n');
    const { texts } = await startTailer(`${dir}/*.log`);
    expect(texts()).toHaveLength(2);

    truncateSync(path, 0);
    appendFileSync(path, 'after truncate\n');
    await waitFor('line after truncation', () => texts().length === 3);

    copyFileSync(path, `${dir}/app.log.1`);
    truncateSync(path, 0);
    appendFileSync(path, 'after copy\n');
    await waitFor('line after copy-truncate', () => texts().length === 4);
    expect(texts()).toEqual(['line one is long', 'line two is long', 'after truncate', 'after copy']);
  });

  it('reads a file deleted and created again at the same path from 0', async () => {
    const dir = await tempDir();
    const path = `${dir}/app.log`;
    writeFileSync(path, 'before\n');
    const { texts } = await startTailer(`${dir}/*.log`);
    rmSync(path);
    writeFileSync(path, 'after\n');
    await waitFor('line of the new file', () => texts().length === 2);
    expect(texts()).toEqual(['before', 'after']);
  });

  it('holds back a partial last line, without saving an offset past it, until its newline arrives', async () => {
    const dir = await tempDir();
    const path = `${dir}/app.log`;
    writeFileSync(path, 'done\n');
    const offsets = new MemoryOffsetStore();
    const { texts } = await startTailer(`${dir}/*.log`, { offsets });
    appendFileSync(path, 'par');
    await sleep(400); // a few rescans and events: the fragment must still not be emitted
    expect(texts()).toEqual(['done']);
    expect(offsets.load(keyOf(path))?.offset).toBe(5);
    appendFileSync(path, 'tial\n');
    await waitFor('completed line', () => texts().length === 2);
    expect(texts()).toEqual(['done', 'partial']);
    expect(offsets.load(keyOf(path))?.offset).toBe(13);
  });

  it('hands over CRLF lines with their \\r (the matcher drops it) and reads UTF-8 split across reads', async () => {
    const dir = await tempDir();
    writeFileSync(`${dir}/app.log`, "Camera 'Tór Öst 北門' down\r\nnext\r\n");
    const { texts } = await startTailer(`${dir}/*.log`, { chunkBytes: 5 });
    expect(texts()).toEqual(["Camera 'Tór Öst 北門' down\r", 'next\r']);
  });

  it('reads UTF-16LE with a BOM (auto) and without one (encoding utf16le), newline = 0A 00 at an even offset', async () => {
    const dir = await tempDir();
    // U+0A0A is the bytes 0A 0A and U+010A is 0A 01: neither is a newline.
    const text = 'Gate \u0A0A\u010A 3 down\nsecond\n';
    writeFileSync(`${dir}/bom.log`, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    writeFileSync(`${dir}/plain.u16`, Buffer.from(text, 'utf16le'));
    const lines: Array<{ path: string; line: string }> = [];
    const harness = await startTailer(`${dir}/*.log`, {
      files: [
        { glob: `${dir}/*.log`, encoding: 'auto' },
        { glob: `${dir}/*.u16`, encoding: 'utf16le' },
      ],
      chunkBytes: 3,
      onLines: (block, file) =>
        block
          .text()
          .split('\n')
          .forEach((line) => lines.push({ path: file.path, line })),
    });
    expect(harness.lines).toEqual([]);
    expect(lines).toEqual([
      { path: `${dir}/bom.log`, line: 'Gate \u0A0A\u010A 3 down' },
      { path: `${dir}/bom.log`, line: 'second' },
      { path: `${dir}/plain.u16`, line: 'Gate \u0A0A\u010A 3 down' },
      { path: `${dir}/plain.u16`, line: 'second' },
    ]);
    appendFileSync(`${dir}/plain.u16`, Buffer.from('third\n', 'utf16le'));
    await waitFor('appended UTF-16LE line', () => lines.length === 5);
    expect(lines[4]).toEqual({ path: `${dir}/plain.u16`, line: 'third' });
  });

  it('cuts lines longer than maxLineBytes and skips their rest, also when the long line arrives in pieces', async () => {
    const dir = await tempDir();
    const path = `${dir}/app.log`;
    writeFileSync(path, `${'a'.repeat(1000)}\nshort\n`);
    const { texts } = await startTailer(`${dir}/*.log`, { maxLineBytes: 256, chunkBytes: 64 });
    expect(texts()).toEqual(['a'.repeat(256), 'short']);
    appendFileSync(path, 'b'.repeat(300));
    await waitFor('cut line emitted before its end arrives', () => texts().length === 3);
    appendFileSync(path, `${'b'.repeat(5000)}\nafter\n`);
    await waitFor('line after the long one', () => texts().length === 4);
    expect(texts().slice(2)).toEqual(['b'.repeat(256), 'after']);
  });

  it('in poll mode (the default), finds appends, new files and new directories without any rescan', async () => {
    const dir = await tempDir();
    const { lines } = await startTailer(`${dir}/**/*.log`, { watch: 'poll', pollMs: 100, rescanMs: 60_000 });
    writeFileSync(`${dir}/a.log`, 'new file\n');
    await waitFor('line of a new file', () => lines.length === 1);
    appendFileSync(`${dir}/a.log`, 'appended\n');
    await waitFor('appended line', () => lines.length === 2);
    mkdirSync(`${dir}/cam7`);
    writeFileSync(`${dir}/cam7/rec.log`, 'new directory\n');
    await waitFor('line from a new directory', () => lines.length === 3);
    renameSync(`${dir}/a.log`, `${dir}/a.log.1`);
    writeFileSync(`${dir}/a.log`, 'after rotation\n');
    await waitFor('line after rotation', () => lines.length === 4);
    expect(lines).toEqual([
      { path: `${dir}/a.log`, line: 'new file' },
      { path: `${dir}/a.log`, line: 'appended' },
      { path: `${dir}/cam7/rec.log`, line: 'new directory' },
      { path: `${dir}/a.log`, line: 'after rotation' },
    ]);
  });

  it('in poll mode, a busy file is read once per poll, not once per append', async () => {
    const dir = await tempDir();
    const path = `${dir}/busy.log`;
    writeFileSync(path, '');
    const blocks: string[] = [];
    await startTailer(`${dir}/*.log`, { watch: 'poll', pollMs: 1_000, rescanMs: 60_000, onLines: (block) => blocks.push(block.text()) });
    // 20 appends within well under one poll interval.
    for (let i = 1; i <= 20; i++) {
      appendFileSync(path, `line ${i}\n`);
      await sleep(15);
    }
    await waitFor('the appended lines', () => blocks.join('\n').split('\n').length === 20, 5_000);
    expect(blocks.join('\n')).toBe(Array.from({ length: 20 }, (_, i) => `line ${i + 1}`).join('\n'));
    expect(blocks.length).toBeLessThanOrEqual(2);
  });

  it('in poll mode, a file that keeps growing is read once: no line twice, none lost', async () => {
    const dir = await tempDir();
    const path = `${dir}/growing.log`;
    writeFileSync(path, '');
    // The rescan reads ahead of what a poll saw a moment earlier: a size from that poll must not
    // look like a truncation.
    const { texts } = await startTailer(`${dir}/*.log`, { watch: 'poll', pollMs: 50, rescanMs: 70, coalesceMs: 40 });
    const written: string[] = [];
    for (let i = 1; i <= 150; i++) {
      const line = `line ${i}`;
      written.push(line);
      appendFileSync(path, `${line}\n`);
      await sleep(7);
    }
    await waitFor('every appended line', () => texts().length >= written.length, 10_000);
    await sleep(400);
    expect(texts()).toEqual(written);
  });

  it('finds new lines by periodic rescan alone when no file-system events arrive', async () => {
    const dir = await tempDir();
    const { texts } = await startTailer(`${dir}/*.log`, { watch: 'off', rescanMs: 100 });
    writeFileSync(`${dir}/app.log`, 'seen by rescan\n');
    await waitFor('line found by rescan', () => texts().length === 1);
    appendFileSync(`${dir}/app.log`, 'again\n');
    await waitFor('appended line found by rescan', () => texts().length === 2);
    expect(texts()).toEqual(['seen by rescan', 'again']);
  });
});
