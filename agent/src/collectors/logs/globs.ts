import type { Dirent } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { dirname, posix, sep } from 'node:path';
import picomatch from 'picomatch';

const onWindows = sep === '\\';

/** Globs and the paths matched against them use forward slashes on every platform. */
export function toGlobPath(path: string): string {
  return onWindows ? path.replaceAll('\\', '/') : path;
}

export interface MatchedFile {
  path: string;
  size: number;
}

/**
 * One configured glob: where its files can be (the static base directory and how deep below it),
 * whether a path matches, and a plain directory walk to list its files without any watcher.
 */
export class LogGlob {
  /** The directory part before the first glob character. */
  readonly base: string;
  /** How many directory levels below `base` a match can be; undefined with ** (any depth). */
  readonly depth: number | undefined;
  private readonly isMatch: (path: string) => boolean;

  constructor(readonly pattern: string) {
    const scanned = picomatch.scan(pattern);
    // Without glob characters the pattern is one file, and its directory is the base.
    const base = scanned.isGlob ? scanned.base : posix.dirname(pattern);
    const rest = scanned.isGlob ? scanned.glob : posix.basename(pattern);
    this.base = base === '' ? '/' : base;
    // Braces may hide slashes ({a,b/c}), so count them as unbounded like **.
    this.depth = rest.includes('**') || rest.includes('{') ? undefined : rest.split('/').length - 1;
    this.isMatch = picomatch(pattern, { nocase: onWindows });
  }

  matches(path: string): boolean {
    return this.isMatch(toGlobPath(path));
  }

  /** False for paths that cannot be, or lead to, a match; used to keep the watcher small. */
  mayLeadToMatch(path: string): boolean {
    const candidate = normalizeCase(toGlobPath(path));
    const base = normalizeCase(this.base);
    if (isSameOrInside(base, candidate)) return true;
    if (!isSameOrInside(candidate, base)) return false;
    if (this.depth === undefined) return true;
    const below = candidate.slice(base.length).split('/').filter(Boolean).length;
    return below <= this.depth + 1;
  }

  /** The nearest directory that exists on the way to `base` (the base itself once it exists). */
  async existingAncestor(): Promise<string> {
    let directory = this.base;
    for (;;) {
      try {
        if ((await stat(directory)).isDirectory()) return directory;
      } catch {
        // Not there yet; try its parent.
      }
      const parent = toGlobPath(dirname(directory));
      if (parent === directory) return directory;
      directory = parent;
    }
  }

  /** Files matching now, found by walking the base directory (not through the watcher). */
  async list(): Promise<MatchedFile[]> {
    const found: MatchedFile[] = [];
    await this.walk(this.base, 0, found);
    // By code unit, not localeCompare: the same order on every host whatever its locale, and no
    // ICU collation data paged in (about 2 MB of resident memory) for a sort of file names.
    return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  private async walk(directory: string, level: number, found: MatchedFile[]): Promise<void> {
    let entries: Dirent[];
    try {
      entries = await readdir(directory, { withFileTypes: true });
    } catch {
      return; // Missing or unreadable: nothing to list there (yet).
    }
    for (const entry of entries) {
      const path = directory.endsWith('/') ? directory + entry.name : `${directory}/${entry.name}`;
      if (entry.isDirectory()) {
        if (this.depth === undefined || level < this.depth) await this.walk(path, level + 1, found);
      } else if ((entry.isFile() || entry.isSymbolicLink()) && this.matches(path)) {
        try {
          const stats = await stat(path);
          if (stats.isFile()) found.push({ path, size: stats.size });
        } catch {
          // Vanished between readdir and stat.
        }
      }
    }
  }
}

/** Whether `path` is `directory` or somewhere below it. */
function isSameOrInside(path: string, directory: string): boolean {
  if (path === directory) return true;
  const prefix = directory.endsWith('/') ? directory : `${directory}/`;
  return path.startsWith(prefix);
}

function normalizeCase(path: string): string {
  return onWindows ? path.toLowerCase() : path;
}
