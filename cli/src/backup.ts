import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import Database from 'better-sqlite3';

/** Written at the top of every backup; `vigil restore` reads it. */
export const MANIFEST = 'vigil-backup.json';
const MANIFEST_FORMAT = 1;

export interface BackupFile {
  /** Relative to the data directory, with forward slashes. */
  path: string;
  /** `sqlite`: copied through SQLite's backup API (a consistent snapshot); `file`: copied as is. */
  kind: 'sqlite' | 'file';
  bytes: number;
  /** Permission bits in octal, kept in the copy (private keys "600"). */
  mode: string;
}

export interface BackupManifest {
  format: number;
  vigilVersion: string;
  /** ISO time the backup began; each database is a snapshot from between this and `finishedAt`. */
  startedAt: string;
  finishedAt: string;
  source: string;
  files: BackupFile[];
  /** Directories with their permission bits (pki/ is 0700). */
  directories: Array<{ path: string; mode: string }>;
  totalBytes: number;
}

/** A refusal the operator can act on: printed as "vigil: <message>", nothing half written. */
export class BackupError extends Error {}

const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');
/** SQLite's companions of a live database: their content is in the snapshot, copying them would be wrong. */
const SQLITE_COMPANION = /-(wal|shm|journal)$/;
/** enrollment.json's writers' lock: a lock restored with the data would make the next writer wait for it. */
const LOCK_FILE = /\.lock$/;

function isSqlite(path: string): boolean {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.alloc(SQLITE_HEADER.length);
    return readSync(fd, head, 0, head.length, 0) === head.length && head.equals(SQLITE_HEADER);
  } finally {
    closeSync(fd);
  }
}

function vigilVersion(): string {
  const pkg = JSON.parse(readFileSync(join(import.meta.dirname, '..', 'package.json'), 'utf8')) as { version: string };
  return pkg.version;
}

/** A target that does not exist, or an empty directory; anything else is refused (never mixed with other files). */
function checkEmptyTarget(target: string, what: string): void {
  if (!existsSync(target)) return;
  if (!statSync(target).isDirectory()) throw new BackupError(`${what} ${target} exists and is not a directory: name a new directory`);
  if (readdirSync(target).length > 0) throw new BackupError(`${what} ${target} is not empty: name a new or empty directory (nothing was written)`);
}

const octal = (mode: number) => mode.toString(8);
/** A mode from the manifest; anything unreadable becomes owner-only, never wider. */
const modeOf = (text: string) => (/^[0-7]{1,4}$/.test(text) ? Number.parseInt(text, 8) & 0o777 : 0o600);

const inside = (child: string, parent: string) => child === parent || child.startsWith(parent.endsWith(sep) ? parent : parent + sep);

/**
 * Copies a database through SQLite's online backup API from a read-only connection: a consistent
 * snapshot while the ingestor or dashboard keeps writing (WAL lets us read beside them). The first
 * step only measures; the second copies every page in one step, under one read transaction, so a
 * writer can make it start over at most once (page by page, a busy fleet.db would restart it forever).
 */
async function snapshotDatabase(from: string, to: string): Promise<void> {
  const db = new Database(from, { readonly: true, fileMustExist: true });
  try {
    db.pragma('busy_timeout = 10000');
    await db.backup(to, { progress: () => 0x7fffffff });
  } finally {
    db.close();
  }
}

interface Entry {
  path: string;
  absolute: string;
  mode: number;
  directory: boolean;
}

function walk(root: string, skip: (absolute: string) => boolean): Entry[] {
  const entries: Entry[] = [];
  const visit = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const absolute = join(dir, name);
      if (skip(absolute)) continue;
      const stat = statSync(absolute);
      const path = relative(root, absolute).split(sep).join('/');
      if (stat.isDirectory()) {
        entries.push({ path, absolute, mode: stat.mode & 0o777, directory: true });
        visit(absolute);
      } else if (stat.isFile()) {
        entries.push({ path, absolute, mode: stat.mode & 0o777, directory: false });
      }
    }
  };
  visit(root);
  return entries;
}

/**
 * `vigil backup`: every SQLite database of the data directory (fleet.db, telemetry.db,
 * dashboard.db, alerts.db, the demo agents' spools) through SQLite's backup API, every other file
 * (pki/, demo/) copied with its permission bits, and a manifest. Online: the fleet keeps running.
 */
export async function backupDataDir(dataDir: string, to: string, now: () => Date = () => new Date()): Promise<BackupManifest> {
  const source = resolve(dataDir);
  const target = resolve(to);
  if (!existsSync(source) || !statSync(source).isDirectory())
    throw new BackupError(`--data-dir ${source} does not exist: name the data directory the fleet runs on`);
  if (!existsSync(join(source, 'pki')) && !existsSync(join(source, 'fleet.db'))) {
    throw new BackupError(`--data-dir ${source} holds neither pki/ nor fleet.db: it is not a Vigil data directory`);
  }
  if (inside(target, source)) throw new BackupError(`--to ${target} is inside the data directory ${source}: put the backup somewhere else`);
  checkEmptyTarget(target, '--to');

  const startedAt = now();
  const entries = walk(source, (absolute) => SQLITE_COMPANION.test(absolute) || LOCK_FILE.test(absolute));
  mkdirSync(target, { recursive: true, mode: 0o700 });
  chmodSync(target, 0o700);
  const files: BackupFile[] = [];
  const directories: BackupManifest['directories'] = [];
  try {
    for (const entry of entries) {
      const out = join(target, entry.path);
      if (entry.directory) {
        mkdirSync(out, { recursive: true, mode: entry.mode });
        chmodSync(out, entry.mode);
        directories.push({ path: entry.path, mode: octal(entry.mode) });
        continue;
      }
      // A file may go away while we walk (a spent marker replaced, a temp file renamed): skip it.
      if (!existsSync(entry.absolute)) continue;
      const kind = isSqlite(entry.absolute) ? 'sqlite' : 'file';
      if (kind === 'sqlite') await snapshotDatabase(entry.absolute, out);
      else copyFileSync(entry.absolute, out);
      chmodSync(out, entry.mode);
      files.push({ path: entry.path, kind, bytes: statSync(out).size, mode: octal(entry.mode) });
    }
  } catch (error) {
    // A half-made backup must not pass for one: the next try starts from an empty target.
    rmSync(target, { recursive: true, force: true });
    throw error;
  }
  const manifest: BackupManifest = {
    format: MANIFEST_FORMAT,
    vigilVersion: vigilVersion(),
    startedAt: startedAt.toISOString(),
    finishedAt: now().toISOString(),
    source,
    files,
    directories,
    totalBytes: files.reduce((sum, file) => sum + file.bytes, 0),
  };
  writeFileSync(join(target, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`, { mode: 0o600 });
  return manifest;
}

function readManifest(backup: string): BackupManifest {
  const path = join(backup, MANIFEST);
  if (!existsSync(path)) throw new BackupError(`--from ${backup} has no ${MANIFEST}: it is not a backup made by "vigil backup"`);
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest;
  } catch (error) {
    throw new BackupError(`${path} is not valid JSON (${(error as Error).message}): the backup is damaged`);
  }
  if (manifest.format !== MANIFEST_FORMAT || !Array.isArray(manifest.files)) {
    throw new BackupError(`${path} has format ${String(manifest.format)}; this vigil reads format ${MANIFEST_FORMAT}`);
  }
  return manifest;
}

/**
 * `vigil restore`: checks the backup against its manifest (every file there, of its size, every
 * database passing SQLite's integrity check) before it writes anything, then copies it into a new
 * data directory with the permission bits it had. Start the fleet on that directory afterwards.
 */
export function restoreDataDir(from: string, dataDir: string): { manifest: BackupManifest; problems: string[] } {
  const backup = resolve(from);
  const target = resolve(dataDir);
  const manifest = readManifest(backup);
  checkEmptyTarget(target, '--data-dir');
  const problems: string[] = [];
  for (const entry of [...manifest.files, ...manifest.directories]) {
    // A manifest edited to write outside the new data directory is refused before anything is written.
    if (typeof entry.path !== 'string' || !inside(resolve(target, entry.path), target)) problems.push(`${String(entry.path)} leads outside the data directory`);
  }
  if (problems.length > 0) return { manifest, problems };
  for (const file of manifest.files) {
    const path = join(backup, file.path);
    if (!existsSync(path)) {
      problems.push(`${file.path} is missing`);
      continue;
    }
    const bytes = statSync(path).size;
    if (bytes !== file.bytes) problems.push(`${file.path} has ${bytes} bytes, the manifest says ${file.bytes}`);
    if (file.kind === 'sqlite') {
      const db = new Database(path, { readonly: true, fileMustExist: true });
      try {
        const result = db.pragma('integrity_check', { simple: true });
        if (result !== 'ok') problems.push(`${file.path} fails SQLite's integrity check: ${String(result)}`);
      } catch (error) {
        problems.push(`${file.path} cannot be read as SQLite: ${(error as Error).message}`);
      } finally {
        db.close();
      }
    }
  }
  if (problems.length > 0) return { manifest, problems };
  mkdirSync(target, { recursive: true, mode: 0o700 });
  for (const dir of manifest.directories) {
    mkdirSync(join(target, dir.path), { recursive: true, mode: 0o700 });
    chmodSync(join(target, dir.path), modeOf(dir.mode));
  }
  for (const file of manifest.files) {
    const out = join(target, file.path);
    mkdirSync(dirname(out), { recursive: true, mode: 0o700 });
    copyFileSync(join(backup, file.path), out);
    chmodSync(out, modeOf(file.mode));
  }
  return { manifest, problems };
}
