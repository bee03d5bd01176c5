import { execFileSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { STRICT } from './system.js';

/**
 * A directory on a real small file system that a test can fill and free: a tmpfs the test mounts
 * (needs root, as in CI). `fill()` writes a filler file until the file system says ENOSPC;
 * `free()` deletes it. Only 127.0.0.1-style hygiene applies: a temp dir, unmounted by `close()`.
 */
export interface SmallDisk {
  readonly dir: string;
  fill(): void;
  free(): void;
  close(): void;
}

/** A mounted tmpfs of `sizeBytes`, or the reason none could be mounted (under VIGIL_STRICT=1 that throws). */
export function mountSmallDisk(sizeBytes: number): SmallDisk | string {
  // VIGIL_TEST_NO_TMPFS=1 tries the fallbacks on a machine that could mount one.
  if (process.env.VIGIL_TEST_NO_TMPFS === '1' && !STRICT) return 'VIGIL_TEST_NO_TMPFS=1';
  const dir = mkdtempSync(join(tmpdir(), 'vigil-small-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (error) {
    rmSync(dir, { recursive: true, force: true });
    const reason = `cannot mount a tmpfs (${(error as Error).message.split('\n')[0]})`;
    if (STRICT) throw new Error(`VIGIL_STRICT=1 needs a real small file system: ${reason}; run the tests as root`);
    return reason;
  }
  const filler = join(dir, 'filler');
  return {
    dir,
    fill() {
      const fd = openSync(filler, 'a');
      try {
        // Large blocks first, then small ones, so what is left is less than one page.
        for (const size of [256 * 1024, 4096, 512]) {
          const block = Buffer.alloc(size, 1);
          for (;;) {
            try {
              writeSync(fd, block);
            } catch (error) {
              if ((error as NodeJS.ErrnoException).code === 'ENOSPC') break;
              throw error;
            }
          }
        }
      } finally {
        closeSync(fd);
      }
    },
    free() {
      rmSync(filler, { force: true });
    },
    close() {
      execFileSync('umount', [dir], { stdio: 'pipe' });
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
