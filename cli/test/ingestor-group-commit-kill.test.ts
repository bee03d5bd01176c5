import { spawn, type ChildProcess } from 'node:child_process';
import type { EventEmitter } from 'node:events';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Agent, EventOccurrence } from '@vigil/agent';
import { startHarness, waitFor, type Harness } from './support/harness.js';

const VIGIL = resolve(import.meta.dirname, '..', 'bin', 'vigil.js');

const event = (subject: string, at: number): EventOccurrence => ({
  kind: 'event',
  code: 'file-delete-failed',
  subject,
  firstSeen: at,
  lastSeen: at,
  count: 1,
  severity: 'warning',
  message: `could not delete ${subject}`,
});

/**
 * `vigil ingestor` as a child process with long message groups (1.5 s, no size limit), so a SIGKILL
 * almost always finds a group open that holds data batches already PUBACKed to the broker.
 */
describe('ingestor killed with SIGKILL while message groups are open', () => {
  let harness: Harness;
  let ingestor: ChildProcess | undefined;
  beforeAll(async () => {
    harness = await startHarness();
    // The child ingestor takes over the in-process one's identity and persistent session.
    await harness.ingestor.close();
  });
  afterAll(async () => {
    if (ingestor && ingestor.exitCode === null && ingestor.signalCode === null) await kill(ingestor);
    await harness?.close();
  });

  const start = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, VIGIL_LOG_LEVEL: 'warn', VIGIL_INGESTOR_GROUP_MS: '1500', VIGIL_INGESTOR_GROUP_MESSAGES: '100000' };
    for (const name of Object.keys(env)) if (name.startsWith('VIGIL_INFLUX_')) delete env[name]; // the embedded SQLite store
    return spawn(process.execPath, [VIGIL, 'ingestor', '--data-dir', harness.dir, '--broker-url', harness.brokerUrl, '--metrics-port', '0'], {
      env,
      stdio: 'inherit',
    });
  };
  const kill = async (child: ChildProcess) => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
  };
  /** What is committed, read as the dashboard reads it: another connection to fleet.db. */
  const committed = <T>(sql: string, ...params: unknown[]): T => {
    const db = new Database(join(harness.dir, 'fleet.db'), { readonly: true, fileMustExist: true });
    try {
      return db.prepare(sql).get(...params) as T;
    } catch {
      return undefined as T; // the ingestor has not created its tables yet
    } finally {
      db.close();
    }
  };
  /**
   * Kills the ingestor from inside the broker, at the moment the broker takes the ingestor's PUBACK
   * of a message on a topic that `matches`; resolves with that topic once the process has exited.
   */
  const killOnPuback = (matches: (topic: string) => boolean): Promise<string> => {
    const child = ingestor!;
    const exited = new Promise((r) => child.once('exit', r));
    // aedes emits 'ack' once a subscriber's PUBACK has cleared the message from its session.
    const aedes = harness.broker.aedes as unknown as EventEmitter;
    return new Promise((resolveTopic) => {
      const onAck = (packet: { topic?: string } | undefined, client: { id?: string } | undefined) => {
        if (client?.id !== 'service:ingestor' || !packet?.topic || !matches(packet.topic)) return;
        aedes.removeListener('ack', onAck);
        child.kill('SIGKILL');
        void exited.then(() => resolveTopic(packet.topic!));
      };
      aedes.on('ack', onAck);
    });
  };
  const recorderOf = (topic: string) => topic.split('/')[3]!;
  const storePoints = (recorder: string): number => {
    const db = new Database(join(harness.dir, 'telemetry.db'), { readonly: true, fileMustExist: true });
    try {
      return db
        .prepare(`SELECT COUNT(*) FROM points JOIN series ON series.id = points.series_id WHERE series.measurement = 'event' AND series.recorder = ?`)
        .pluck()
        .get(recorder) as number;
    } finally {
      db.close();
    }
  };

  it('loses no data batch and counts none twice, and a birth PUBACKed before the kill is stored', async () => {
    // Four recorders with a backlog of 1,200 events each, sent in batches of 50 while the ingestor is killed.
    const ids = ['rec-gk-1', 'rec-gk-2', 'rec-gk-3', 'rec-gk-4'];
    const N = 1_200;
    const t0 = Date.now() - 86_400_000;
    const agents: Agent[] = [];
    for (const id of ids) {
      const agent = await harness.inProcessAgent(id, { spool: { backfillBatchesPerSecond: 10, batchMaxEntries: 50, ackTimeoutSeconds: 3 } });
      agent.spool.addMany(
        Array.from({ length: N }, (_, i) => event(`file-${i}`, t0 + i * 1000)),
        true,
      );
      agents.push(agent);
    }
    ingestor = start();
    for (const agent of agents) await agent.start();
    const eventsCommitted = () => committed<{ n: number } | undefined>('SELECT COUNT(*) AS n FROM events')?.n ?? 0;
    await waitFor('backfill under way', eventsCommitted, (n) => n >= 1_500, 60_000);
    // Right after it PUBACKed a data batch: that batch is applied in an open group, not committed.
    await killOnPuback((topic) => topic.endsWith('/data') && ids.includes(recorderOf(topic)));
    const atKill = { committed: eventsCommitted(), spooled: agents.reduce((sum, a) => sum + a.spool.stats().entries, 0) };
    expect(atKill.committed).toBeLessThan(ids.length * N);

    ingestor = start();
    for (const id of ids) {
      await waitFor(
        `every event of ${id} committed`,
        () => committed<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE recorder_id = ?', id)?.n ?? 0,
        (n) => n >= N,
        90_000,
      );
    }
    await waitFor(
      'agent spools drained by end-to-end acks',
      () => agents.reduce((sum, a) => sum + a.spool.stats().entries, 0),
      (n) => n === 0,
      60_000,
    );
    for (const id of ids) {
      // Once each in fleet.db: re-sent batches were recognised by seq, not applied twice.
      expect(committed('SELECT COUNT(*) AS n, SUM(count) AS total FROM events WHERE recorder_id = ?', id)).toEqual({ n: N, total: N });
      // And once each in the telemetry store, after the outbox drained.
      await waitFor(
        `every event of ${id} in telemetry.db`,
        () => storePoints(id),
        (n) => n >= N,
        30_000,
      );
      expect(storePoints(id)).toBe(N);
    }
    console.log(
      `ingestor SIGKILL with groups open: ${atKill.committed} of ${ids.length * N} events committed at the kill, ${atKill.spooled} entries still in the agents' spools; after restart exactly ${N} per recorder in fleet.db and telemetry.db`,
    );

    // Births: new sessions connect while data flows; the ingestor dies the moment the broker has its
    // PUBACK of the first birth. Agents do not send a birth again while their connection lives, so a
    // birth PUBACKed but not yet committed would be gone for good.
    const fresh = ['rec-gk-b1', 'rec-gk-b2', 'rec-gk-b3', 'rec-gk-b4', 'rec-gk-b5', 'rec-gk-b6'];
    const born = (id: string) =>
      committed<{ slc: string; hb: number } | undefined>('SELECT installation_slc AS slc, heartbeat_seconds AS hb FROM recorders WHERE id = ?', id);
    const newAgents: Agent[] = [];
    for (const id of fresh)
      newAgents.push(await harness.inProcessAgent(id, { spool: { backfillBatchesPerSecond: 10, batchMaxEntries: 50, ackTimeoutSeconds: 3 } }));
    for (const agent of newAgents)
      agent.spool.addMany(
        Array.from({ length: 300 }, (_, i) => event(`late-${i}`, t0 + i * 1000)),
        true,
      );
    const killed = killOnPuback((topic) => topic.endsWith('/birth') && fresh.includes(recorderOf(topic)));
    await Promise.all(newAgents.map((agent) => agent.start()));
    const pubackedBirth = recorderOf(await killed);
    // Committed before its PUBACK left.
    expect(born(pubackedBirth)).toEqual({ slc: `SLC-${pubackedBirth}`, hb: 5 });
    const bornAtKill = fresh.filter((id) => born(id)?.slc).length;

    ingestor = start();
    for (const id of fresh) {
      // Only the birth carries the installation and the declared heartbeat interval (5 s, not the default 30).
      await waitFor(
        `birth of ${id} stored`,
        () => born(id),
        (row) => row?.slc === `SLC-${id}`,
        30_000,
      );
      expect(born(id)).toEqual({ slc: `SLC-${id}`, hb: 5 });
    }
    for (const id of fresh) {
      await waitFor(
        `every event of ${id} committed`,
        () => committed<{ n: number }>('SELECT COUNT(*) AS n FROM events WHERE recorder_id = ?', id)?.n ?? 0,
        (n) => n >= 300,
        60_000,
      );
      expect(committed('SELECT COUNT(*) AS n, SUM(count) AS total FROM events WHERE recorder_id = ?', id)).toEqual({ n: 300, total: 300 });
    }
    console.log(`births: ${bornAtKill} of ${fresh.length} committed at the kill, all ${fresh.length} stored after the restart`);
  }, 300_000);
});
