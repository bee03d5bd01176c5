import { appendFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { BackupError, type BackupManifest, backupDataDir, restoreDataDir } from '../src/backup.js';

/** `vigil backup` and `vigil restore` on a small data directory: what they copy, and what they refuse. */

const dir = mkdtempSync(join(tmpdir(), 'vigil-backup-unit-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function dataDir(name: string): string {
  const data = join(dir, name);
  mkdirSync(join(data, 'pki'), { recursive: true, mode: 0o700 });
  writeFileSync(join(data, 'pki', 'envelope.key'), 'secret', { mode: 0o600 });
  writeFileSync(join(data, 'pki', 'enrollment.json.lock'), '');
  const db = new Database(join(data, 'fleet.db'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE t (n INTEGER)');
  db.prepare('INSERT INTO t VALUES (?)').run(1);
  // Left open: its last insert is in fleet.db-wal only, as in a live fleet.
  return data;
}

describe('vigil backup', () => {
  it('snapshots a live WAL database whole, keeps modes, leaves WAL and lock files out', async () => {
    const data = dataDir('live');
    const writer = new Database(join(data, 'fleet.db'));
    writer.prepare('INSERT INTO t VALUES (?)').run(2);
    expect(existsSync(join(data, 'fleet.db-wal'))).toBe(true);
    const manifest = await backupDataDir(data, join(dir, 'live-backup'));
    writer.close();
    expect(manifest.files.map((f) => [f.path, f.kind, f.mode])).toEqual([
      ['fleet.db', 'sqlite', (statSync(join(data, 'fleet.db')).mode & 0o777).toString(8)],
      ['pki/envelope.key', 'file', '600'],
    ]);
    const copy = new Database(join(dir, 'live-backup', 'fleet.db'), { readonly: true });
    expect(copy.prepare('SELECT n FROM t ORDER BY n').pluck().all()).toEqual([1, 2]);
    copy.close();
    expect(statSync(join(dir, 'live-backup')).mode & 0o777).toBe(0o700);
    expect(statSync(join(dir, 'live-backup', 'pki')).mode & 0o777).toBe(0o700);
  });

  it("refuses a target that is not empty, one inside the data directory, and a directory that is not Vigil's", async () => {
    const data = dataDir('refusals');
    mkdirSync(join(dir, 'full'));
    writeFileSync(join(dir, 'full', 'x'), '');
    await expect(backupDataDir(data, join(dir, 'full'))).rejects.toThrow(/--to .*full is not empty/);
    await expect(backupDataDir(data, join(data, 'backup'))).rejects.toThrow(/inside the data directory/);
    mkdirSync(join(dir, 'other'));
    await expect(backupDataDir(join(dir, 'other'), join(dir, 'x'))).rejects.toThrow(/not a Vigil data directory/);
    await expect(backupDataDir(join(dir, 'missing'), join(dir, 'y'))).rejects.toBeInstanceOf(BackupError);
  });
});

describe('vigil restore', () => {
  it('copies a sound backup into a new directory with its modes', async () => {
    const data = dataDir('sound');
    await backupDataDir(data, join(dir, 'sound-backup'));
    const { problems } = restoreDataDir(join(dir, 'sound-backup'), join(dir, 'sound-restored'));
    expect(problems).toEqual([]);
    expect(statSync(join(dir, 'sound-restored', 'pki', 'envelope.key')).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'sound-restored', 'pki')).mode & 0o777).toBe(0o700);
    expect(readFileSync(join(dir, 'sound-restored', 'pki', 'envelope.key'), 'utf8')).toBe('secret');
    expect(() => restoreDataDir(join(dir, 'sound-backup'), join(dir, 'sound-restored'))).toThrow(/is not empty/);
  });

  it('writes nothing when a file differs from the manifest, a database is damaged, or a path leads outside', async () => {
    const data = dataDir('damaged');
    const backup = join(dir, 'damaged-backup');
    await backupDataDir(data, backup);
    appendFileSync(join(backup, 'pki', 'envelope.key'), 'x');
    const db = readFileSync(join(backup, 'fleet.db'));
    db.fill(0x55, 100, 4096);
    writeFileSync(join(backup, 'fleet.db'), db);
    const { problems } = restoreDataDir(backup, join(dir, 'damaged-restored'));
    expect(problems.join('\n')).toMatch(/pki\/envelope.key has 7 bytes, the manifest says 6/);
    expect(problems.join('\n')).toMatch(/fleet.db (fails SQLite's integrity check|cannot be read as SQLite)/);
    expect(existsSync(join(dir, 'damaged-restored'))).toBe(false);

    const manifest = JSON.parse(readFileSync(join(backup, 'vigil-backup.json'), 'utf8')) as BackupManifest;
    manifest.files[0]!.path = '../escaped';
    writeFileSync(join(backup, 'vigil-backup.json'), JSON.stringify(manifest));
    expect(restoreDataDir(backup, join(dir, 'damaged-restored')).problems).toEqual(['../escaped leads outside the data directory']);
    expect(() => restoreDataDir(join(dir, 'sound'), join(dir, 'z'))).toThrow(/has no vigil-backup.json/);
  });
});
