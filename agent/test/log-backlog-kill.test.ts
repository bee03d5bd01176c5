import { type ChildProcess, spawn } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { FleetPki } from '@vigil/proto/pki';
import { FIRST_START_KEY } from '../src/collectors/logs/offsets.js';

const VIGIL = join(resolve(import.meta.dirname, '..', '..'), 'cli', 'bin', 'vigil.js');
const LINES = 20_000;
const KILLS = 3;
/** Lines of about 230 bytes: the backlog spans several 1 MiB read chunks, so kills land between and inside them. */
const PADDING = 'x'.repeat(160);

/** A port nothing listens on: the agent keeps everything in its spool. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

async function waitFor<T>(what: string, probe: () => T, done: (value: T) => boolean, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Issue 12, first defect: the spool committed each observation while the log offset moved only
 * after a whole chunk, so a SIGKILL in between made the restarted agent spool those lines again.
 * A real agent process, no broker, a real log file with a backlog of uniquely numbered lines,
 * killed three times while it reads them: afterwards the spool holds every line exactly once.
 */
describe('a real agent SIGKILLed while it reads a log backlog', () => {
  let dir: string;
  let config: string;
  let logFile: string;
  let spoolPath: string;
  const running = new Set<ChildProcess>();

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-backlog-kill-'));
    const pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    await pki.issueDevice('rec-backlog');
    mkdirSync(join(dir, 'logs'));
    logFile = join(dir, 'logs', 'RecordingServer.log');
    writeFileSync(logFile, '');
    spoolPath = join(dir, 'data', 'spool.db');
    config = join(dir, 'agent.yaml');
    writeFileSync(
      config,
      stringify({
        recorderId: 'rec-backlog',
        broker: { url: `mqtts://127.0.0.1:${await closedPort()}` },
        bundleDir: pki.device('rec-backlog').dir,
        dataDir: join(dir, 'data'),
        // A large spool: nothing may be dropped for room, so every missing or doubled line is the defect's.
        spool: { maxMegabytes: 512 },
        logs: { files: [{ glob: `${dir.replaceAll('\\', '/')}/logs/*.log` }], presets: ['milestone-xprotect'], rescanSeconds: 1 },
        inventory: { installation: { slc: 'SLC-1' }, site: { id: 'site-1' } },
      }),
    );
  });

  afterAll(() => {
    for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  interface Spooled {
    /** Occurrences of numbered lines, each counted as often as it was spooled. */
    occurrences: number;
    distinct: number;
    doubled: number;
    firstStartDone: boolean;
  }
  const EMPTY: Spooled = { occurrences: 0, distinct: 0, doubled: 0, firstStartDone: false };

  /**
   * What the spool holds per line number, read from its SQLite file while the agent writes it;
   * undefined when the file is busy for a moment (a restarted agent recovering its WAL).
   * A line spooled twice while unsent folds into its first entry (count 2), so counts are summed.
   */
  function spooled(): Spooled | undefined {
    let db: Database.Database;
    try {
      db = new Database(spoolPath, { readonly: true, fileMustExist: true });
    } catch {
      return EMPTY;
    }
    try {
      // The agent creates the tables right after the file; until then there is nothing to count.
      const hasTables = db.prepare(`SELECT COUNT(*) AS n FROM sqlite_master WHERE name IN ('entries', 'log_offsets')`).get() as { n: number };
      if (hasTables.n < 2) return EMPTY;
      const counts = db
        .prepare(
          `SELECT json_extract(body, '$.subject') AS subject, SUM(json_extract(body, '$.count')) AS n FROM entries WHERE kind = 'event' GROUP BY subject`,
        )
        .all() as Array<{ subject: string; n: number }>;
      const firstStartDone = db.prepare('SELECT 1 FROM log_offsets WHERE file_key = ?').get(FIRST_START_KEY) !== undefined;
      return {
        occurrences: counts.reduce((sum, row) => sum + row.n, 0),
        distinct: counts.length,
        doubled: counts.filter((row) => row.n > 1).length,
        firstStartDone,
      };
    } catch (error) {
      if (String((error as { code?: unknown }).code).startsWith('SQLITE_BUSY')) return undefined;
      throw error;
    } finally {
      db.close();
    }
  }

  function startAgent(): { child: ChildProcess; exited: Promise<void> } {
    const child = spawn(process.execPath, [VIGIL, 'agent', '--config', config], {
      env: { ...process.env, VIGIL_LOG_LEVEL: 'warn', VIGIL_RECORDER_ID: '', VIGIL_BROKER_URL: '', VIGIL_AGENT_DATA_DIR: '' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    running.add(child);
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    return { child, exited };
  }

  it(`spools each of ${LINES} lines exactly once across ${KILLS} kills`, async () => {
    const first = startAgent();
    // The first start skips what a file already holds; the backlog must come after it.
    await waitFor('the agent to follow the log file', spooled, (s) => s?.firstStartDone === true, 60_000);
    const backlog: string[] = [];
    for (let i = 1; i <= LINES; i++) {
      const id = String(i).padStart(6, '0');
      backlog.push(`2024-05-01 10:00:00.000+02:00 [   41] ERROR      - Archive file move error: 'line-${id}' ${PADDING}\r\n`);
    }
    appendFileSync(logFile, backlog.join(''));

    const atKills: number[] = [];
    let agent = first;
    let before = 0;
    for (let kill = 0; kill < KILLS; kill++) {
      // Kill once the agent has spooled a few thousand more; if it finished first, the kill still happens.
      const now = await waitFor(
        'the agent to spool part of the backlog',
        spooled,
        (s) => s !== undefined && s.occurrences >= Math.min(before + 2_500, LINES),
        60_000,
      );
      agent.child.kill('SIGKILL');
      await agent.exited;
      before = now?.occurrences ?? before;
      atKills.push(before);
      agent = startAgent();
    }
    await waitFor('every line spooled', spooled, (s) => s !== undefined && s.distinct >= LINES, 120_000);
    // Lines are read in file order, so once the last one is spooled every re-read one would be too.
    agent.child.kill('SIGKILL');
    await agent.exited;
    const after = await waitFor('the spool to be readable', spooled, (s) => s !== undefined, 20_000);
    console.log(
      `log backlog kill: ${LINES} lines, spool held ${atKills.join(', ')} of them at the ${KILLS} kills; at the end ${after?.occurrences} occurrences of ${after?.distinct} distinct lines, ${after?.doubled} lines doubled`,
    );
    expect(after).toMatchObject({ occurrences: LINES, distinct: LINES, doubled: 0 });
  }, 300_000);
});
