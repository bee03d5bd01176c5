import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { GroupCommit } from '../src/pipeline/group-commit.js';

describe('group commit on a real SQLite file', () => {
  const dirs: string[] = [];
  const open: Database.Database[] = [];
  afterEach(() => {
    for (const db of open.splice(0)) db.close();
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  /** The writer, and a second connection that sees only what is committed (as the dashboard does). */
  const databases = () => {
    const dir = mkdtempSync(join(tmpdir(), 'vigil-group-'));
    dirs.push(dir);
    const writer = new Database(join(dir, 'fleet.db'));
    writer.pragma('journal_mode = WAL');
    writer.exec('CREATE TABLE messages (n INTEGER PRIMARY KEY)');
    const reader = new Database(join(dir, 'fleet.db'), { readonly: true });
    open.push(writer, reader);
    const committed = () => reader.prepare('SELECT COUNT(*) FROM messages').pluck().get() as number;
    return { writer, committed };
  };

  it('commits at maxMessages; a message that throws rolls back alone and its actions never run', () => {
    const { writer, committed } = databases();
    const commits: number[] = [];
    const group = new GroupCommit(writer, { maxMessages: 4, maxDelayMs: 60_000, onCommitted: (n) => commits.push(n) });
    const insert = writer.prepare('INSERT INTO messages (n) VALUES (?)');
    const ran: string[] = [];
    for (let n = 1; n <= 3; n++) {
      group.apply(() => {
        insert.run(n);
        group.later(() => ran.push(`ack ${n}`));
      });
    }
    expect(() =>
      group.apply(() => {
        insert.run(99);
        group.later(() => ran.push('ack 99'));
        throw new Error('bad message');
      }),
    ).toThrow('bad message');
    // Applied, visible to the writer, but nothing committed and nothing told.
    expect(writer.prepare('SELECT COUNT(*) FROM messages').pluck().get()).toBe(3);
    expect(committed()).toBe(0);
    expect(ran).toEqual([]);
    group.apply(() => {
      insert.run(4);
      group.later(() => ran.push('ack 4'));
    });
    expect(commits).toEqual([4]);
    expect(committed()).toBe(4);
    expect(writer.prepare('SELECT n FROM messages ORDER BY n').pluck().all()).toEqual([1, 2, 3, 4]);
    expect(ran).toEqual(['ack 1', 'ack 2', 'ack 3', 'ack 4']);
  });

  it('a message that fails in a group without savepoints: the group is rolled back in SQLite and in memory, and the others are applied again and committed', () => {
    const { writer, committed } = databases();
    const commits: number[] = [];
    let rolledBack = 0;
    const group = new GroupCommit(writer, { maxMessages: 100, maxDelayMs: 60_000, onCommitted: (n) => commits.push(n), onRolledBack: () => rolledBack++ });
    // A constraint the poison message breaks, as a full disk or a bad row would.
    writer.exec("CREATE TRIGGER no_poison BEFORE INSERT ON messages WHEN NEW.n = 13 BEGIN SELECT RAISE(ABORT, 'poison'); END");
    const insert = writer.prepare('INSERT INTO messages (n) VALUES (?)');
    /** In-memory state beside the rows, changed by each message with its undo recorded. */
    const seen: number[] = [];
    const ran: string[] = [];
    let applications = 0;
    const message = (n: number) => () => {
      applications++;
      seen.push(n);
      group.undo.record(() => seen.pop());
      insert.run(n);
      group.later(() => ran.push(`ack ${n}`));
    };
    group.apply(message(1));
    group.apply(message(2));
    expect(applications).toBe(2);
    expect(() => group.apply(message(13))).toThrow('poison');
    // 1 and 2 applied again (each in a savepoint now), 13 not; memory matches the rows.
    expect(applications).toBe(5);
    expect(rolledBack).toBe(1);
    expect(seen).toEqual([1, 2]);
    expect(writer.prepare('SELECT n FROM messages ORDER BY n').pluck().all()).toEqual([1, 2]);
    expect(committed()).toBe(0);
    // The rest of this group runs in savepoints: a second failure rolls back only itself.
    group.apply(message(3));
    expect(() => group.apply(message(13))).toThrow('poison');
    expect(seen).toEqual([1, 2, 3]);
    expect(rolledBack).toBe(1);
    group.commit();
    expect(commits).toEqual([3]);
    expect(committed()).toBe(3);
    expect(ran).toEqual(['ack 1', 'ack 2', 'ack 3']);
    // The next group is optimistic again, and its undo log starts empty.
    group.apply(message(4));
    group.commit();
    expect(writer.prepare('SELECT n FROM messages ORDER BY n').pluck().all()).toEqual([1, 2, 3, 4]);
    expect(seen).toEqual([1, 2, 3, 4]);
    expect(ran.at(-1)).toBe('ack 4');
  });

  it('commits maxDelayMs after the group opened, and later() outside a group runs at once', async () => {
    const { writer, committed } = databases();
    const group = new GroupCommit(writer, { maxMessages: 1_000, maxDelayMs: 30 });
    const ran: string[] = [];
    group.apply(() => {
      writer.prepare('INSERT INTO messages (n) VALUES (1)').run();
      group.later(() => ran.push('state published'));
    });
    group.later(() => ran.push('after the group'));
    expect(committed()).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(committed()).toBe(1);
    expect(ran).toEqual(['state published', 'after the group']);
    expect(writer.inTransaction).toBe(false);
    group.later(() => ran.push('now'));
    expect(ran.at(-1)).toBe('now');
  });
});
