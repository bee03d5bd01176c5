import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DashboardStore } from '@vigil/dashboard';
import { mountSmallDisk, type SmallDisk } from '../../testing/small-disk.js';
import { Fleet, waitFor } from './support/fleet.js';
import { reportFault, secondsSince } from './support/report.js';

/** Readings and events the agent holds in memory while its disk is full (agent config spool.heldWhenDiskFull). */
const HELD = 100;

/**
 * Fault 6: the agent's spool disk full during a broker outage: a real 2 MiB tmpfs the test mounts
 * and fills (needs root, as CI has; without it the test is skipped, and fails under VIGIL_STRICT=1).
 * The agent keeps running and heartbeating, keeps every condition change, drops events oldest first
 * beyond what it may hold, reports the drop as a problem and a metric, and recovers by itself.
 */
describe('fault: agent spool disk full', () => {
  let fleet: Fleet;
  let disk: SmallDisk | string;
  beforeAll(async () => {
    disk = mountSmallDisk(2 * 1024 * 1024);
    fleet = await Fleet.start('disk-full');
  });
  afterAll(async () => {
    try {
      await fleet?.close();
    } finally {
      if (disk && typeof disk !== 'string') disk.close();
    }
  });

  it('during a broker outage: the agent lives through it, keeps every condition change, drops the oldest events it must and says so', async (ctx) => {
    if (typeof disk === 'string') {
      console.warn(`skipping the disk-full fault: ${disk}`);
      ctx.skip();
      return;
    }
    const small = disk;
    const agent = await fleet.agent('rec-diskfull', {
      dataDir: small.dir,
      heartbeatSeconds: 1,
      spool: { heldWhenDiskFull: HELD, ackTimeoutSeconds: 2, batchMaxEntries: 50, backfillBatchesPerSecond: 50 },
      env: { VIGIL_LOG_LEVEL: 'debug' },
    });
    const cameras = () =>
      fleet
        .read(
          (db) =>
            db.prepare("SELECT subject FROM conditions WHERE recorder_id = ? AND code = 'camera-unreachable' AND active = 1").pluck().all(agent.id) as string[],
        )
        .sort();
    agent.writeRaw(['VIGIL-CAM c0 DOWN']);
    await waitFor('the first condition stored', cameras, (c) => c.join() === 'c0');

    await fleet.broker.kill('SIGKILL');
    small.fill();
    const full = Date.now();
    const changes = [...Array.from({ length: 9 }, (_, i) => `VIGIL-CAM c${i + 1} DOWN`), ...Array.from({ length: 5 }, (_, i) => `VIGIL-CAM c${i} UP`)];
    agent.writeRaw(changes);
    const events = 300;
    agent.writeLines(events);
    agent.writeRaw(['VIGIL-CAM c9 UP']);
    const conditionChanges = changes.length + 1;
    await waitFor(
      'the agent holding what the full disk refused',
      () => agent.process.lines.filter((l) => l.msg === 'the spool disk is still full').at(-1),
      (l) => l?.held === HELD + conditionChanges && l.droppedEventsDiskFull === events - HELD,
      60_000,
    );

    // The broker is back while the disk is still full: a new session, heartbeats, not unavailable.
    await fleet.broker.start();
    await waitFor(
      'a new session',
      () => agent.connections(),
      (n) => n >= 2,
      60_000,
    );
    await waitFor(
      'heartbeats reaching the fleet',
      () => fleet.recorderState(agent.id),
      (s) => s === 'degraded' || s === 'online',
      30_000,
    );
    expect(agent.process.running).toBe(true);

    small.free();
    const freed = Date.now();
    const stored = await waitFor(
      'the kept events stored',
      () => fleet.count(agent),
      (c) => c.stored >= HELD,
      90_000,
    );
    await waitFor('every condition change', cameras, (c) => c.join() === 'c5,c6,c7,c8', 60_000);
    const problem = await waitFor(
      'the agent-dropped problem',
      () =>
        fleet.read(
          (db) =>
            db.prepare("SELECT message FROM conditions WHERE recorder_id = ? AND code = 'agent-dropped' AND active = 1").pluck().get(agent.id) as
              | string
              | undefined,
        ),
      (m) => m !== undefined,
      60_000,
    );
    const metrics = await (await fetch(`http://127.0.0.1:${fleet.ports.ingestorMetrics}/metrics`)).text();
    const droppedMetric = Number(
      /vigil_ingestor_agent_dropped_observations_total\{[^}]*reason="disk-full"[^}]*kind="event"[^}]*\} (\d+)/.exec(metrics)?.[1] ?? 0,
    );
    const kept = fleet.storedEvents(agent.id).map((e) => e.n);
    const dropped = events - stored.stored;
    reportFault({
      name: 'disk-full',
      ...stored,
      // What the agent dropped and reported is not lost: lost counts what vanished without a word.
      lost: stored.sent - stored.stored - droppedMetric,
      recoveredSeconds: secondsSince(freed),
      details: {
        'dropped and reported': droppedMetric,
        'condition changes kept': `${conditionChanges}/${conditionChanges}`,
        'full for s': ((freed - full) / 1000).toFixed(0),
      },
    });
    expect(stored.doubled).toBe(0);
    expect(stored.unexpected).toBe(0);
    // The oldest went: what was kept is the newest HELD.
    expect(kept.sort((a, b) => a - b)).toEqual(Array.from({ length: HELD }, (_, i) => events - HELD + i));
    expect(dropped).toBe(events - HELD);
    expect(droppedMetric).toBe(dropped);
    expect(problem).toMatch(new RegExp(`^agent dropped 0 readings and ${dropped} events since \\d{4}-\\d\\d-\\d\\dT`));
    // What the dashboard shows as the recorder's problems (its store, on fleet.db's read model).
    const dashboard = new DashboardStore(join(fleet.dir, 'dashboard.db'), join(fleet.dataDir, 'fleet.db'));
    try {
      const seen = dashboard.recorderFor({ id: 1, username: 'noc', role: 'admin' }, agent.id)?.problems ?? [];
      expect(seen).toContainEqual(expect.objectContaining({ kind: 'condition', code: 'agent-dropped', message: problem }));
    } finally {
      dashboard.close();
    }
    expect(agent.process.running).toBe(true);
    expect(agent.process.starts).toBe(1);
  }, 300_000);
});
