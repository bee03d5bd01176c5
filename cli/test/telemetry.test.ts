import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Agent } from '@vigil/agent';
import { InfluxTelemetryStore, type SeriesQuery } from '@vigil/ingestor';
import { describeWithSystem } from '../../testing/system.js';
import { INFLUXD, startInfluxd, type Influxd } from '../../testing/influxd.js';
import { startHarness, waitFor, type Harness } from './support/harness.js';

const MIN = 60_000;

describe('time series through the whole path (embedded SQLite store)', () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness();
  });
  afterAll(async () => {
    await harness.close();
  });

  it("readings, conditions and events land at the agent's observation time, and fleet.db keeps the latest of each", async () => {
    const id = 'rec-times';
    const agent = await harness.inProcessAgent(id);
    await agent.start();
    await waitFor(
      'agent online',
      () => harness.ingestor.state.stateOf(id),
      (s) => s === 'online',
    );
    const t0 = Math.floor((Date.now() - 2 * 3_600_000) / MIN) * MIN; // two hours ago, on the minute
    const total = 4_000_000_000_000;
    for (let i = 0; i < 10; i++) agent.sink.emit({ kind: 'disk', path: 'D:\\', at: t0 + i * MIN, totalBytes: total, freeBytes: total / 2 - i * 1e9 });
    agent.sink.emit({ kind: 'service', name: 'Milestone XProtect Recording Server', at: t0, running: true });
    agent.sink.emit({ kind: 'service', name: 'Milestone XProtect Recording Server', at: t0 + 4 * MIN, running: false });
    agent.sink.emit({ kind: 'licence', at: t0 + 5 * MIN, cameraCount: 12, licensedCameras: 10 });
    agent.sink.emit({
      kind: 'condition',
      code: 'camera-unreachable',
      subject: 'Cam 7 (gate)',
      active: true,
      at: t0 + MIN,
      severity: 'error',
      message: 'no answer',
    });
    agent.sink.emit({
      kind: 'condition',
      code: 'camera-unreachable',
      subject: 'Cam 7 (gate)',
      active: false,
      at: t0 + 3 * MIN,
      severity: 'error',
      message: 'answers again',
    });
    agent.sink.emit({
      kind: 'event',
      code: 'archive-move-failed',
      subject: 'archive 2026-01-05',
      firstSeen: t0 + 2 * MIN,
      lastSeen: t0 + 2 * MIN + 5_000,
      count: 3,
      severity: 'error',
      message: 'move failed',
    });

    const store = harness.ingestor.telemetry;
    const q = (query: Omit<SeriesQuery, 'recorder' | 'from' | 'to'>) => store.query({ recorder: id, from: t0 - MIN, to: Date.now() + MIN, ...query });
    const disk = await waitFor(
      '10 disk readings stored',
      () => q({ measurement: 'disk', field: 'free_bytes' }),
      (rows) => rows.length >= 10,
    );
    expect(disk).toEqual(Array.from({ length: 10 }, (_, i) => ({ time: t0 + i * MIN, value: total / 2 - i * 1e9, tags: { path: 'D:' } })));
    expect((await q({ measurement: 'disk', field: 'used_percent' })).map((r) => r.value)).toEqual(
      Array.from({ length: 10 }, (_, i) => Math.round((10_000 * (total / 2 + i * 1e9)) / total) / 100),
    );

    await harness.ingestor.outbox.idle();
    expect(await q({ measurement: 'service', field: 'running' })).toEqual([
      { time: t0, value: true, tags: { service: 'Milestone XProtect Recording Server' } },
      { time: t0 + 4 * MIN, value: false, tags: { service: 'Milestone XProtect Recording Server' } },
    ]);
    expect(await q({ measurement: 'licence', field: 'unlicensed_cameras' })).toEqual([{ time: t0 + 5 * MIN, value: 2, tags: {} }]);
    expect(await q({ measurement: 'camera', field: 'reachable' })).toEqual([
      { time: t0 + MIN, value: false, tags: { camera: 'Cam 7 (gate)' } },
      { time: t0 + 3 * MIN, value: true, tags: { camera: 'Cam 7 (gate)' } },
    ]);
    expect(await q({ measurement: 'event', field: 'count', where: { kind: 'event' } })).toEqual([
      { time: t0 + 2 * MIN, value: 3, tags: { kind: 'event', code: 'archive-move-failed', subject: 'archive 2026-01-05' } },
    ]);
    expect(
      (await q({ measurement: 'event', field: 'active', where: { kind: 'condition', code: 'camera-unreachable' } })).map((r) => [r.time, r.value]),
    ).toEqual([
      [t0 + MIN, true],
      [t0 + 3 * MIN, false],
    ]);
    // Heartbeats and the state change to online are on the timeline too, at (about) now.
    const heartbeats = await waitFor(
      'a heartbeat point',
      () => q({ measurement: 'heartbeat', field: 'bd_seq' }),
      (rows) => rows.length > 0,
      15_000,
    );
    expect(Math.abs(heartbeats.at(-1)!.time - Date.now())).toBeLessThan(15_000);
    expect((await q({ measurement: 'state', field: 'state' })).map((r) => r.value)).toContain('online');

    // The latest of each, in fleet.db, for readers that need no history.
    expect(harness.ingestor.db.disksOf(id)).toEqual([{ path: 'D:', totalBytes: total, freeBytes: total / 2 - 9e9, at: t0 + 9 * MIN }]);
    expect(harness.ingestor.db.servicesOf(id)).toEqual([{ name: 'Milestone XProtect Recording Server', running: false, at: t0 + 4 * MIN }]);
    expect(harness.ingestor.db.recorder(id)).toMatchObject({ cameraCount: 12, licensedCameras: 10 });

    // A late (backfilled) reading goes onto the timeline at its time, but does not replace the newer latest.
    agent.sink.emit({ kind: 'disk', path: 'D:\\', at: t0 - 30 * 1000, totalBytes: total, freeBytes: 1 });
    await waitFor(
      'the late reading stored',
      () => q({ measurement: 'disk', field: 'free_bytes' }),
      (rows) => rows.length === 11,
    );
    expect(harness.ingestor.db.disksOf(id)[0]?.at).toBe(t0 + 9 * MIN);
  });
});

/** InfluxDB is stopped this long while agents keep sending (the issue says a minute; 20 s keeps CI short). */
const OUTAGE_MS = Number(process.env.VIGIL_TEST_INFLUX_OUTAGE_MS ?? 20_000);

describeWithSystem('time series through the whole path into a real InfluxDB', [INFLUXD], () => {
  let influxd: Influxd;
  let harness: Harness;
  beforeAll(async () => {
    influxd = await startInfluxd();
    await influxd.createDatabase('vigil');
    const telemetry = new InfluxTelemetryStore({ url: influxd.url, bucket: 'vigil', api: 'v1', maxRetries: 2, maxRetryTimeMs: 3_000 });
    harness = await startHarness({ ingestor: { telemetry, outbox: { maxRetryDelayMs: 1_000 } } });
  });
  afterEach(async () => {
    await influxd.start().catch(() => undefined); // in case a test failed during the outage
  });
  afterAll(async () => {
    await harness?.close();
    await influxd?.destroy();
  });

  const countsByRecorder = async (measurement: string, field: string): Promise<Record<string, number>> => {
    const answer = await influxd.query('vigil', `SELECT COUNT("${field}") FROM "${measurement}" GROUP BY "recorder"`);
    const counts: Record<string, number> = {};
    for (const series of answer.results[0]?.series ?? []) counts[series.tags!.recorder!] = series.values[0]![1] as number;
    return counts;
  };

  it(
    `InfluxDB stopped for ${OUTAGE_MS / 1000} s while agents keep sending: acknowledged meanwhile, and every reading lands once it is back`,
    async () => {
      const ids = ['rec-influx-a', 'rec-influx-b', 'rec-influx-c'];
      const agents: Agent[] = [];
      for (const id of ids) {
        const agent = await harness.inProcessAgent(id);
        await agent.start();
        agents.push(agent);
      }
      await waitFor(
        'agents online',
        () => ids.map((id) => harness.ingestor.state.stateOf(id)),
        (s) => s.every((x) => x === 'online'),
      );

      // Each agent reports a drive every 50 ms, at distinct times (a second apart on the timeline).
      const sent = new Map<string, number>(ids.map((id) => [id, 0]));
      const base = Date.now() - 3_600_000;
      const ticker = setInterval(() => {
        agents.forEach((agent, i) => {
          const n = sent.get(ids[i]!)!;
          agent.sink.emit({ kind: 'disk', path: 'E:\\', at: base + n * 1000, totalBytes: 8e12, freeBytes: 4e12 - n });
          agent.sink.emit({ kind: 'service', name: 'Recording Server', at: base + n * 1000, running: n % 7 !== 0 });
          sent.set(ids[i]!, n + 1);
        });
      }, 50);
      try {
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        await influxd.stop();
        const stoppedAt = Date.now();
        // While InfluxDB is down the ingestor keeps acknowledging (the outbox holds the points) ...
        const atStop = { ...Object.fromEntries(sent) };
        await waitFor(
          'outbox growing during the outage',
          () => harness.ingestor.outbox.depth,
          (d) => d > 200,
          OUTAGE_MS,
        );
        await waitFor(
          'agents acknowledged for readings sent during the outage',
          () => agents.map((a) => a.spool.stats().entries),
          (entries) => entries.every((e) => e < 100),
          OUTAGE_MS,
        );
        expect(ids.every((id) => harness.ingestor.state.stateOf(id) === 'online')).toBe(true);
        await new Promise((resolve) => setTimeout(resolve, Math.max(0, OUTAGE_MS - (Date.now() - stoppedAt))));
        expect(ids.every((id) => sent.get(id)! > atStop[id]! + 100)).toBe(true);
        const depthAtRestart = harness.ingestor.outbox.depth;
        await influxd.start();
        await new Promise((resolve) => setTimeout(resolve, 2_000));
        clearInterval(ticker);
        await waitFor(
          'agents drained',
          () => agents.map((a) => a.spool.stats().entries),
          (e) => e.every((n) => n === 0),
          30_000,
        );
        await waitFor(
          'outbox drained into InfluxDB',
          () => harness.ingestor.outbox.depth,
          (d) => d === 0,
          60_000,
        );
        const disks = await countsByRecorder('disk', 'free_bytes');
        const services = await countsByRecorder('service', 'running');
        console.log(
          `InfluxDB outage ${OUTAGE_MS / 1000} s: ${depthAtRestart} points waited in the outbox; InfluxDB holds ${JSON.stringify(disks)} disk readings, sent ${JSON.stringify(Object.fromEntries(sent))}`,
        );
        for (const id of ids) {
          expect(disks[id]).toBe(sent.get(id));
          expect(services[id]).toBe(sent.get(id));
        }
        expect(harness.ingestor.outbox.lastError).toBeUndefined();
      } finally {
        clearInterval(ticker);
      }
    },
    OUTAGE_MS + 120_000,
  );

  it('past the outbox bound the ingestor stops taking messages: the rest waits in the agent, and all of it lands later', async () => {
    const telemetry = new InfluxTelemetryStore({ url: influxd.url, bucket: 'vigil', api: 'v1', maxRetries: 1, maxRetryTimeMs: 1_000 });
    const bounded = await startHarness({ ingestor: { telemetry, outbox: { maxPoints: 100, maxRetryDelayMs: 500 } } });
    try {
      const id = 'rec-bound';
      const agent = await bounded.inProcessAgent(id, { spool: { batchMaxEntries: 20, ackTimeoutSeconds: 2 } });
      await agent.start();
      await waitFor(
        'agent online',
        () => bounded.ingestor.state.stateOf(id),
        (s) => s === 'online',
      );
      await bounded.ingestor.outbox.idle();
      await influxd.stop();
      const N = 600;
      const base = Date.now() - 3_600_000;
      for (let i = 0; i < N; i++) agent.sink.emit({ kind: 'disk', path: 'F:\\', at: base + i * 1000, totalBytes: 1e12, freeBytes: 5e11 - i });
      await waitFor(
        'outbox at its bound',
        () => bounded.ingestor.outbox.depth,
        (d) => d > 100,
        20_000,
      );
      // Held there: at most one more message (20 readings, plus heartbeats and state points) gets in.
      const depths: number[] = [];
      for (let i = 0; i < 20; i++) {
        depths.push(bounded.ingestor.outbox.depth);
        await new Promise((resolve) => setTimeout(resolve, 150));
      }
      expect(Math.max(...depths)).toBeLessThanOrEqual(100 + 20 + 5);
      // What did not get in is still the agent's: unacknowledged in its spool, not lost.
      expect(agent.spool.stats().entries).toBeGreaterThan(N - 130);
      await influxd.start();
      await waitFor(
        'agent spool drained',
        () => agent.spool.stats().entries,
        (n) => n === 0,
        60_000,
      );
      await waitFor(
        'outbox drained',
        () => bounded.ingestor.outbox.depth,
        (d) => d === 0,
        30_000,
      );
      const answer = await influxd.query('vigil', `SELECT COUNT("free_bytes") FROM "disk" WHERE "recorder" = '${id}'`);
      expect(answer.results[0]?.series?.[0]?.values[0]?.[1]).toBe(N);
    } finally {
      await bounded.close();
    }
  }, 120_000);
});
