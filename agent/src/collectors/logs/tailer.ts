import { open, stat, type FileHandle } from 'node:fs/promises';
import type { BigIntStats, Stats } from 'node:fs';
import { posix } from 'node:path';
import { watch, type FSWatcher } from 'chokidar';
import { pino, type Logger } from 'pino';
import type { LogEncoding, LogWatchMode } from './config.js';
import { detectEncoding, NEWLINE_BYTES } from './encoding.js';
import { LogGlob, toGlobPath } from './globs.js';
import { LineReader, ReadBuffers, type LineBlock } from './line-reader.js';
import { fileKeyOf, FIRST_START_KEY, type OffsetStore } from './offsets.js';

export interface TailedFileSpec {
  glob: string;
  encoding: LogEncoding;
}

/** What a line handler learns about where its lines came from. */
export interface TailedFile {
  readonly path: string;
}

export interface TailerOptions {
  files: readonly TailedFileSpec[];
  offsets: OffsetStore;
  /** For files present at the very first start; later files are always read from the beginning. */
  startAt: 'end' | 'beginning';
  maxLineBytes: number;
  /** How often tracked files are stat'ed and globs re-listed, in case a file-system event was missed. */
  rescanMs: number;
  /**
   * How chokidar learns of changes (default poll). poll: it stats each file and directory every
   * `pollMs`, so the cost is bounded by the number of files, however often they are written to.
   * events: fs.watch, lower latency, but every append wakes the agent and re-lists the directory.
   * off: the rescan alone (network shares that send no events).
   */
  watch?: LogWatchMode;
  /** Stat interval in poll mode (default 1,000 ms). */
  pollMs?: number;
  /**
   * Receives complete lines in file order ('\n'-separated, no final newline). Must finish its work
   * (emit) before returning: the offset after these lines is saved right after, in the same
   * `offsets.atomically` call as every block of the chunk. If it throws, the chunk's lines are read
   * again later.
   */
  onLines: (block: LineBlock, file: TailedFile) => void;
  logger?: Logger;
  chunkBytes?: number;
  /**
   * How long change events are gathered before the files they name are looked at (default 100 ms),
   * so a file appended to several times in that while is stat'ed and read once.
   */
  coalesceMs?: number;
}

interface TrackedFile extends TailedFile {
  path: string;
  readonly key: string;
  readonly handle: FileHandle;
  readonly configuredEncoding: LogEncoding;
  /** Undefined until enough bytes exist to tell the encoding (or after a truncation). */
  reader: LineReader | undefined;
  /** Where the reader starts once it exists. */
  start: { offset: number; skipFirstLine: boolean };
  /** No longer at a watched path (rotated away or deleted): drained until quiet, then closed. */
  retired: boolean;
  lastGrowthAt: number;
}

/** Bytes handed over per turn before checking whether we are stopping. */
const TURN_BYTES = 8 * 1024 * 1024;

/**
 * A busy recorder appends a few lines at a time, many times a second. Each look at a file costs a
 * stat, a read, a decoded string and a saved offset, so looking once per batch of appends instead
 * of once per append is most of what the agent allocates under load; 100 ms of delay is nothing
 * next to the heartbeat.
 */
const DEFAULT_COALESCE_MS = 100;

/**
 * In events mode, chokidar re-lists (and lstats) the whole directory after any event in it, and
 * back to back while appends keep coming: on a busy recorder that was two thirds of what the
 * agent allocated. Polling stats each file once a second in libuv's pool and calls back only for
 * files that changed, whatever the append rate (docs/BENCHMARKS.md, agent/memory).
 */
const DEFAULT_POLL_MS = 1_000;

/**
 * Follows every file matching the configured globs. chokidar watches each glob's base directory
 * (or its nearest existing ancestor) and reports paths to look at; every look goes through one
 * queue, so a file is never read by two steps at once and rotations are seen in order. A file is
 * known by its identity (device and inode), not its path: after a rename it is drained through
 * the handle already open, and its saved offset still applies.
 */
export class Tailer {
  private readonly globs: LogGlob[];
  private readonly logger: Logger;
  private readonly buffers: ReadBuffers;
  /** Each chunk's lines and the offset after them are kept together (OffsetStore.atomically). */
  private readonly atomically: (work: () => void) => void;
  private readonly byKey = new Map<string, TrackedFile>();
  private readonly byPath = new Map<string, TrackedFile>();
  private readonly watchers: Array<{ root: string; watcher: FSWatcher } | undefined> = [];
  private readonly dirty = new Set<string>();
  private chain: Promise<void> = Promise.resolve();
  private rescanQueued = false;
  private timer: NodeJS.Timeout | undefined;
  private dirtyTimer: NodeJS.Timeout | undefined;
  private firstStart = false;
  private started = false;
  private stopped = false;

  constructor(private readonly options: TailerOptions) {
    this.globs = options.files.map((file) => new LogGlob(file.glob));
    this.logger = options.logger ?? pino({ level: 'silent' });
    this.buffers = new ReadBuffers(options.chunkBytes ?? 1024 * 1024, options.maxLineBytes);
    const store = options.offsets;
    this.atomically = (work) => {
      if (store.atomically) store.atomically(work);
      else work();
    };
  }

  /** Resolves once every file already present has been positioned (and read, if from the beginning). */
  async start(): Promise<void> {
    if (this.started) throw new Error('tailer already started');
    this.started = true;
    this.firstStart = this.options.offsets.load(FIRST_START_KEY) === undefined;
    await Promise.all(this.globs.map((_, index) => this.ensureWatcher(index)));
    await this.run(async () => {
      for (const [index, glob] of this.globs.entries()) {
        for (const { path } of await glob.list()) {
          const file = this.byPath.get(path) ?? (await this.track(path, index, true));
          if (file) await this.pump(file);
        }
      }
      if (this.firstStart) this.options.offsets.save(FIRST_START_KEY, { path: '', offset: 0 });
    });
    this.timer = setInterval(() => this.requestRescan(), this.options.rescanMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    if (this.dirtyTimer) clearTimeout(this.dirtyTimer);
    // After the running step: it may be (re)creating a watcher.
    await this.chain;
    await Promise.all(this.watchers.map((entry) => entry?.watcher.close()));
    await Promise.all([...this.byKey.values()].map((file) => file.handle.close().catch(() => undefined)));
    this.byKey.clear();
    this.byPath.clear();
  }

  /** Schedules a full look at every glob and tracked file (also runs on a timer). */
  requestRescan(): void {
    if (this.rescanQueued || this.stopped) return;
    this.rescanQueued = true;
    void this.run(async () => {
      this.rescanQueued = false;
      await this.rescan();
    });
  }

  /** Every step runs after the previous one, so file state is never touched concurrently. */
  private run(step: () => Promise<void>): Promise<void> {
    const next = this.chain
      .then(async () => {
        if (!this.stopped) await step();
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'log tailing step failed'));
    this.chain = next;
    return next;
  }

  private markDirty(path: string): void {
    if (this.stopped) return;
    const schedule = this.dirty.size === 0;
    this.dirty.add(path);
    if (schedule) {
      this.dirtyTimer = setTimeout(() => {
        this.dirtyTimer = undefined;
        void this.run(async () => {
          const paths = [...this.dirty];
          this.dirty.clear();
          for (const dirtyPath of paths) await this.examine(dirtyPath);
        });
      }, this.options.coalesceMs ?? DEFAULT_COALESCE_MS);
    }
  }

  /** (Re)creates the watcher for a glob when the directory it should watch has changed. */
  private async ensureWatcher(index: number): Promise<void> {
    const mode = this.options.watch ?? 'poll';
    const pollMs = this.options.pollMs ?? DEFAULT_POLL_MS;
    if (mode === 'off') return;
    const glob = this.globs[index] as LogGlob;
    const root = await glob.existingAncestor();
    const current = this.watchers[index];
    if (current?.root === root || this.stopped) return;
    this.watchers[index] = undefined;
    await current?.watcher.close();
    const levelsToBase = posix.relative(root, glob.base).split('/').filter(Boolean).length;
    const watcher = watch(root, {
      ignoreInitial: true,
      ...(mode === 'poll' ? { usePolling: true, interval: pollMs, binaryInterval: pollMs } : {}),
      ...(glob.depth === undefined ? {} : { depth: levelsToBase + glob.depth }),
      ignored: (path: string) => !glob.mayLeadToMatch(path),
    });
    watcher.on('all', (event, path) => {
      if (event === 'addDir' || event === 'unlinkDir') this.requestRescan();
      else this.markDirty(toGlobPath(path));
    });
    watcher.on('error', (error) => this.logger.warn({ err: error, root }, 'watching log directory failed'));
    await new Promise<void>((resolve) => watcher.once('ready', () => resolve()));
    this.watchers[index] = { root, watcher };
    this.logger.debug({ glob: glob.pattern, root }, 'watching');
  }

  private async rescan(): Promise<void> {
    await Promise.all(this.globs.map((_, index) => this.ensureWatcher(index)));
    const listed = new Set<string>();
    for (const glob of this.globs) {
      for (const { path } of await glob.list()) {
        listed.add(path);
        await this.examine(path);
      }
    }
    for (const path of [...this.byPath.keys()]) if (!listed.has(path)) await this.examine(path);
    for (const file of [...this.byKey.values()]) if (file.retired) await this.drainRetired(file);
  }

  /** Looks at one path: rotation or deletion of what we followed there, a new file, new lines. */
  private async examine(path: string): Promise<void> {
    try {
      await this.examineOrThrow(path);
    } catch (error) {
      // One unreadable file must not stop the others from being followed.
      this.logger.warn({ err: error, path }, 'cannot read log file');
    }
  }

  private async examineOrThrow(path: string): Promise<void> {
    let stats: Stats | BigIntStats | undefined;
    try {
      stats = await statForIdentity(path);
    } catch {
      stats = undefined;
    }
    const key = stats && fileKeyOf(stats);
    const followed = this.byPath.get(path);
    if (followed && key !== followed.key) {
      // Renamed away (rotation) or deleted: read the rest through the open handle before anything new.
      this.byPath.delete(path);
      followed.retired = true;
      followed.lastGrowthAt = Date.now();
      this.logger.info({ path, key: followed.key }, 'log file rotated or removed; draining it');
      await this.pump(followed);
    }
    const globIndex = this.globs.findIndex((glob) => glob.matches(path));
    if (!stats?.isFile() || key === undefined || globIndex === -1) return;
    const known = this.byKey.get(key);
    // The size just stat'ed is that of the file we follow (same identity), so pump needs no fstat of its own.
    const file = known ? this.follow(known, path) : await this.track(path, globIndex, false);
    if (file) await this.pump(file, known ? Number(stats.size) : undefined);
  }

  /** A file we already know appeared at `path` (renamed into a watched name). */
  private follow(file: TrackedFile, path: string): TrackedFile {
    if (file.path !== path || file.retired) {
      if (this.byPath.get(file.path) === file) this.byPath.delete(file.path);
      this.logger.info({ from: file.path, to: path }, 'log file renamed; keeping its offset');
      file.path = path;
      file.retired = false;
    }
    this.byPath.set(path, file);
    return file;
  }

  private async track(path: string, globIndex: number, presentAtStart: boolean): Promise<TrackedFile | undefined> {
    let handle: FileHandle;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      this.logger.warn({ err: error, path }, 'cannot open log file');
      return undefined;
    }
    try {
      // Identity from the open handle: the path may have been replaced since it was stat'ed.
      const stats = await handle.stat({ bigint: true });
      const key = fileKeyOf(stats);
      const known = this.byKey.get(key);
      if (known) {
        await handle.close();
        return this.follow(known, path);
      }
      const file: TrackedFile = {
        path,
        key,
        handle,
        configuredEncoding: (this.options.files[globIndex] as TailedFileSpec).encoding,
        reader: undefined,
        start: { offset: 0, skipFirstLine: false },
        retired: false,
        lastGrowthAt: Date.now(),
      };
      file.start = await this.startingPoint(file, Number(stats.size), presentAtStart);
      this.byKey.set(key, file);
      this.byPath.set(path, file);
      return file;
    } catch (error) {
      await handle.close().catch(() => undefined);
      this.logger.warn({ err: error, path }, 'cannot follow log file');
      return undefined;
    }
  }

  private async startingPoint(file: TrackedFile, size: number, presentAtStart: boolean): Promise<TrackedFile['start']> {
    const saved = this.options.offsets.load(file.key);
    if (saved) {
      if (size >= saved.offset && size >= (saved.size ?? 0)) {
        if (saved.path !== file.path) this.logger.info({ from: saved.path, to: file.path }, 'log file was renamed while stopped; resuming');
        return { offset: saved.offset, skipFirstLine: false };
      }
      this.logger.info({ path: file.path, size, saved }, 'log file shrank while stopped (truncated or replaced); reading from the beginning');
      return { offset: 0, skipFirstLine: false };
    }
    if (!(presentAtStart && this.firstStart && this.options.startAt === 'end') || size === 0) return { offset: 0, skipFirstLine: false };
    // Skip what is there. A line still being written is skipped too, rather than read from its middle.
    const skipFirstLine = !(await this.endsWithNewline(file, size));
    this.options.offsets.save(file.key, { path: file.path, offset: size, size });
    return { offset: size, skipFirstLine };
  }

  private async endsWithNewline(file: TrackedFile, size: number): Promise<boolean> {
    const head = await readBytes(file.handle, 0, 3);
    const detected = detectEncoding(head, file.configuredEncoding);
    if (!detected || size <= detected.bomBytes) return true;
    const newline = NEWLINE_BYTES[detected.encoding];
    const tail = await readBytes(file.handle, size - newline, newline);
    return detected.encoding === 'utf8' ? tail[0] === 0x0a : size % 2 === 0 && tail[0] === 0x0a && tail[1] === 0;
  }

  /** The file's reader, created once its encoding can be told from its first bytes. */
  private async readerFor(file: TrackedFile): Promise<LineReader | undefined> {
    if (file.reader) return file.reader;
    const detected = detectEncoding(await readBytes(file.handle, 0, 3), file.configuredEncoding);
    if (!detected) return undefined;
    const offset = Math.max(file.start.offset, detected.bomBytes);
    file.reader = new LineReader(
      { encoding: detected.encoding, maxLineBytes: this.options.maxLineBytes },
      { offset, skipFirstLine: file.start.skipFirstLine && file.start.offset > detected.bomBytes },
    );
    return file.reader;
  }

  /**
   * Reads everything new in a file; returns the number of bytes read. `knownSize` is the file's
   * size from a stat taken just before, if there was one.
   */
  private async pump(file: TrackedFile, knownSize?: number): Promise<number> {
    let reader = await this.readerFor(file);
    if (!reader) return 0;
    const size = knownSize ?? (await file.handle.stat()).size;
    // Nothing new: several change events for one append, or lines already read by an earlier step.
    if (size === reader.position) return 0;
    if (size < reader.position) {
      this.logger.info({ path: file.path, size, position: reader.position }, 'log file truncated; reading from the beginning');
      file.reader = undefined;
      file.start = { offset: 0, skipFirstLine: false };
      reader = await this.readerFor(file);
      if (!reader) return 0;
    }
    const current = reader;
    const onBlock = (block: LineBlock) => this.options.onLines(block, file);
    const onCommit = (committed: number) => this.options.offsets.save(file.key, { path: file.path, offset: committed, size: current.position });
    let total = 0;
    try {
      for (;;) {
        const read = await current.pump(file.handle, this.buffers, onBlock, { onCommit, atomically: this.atomically, budget: TURN_BYTES });
        total += read;
        if (read < TURN_BYTES || this.stopped) break;
      }
    } catch (error) {
      current.rewind();
      this.logger.error({ err: error, path: file.path }, 'handing log lines over failed; they will be read again');
    }
    if (total > 0) file.lastGrowthAt = Date.now();
    return total;
  }

  /** A rotated or deleted file is read until it has been quiet for a rescan interval, then let go. */
  private async drainRetired(file: TrackedFile): Promise<void> {
    try {
      await this.drainRetiredOrThrow(file);
    } catch (error) {
      this.logger.warn({ err: error, path: file.path }, 'cannot finish reading a rotated log file');
      this.byKey.delete(file.key);
      await file.handle.close().catch(() => undefined);
    }
  }

  private async drainRetiredOrThrow(file: TrackedFile): Promise<void> {
    await this.pump(file);
    if (Date.now() - file.lastGrowthAt < this.options.rescanMs) return;
    const stats = await file.handle.stat({ bigint: true });
    // A deleted file's inode may be reused by a new file, which must then start from 0.
    const deleted = stats.nlink === 0n;
    const size = deleted ? 0 : Number(stats.size);
    const committedBefore = file.reader?.committed ?? file.start.offset;
    try {
      // Nobody will complete its last line now; it is kept together with the final offset or not at all.
      this.atomically(() => {
        file.reader?.finish((block) => this.options.onLines(block, file));
        this.options.offsets.save(file.key, { path: file.path, offset: deleted ? 0 : (file.reader?.committed ?? file.start.offset), size });
      });
    } catch (error) {
      this.logger.error({ err: error, path: file.path }, 'handing the last log line over failed');
      // The last line was not kept, so the offset stays before it.
      this.options.offsets.save(file.key, { path: file.path, offset: deleted ? 0 : committedBefore, size });
    }
    this.byKey.delete(file.key);
    await file.handle.close().catch(() => undefined);
    this.logger.debug({ path: file.path, deleted }, 'stopped following log file');
  }
}

/**
 * stat() without bigints when the identity fits in a double (the usual case: a BigIntStats is
 * some twenty BigInt objects, for every change event), with them when it does not, so large
 * Windows file indexes stay exact. fileKeyOf gives the same key either way.
 */
async function statForIdentity(path: string): Promise<Stats | BigIntStats> {
  const stats = await stat(path);
  if (Number.isSafeInteger(stats.ino) && Number.isSafeInteger(stats.dev)) return stats;
  return stat(path, { bigint: true });
}

async function readBytes(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await handle.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}
