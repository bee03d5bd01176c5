/**
 * Where each log file was read up to, so a restart resumes instead of re-reading or skipping.
 * Keyed by file identity (`${dev}:${ino}`), not path, so a rotated (renamed) file keeps its
 * place. The tailer also keeps one marker entry (FIRST_START_KEY) to know whether it has ever
 * run, because `startAt` applies only to files present at the very first start.
 */
export interface SavedOffset {
  /** The path the file had when saved (for humans and logs; identity is the key). */
  path: string;
  /** Resume here: the first byte after the last line whose observations were emitted. */
  offset: number;
  /** The file size when saved; a smaller file later means it was truncated or replaced. */
  size?: number;
}

export interface OffsetStore {
  load(fileKey: string): SavedOffset | undefined;
  save(fileKey: string, saved: SavedOffset): void;
  /**
   * Runs `work` (synchronous) so that everything it commits lands together or not at all. The
   * tailer hands over each chunk's lines and saves the offset after them inside one call, so a
   * store that also keeps what the lines became (the spool) never holds one without the other:
   * after a kill the lines are neither lost nor spooled twice. If `work` throws, nothing it did is
   * kept and the error is thrown on. Without it, each save stands alone (tests, `vigil agent check`).
   */
  atomically?<T>(work: () => T): T;
}

export const FIRST_START_KEY = 'logs:first-start-done';

export class MemoryOffsetStore implements OffsetStore {
  private readonly saved = new Map<string, SavedOffset>();

  load(fileKey: string): SavedOffset | undefined {
    const saved = this.saved.get(fileKey);
    return saved && { ...saved };
  }

  save(fileKey: string, saved: SavedOffset): void {
    this.saved.set(fileKey, { ...saved });
  }

  /** Everything saved, for tests and diagnostics. */
  entries(): Array<[string, SavedOffset]> {
    return [...this.saved].map(([key, saved]) => [key, { ...saved }]);
  }
}

/** A file's identity; bigint stats keep large Windows file indexes exact. */
export function fileKeyOf(stats: { dev: bigint | number; ino: bigint | number }): string {
  return `${stats.dev}:${stats.ino}`;
}
