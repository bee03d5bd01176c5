import { afterEach, describe, expect, it } from 'vitest';
import { vigil } from '@vigil/proto/wire';
import { READ_MODEL_VIEWS } from '../src/read-model/views.js';
import { CLOCK_OFFSET_TOLERANCE_MS } from '../src/pipeline/clock-offsets.js';
import { pointsOf, type OutboxRow } from '../src/pipeline/outbox.js';
import type { TelemetryPoint } from '../src/stores/telemetry-store.js';
import { pipelineFixture } from './support/pipeline-fixture.js';

type Fixture = ReturnType<typeof pipelineFixture>;
let f: Fixture | undefined;
afterEach(() => {
  f?.close();
  f = undefined;
});

const DAY = 24 * 3_600_000;
const SITE = { installation: 'INST-1', site: 'north' };
/** How long a message takes from the agent to us in these tests. */
const TRANSIT_MS = 40;
const HEARTBEAT_MS = 30_000;

/**
 * An agent whose clock is `skewMs` off ours (positive: ahead), talking to the fixture's pipeline:
 * every time it puts in a message is on its own clock, as a real agent's are.
 */
function agent(fx: Fixture, id: string, skewMs: number) {
  const clock = () => fx.now - TRANSIT_MS + skewMs;
  let seq = 0;
  return {
    /** Its clock now, or `agoMs` before now (still its clock). */
    at: (agoMs = 0) => clock() - agoMs,
    birth: () => fx.birth(id, SITE, { sentAt: clock() }),
    heartbeat: () => fx.send(id, 'hb', { heartbeat: { bdSeq: 1, sentAt: clock() } }),
    /** A birth, then heartbeats until two of them have come in live. */
    connect() {
      this.birth();
      fx.advance(HEARTBEAT_MS);
      this.heartbeat();
      fx.pipeline.commit();
    },
    batch(data: vigil.v1.IDataBatch) {
      seq++;
      return fx.send(id, 'data', { data: { spoolEpoch: `epoch-${id}`, ...data } }, seq);
    },
    /** One observation of each kind, taken `agoMs` before now on the agent's clock. */
    everything(agoMs: number, historical = false) {
      const t = clock() - agoMs;
      return this.batch({
        historical,
        conditions: [
          {
            code: vigil.v1.Code.CODE_CAMERA_UNREACHABLE,
            subject: `cam-${agoMs}`,
            active: true,
            at: t,
            severity: vigil.v1.Severity.SEVERITY_ERROR,
            message: 'gone',
          },
        ],
        events: [
          {
            code: vigil.v1.Code.CODE_MEDIA_DB_WRITE_FAILURE,
            subject: `db-${agoMs}`,
            firstSeen: t - 1_000,
            lastSeen: t,
            count: 2,
            severity: vigil.v1.Severity.SEVERITY_ERROR,
            message: 'write failed',
          },
        ],
        disks: [{ path: `D${agoMs}:`, at: t, totalBytes: 100, freeBytes: 10 }],
        services: [{ name: `svc-${agoMs}`, at: t, running: false }],
        licences: [{ at: t, cameraCount: 5, licensedCameras: 4 }],
      });
    },
  };
}

/** Where each observation of `everything(agoMs)` ended up: fleet.db and the time-series points. */
function stored(fx: Fixture, id: string, agoMs: number) {
  const condition = fx.db.db.prepare('SELECT changed_at FROM conditions WHERE recorder_id = ? AND subject = ?').pluck().get(id, `cam-${agoMs}`);
  const event = fx.db.eventsOf(id, 0).find((e) => e.subject === `db-${agoMs}`);
  const points = (fx.db.db.prepare('SELECT * FROM telemetry_outbox ORDER BY id').all() as OutboxRow[]).flatMap(pointsOf);
  const point = (match: (p: TelemetryPoint) => boolean) => points.find(match)?.time;
  return {
    condition,
    eventFirstSeen: event?.firstSeen,
    eventLastSeen: event?.lastSeen,
    disk: fx.db.disksOf(id).find((d) => d.path === `D${agoMs}:`)?.at,
    service: fx.db.servicesOf(id).find((s) => s.name === `svc-${agoMs}`)?.at,
    points: {
      condition: point((p) => p.measurement === 'event' && p.tags.subject === `cam-${agoMs}`),
      camera: point((p) => p.measurement === 'camera' && p.tags.camera === `cam-${agoMs}`),
      event: point((p) => p.measurement === 'event' && p.tags.subject === `db-${agoMs}`),
      disk: point((p) => p.measurement === 'disk' && p.tags.path === `D${agoMs}:`),
      service: point((p) => p.measurement === 'service' && p.tags.service === `svc-${agoMs}`),
    },
  };
}

/** What `stored()` gives for observations taken `agoMs` before `now` on our clock, give or take the transit. */
function expectStoredAt(fx: Fixture, id: string, agoMs: number, now: number) {
  const at = stored(fx, id, agoMs);
  const near = (expected: number) => expect.toSatisfy((t: number) => Math.abs(t - expected) <= TRANSIT_MS, `within ${TRANSIT_MS} ms of ${expected}`);
  const t = now - agoMs;
  expect(at).toEqual({
    condition: near(t),
    eventFirstSeen: near(t - 1_000),
    eventLastSeen: near(t),
    disk: near(t),
    service: near(t),
    points: { condition: near(t), camera: near(t), event: near(t - 1_000), disk: near(t), service: near(t) },
  });
}

const clockAdjustments = (fx: Fixture) =>
  fx.effects
    .flatMap((e) => (e.kind === 'adjusted' ? e.reasons : []))
    .reduce<Record<string, number>>((counts, reason) => {
      counts[reason] = (counts[reason] ?? 0) + 1;
      return counts;
    }, {});
const problem = (fx: Fixture, id: string) => fx.db.conditionsOf(id).find((c) => c.code === 'agent-clock-off');
const readModelOffset = (fx: Fixture, id: string) =>
  fx.db.db.prepare(`SELECT clock_offset_ms FROM ${READ_MODEL_VIEWS.recorders} WHERE id = ?`).pluck().get(id) as number | null;

describe('an agent whose clock is off by a day: its times are put on ours', () => {
  for (const [name, skewMs, word] of [
    ['a day ahead', DAY, 'ahead'],
    ['a day behind', -DAY, 'behind'],
  ] as const) {
    it(`${name}: live and historical batches are stored at the real times, nothing dropped, every shift counted; the recorder shows the problem`, () => {
      const fx = (f = pipelineFixture());
      const rec = agent(fx, 'rec-a', skewMs);
      rec.connect();
      // Receive minus send: the offset, plus the transit the estimate cannot tell from it.
      const offset = fx.db.clockOffsetOf('rec-a');
      expect(Math.abs(offset - (-skewMs + TRANSIT_MS))).toBeLessThanOrEqual(1);
      expect(readModelOffset(fx, 'rec-a')).toBe(offset);
      expect(problem(fx, 'rec-a')).toMatchObject({ severity: 'warning', subject: '', message: `agent clock 1 d 0 h ${word}; its times are corrected` });
      expect(fx.pipeline.state.stateOf('rec-a')).toBe('degraded');
      expect(fx.effects.filter((e) => e.kind === 'clock-offset')).toEqual([{ kind: 'clock-offset', recorderId: 'rec-a', previousMs: 0, currentMs: offset }]);
      // The problem reached the state topic with the state change it caused (online -> degraded or offline -> degraded).
      expect(fx.effects.filter((e) => e.kind === 'state').at(-1)).toMatchObject({ change: { state: 'degraded', activeProblems: 1 } });

      fx.advance(5_000);
      expect(rec.everything(2_000)).toBe('applied');
      // Collected while it could not reach us, sent now: corrected by the same offset.
      expect(rec.everything(3 * 3_600_000, true)).toBe('applied');
      fx.pipeline.commit();
      expect(fx.drops).toEqual([]);
      expect(fx.db.spoolPosition('rec-a')).toEqual({ epoch: 'epoch-rec-a', ackedSeq: 2 });
      expectStoredAt(fx, 'rec-a', 2_000, fx.now);
      expectStoredAt(fx, 'rec-a', 3 * 3_600_000, fx.now);
      // One per observation (5 a batch: condition, event, disk, service, licence), nothing moved or left out besides.
      expect(clockAdjustments(fx)).toEqual({ 'clock-offset': 10 });

      // A heartbeat's point is at its send time on our clock too.
      fx.advance(HEARTBEAT_MS);
      rec.heartbeat();
      fx.pipeline.commit();
      const heartbeats = (fx.db.db.prepare('SELECT * FROM telemetry_outbox ORDER BY id').all() as OutboxRow[])
        .flatMap(pointsOf)
        .filter((p) => p.measurement === 'heartbeat');
      expect(Math.abs(heartbeats.at(-1)!.time - (fx.now - TRANSIT_MS))).toBeLessThanOrEqual(TRANSIT_MS);
    });
  }

  it('a new agent a day behind whose birth came live: its backlog right after the birth is corrected; a birth the broker held for us corrects nothing alone', () => {
    for (const live of [true, false]) {
      const fx = pipelineFixture({ isLive: () => live });
      try {
        const rec = agent(fx, 'rec-a', -DAY);
        rec.birth();
        fx.advance(500);
        expect(rec.everything(60_000, true)).toBe('applied');
        fx.pipeline.commit();
        expect(fx.drops).toEqual([]);
        expectStoredAt(fx, 'rec-a', 60_000, live ? fx.now : fx.now - DAY);
        expect(fx.db.clockOffsetOf('rec-a') !== 0).toBe(live);
      } finally {
        fx.close();
      }
    }
  });

  it('leaves an agent within tolerance alone: its times are stored as it sent them', () => {
    const fx = (f = pipelineFixture());
    const skewMs = CLOCK_OFFSET_TOLERANCE_MS - 10_000;
    const rec = agent(fx, 'rec-a', skewMs);
    rec.connect();
    fx.advance(HEARTBEAT_MS);
    rec.heartbeat();
    fx.pipeline.commit();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
    fx.advance(5_000);
    rec.everything(2_000);
    fx.pipeline.commit();
    expect(fx.db.clockOffsetOf('rec-a')).toBe(0);
    expect(readModelOffset(fx, 'rec-a')).toBeNull();
    expect(problem(fx, 'rec-a')).toBeUndefined();
    expect(clockAdjustments(fx)).toEqual({});
    expectStoredAt(fx, 'rec-a', 2_000, fx.now + skewMs);
  });

  it('keeps the offset across an ingestor restart: a batch before the next heartbeat is still corrected', () => {
    const fx = (f = pipelineFixture());
    const rec = agent(fx, 'rec-a', -DAY);
    rec.connect();
    const offset = fx.db.clockOffsetOf('rec-a');
    expect(offset).toBeGreaterThan(DAY - 1_000);

    fx.restart();
    fx.advance(2_000);
    rec.everything(1_000);
    fx.pipeline.commit();
    expectStoredAt(fx, 'rec-a', 1_000, fx.now);
    expect(fx.pipeline.clocks.offsetOf('rec-a')).toBe(offset);
    expect(problem(fx, 'rec-a')).toBeDefined();
  });

  it('is not fooled by heartbeats the broker held while we were down: they arrive late, in a burst, and move nothing', () => {
    const fx = (f = pipelineFixture());
    const right = agent(fx, 'rec-a', 0);
    right.connect();
    const skewed = agent(fx, 'rec-b', DAY);
    skewed.connect();
    const skewedOffset = fx.db.clockOffsetOf('rec-b');
    expect(fx.db.clockOffsetOf('rec-a')).toBe(0);

    // We are down for 20 minutes; both agents go on sending heartbeats, which the broker keeps for us ...
    const sentA: number[] = [];
    const sentB: number[] = [];
    for (let i = 0; i < 40; i++) {
      fx.advance(HEARTBEAT_MS);
      sentA.push(right.at());
      sentB.push(skewed.at());
    }
    // ... and delivers in a burst once we are back, before anything new.
    fx.restart();
    fx.advance(1_000);
    for (let i = 0; i < sentA.length; i++) {
      fx.send('rec-a', 'hb', { heartbeat: { bdSeq: 1, sentAt: sentA[i] } });
      fx.send('rec-b', 'hb', { heartbeat: { bdSeq: 1, sentAt: sentB[i] } });
      // A data batch in the middle of it: the offsets in force apply.
      if (i === 20) {
        right.everything(5_000);
        skewed.everything(5_000);
      }
    }
    fx.pipeline.commit();
    expect(fx.db.clockOffsetOf('rec-a')).toBe(0);
    expect(fx.db.clockOffsetOf('rec-b')).toBe(skewedOffset);
    expect(problem(fx, 'rec-a')).toBeUndefined();
    expectStoredAt(fx, 'rec-a', 5_000, fx.now);
    expectStoredAt(fx, 'rec-b', 5_000, fx.now);
  });

  it('stops correcting once the clock is right again: the problem clears, the change is logged once', () => {
    const fx = (f = pipelineFixture());
    const wrong = agent(fx, 'rec-a', DAY);
    wrong.connect();
    expect(problem(fx, 'rec-a')).toBeDefined();
    // Someone set the clock right (back by a day): the next two heartbeats agree on it.
    const fixed = agent(fx, 'rec-a', 0);
    fx.advance(HEARTBEAT_MS);
    fixed.heartbeat();
    fx.advance(HEARTBEAT_MS);
    fixed.heartbeat();
    fx.pipeline.commit();
    expect(fx.db.clockOffsetOf('rec-a')).toBe(0);
    expect(problem(fx, 'rec-a')).toBeUndefined();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
    expect(fx.effects.filter((e) => e.kind === 'clock-offset').map((e) => e.kind === 'clock-offset' && e.currentMs === 0)).toEqual([false, true]);
    fx.advance(5_000);
    fixed.everything(1_000);
    fx.pipeline.commit();
    expectStoredAt(fx, 'rec-a', 1_000, fx.now);
  });

  it('a heartbeat whose offset cannot be stored leaves memory as fleet.db holds it, and the next one sets it', () => {
    const fx = (f = pipelineFixture());
    const rec = agent(fx, 'rec-a', DAY);
    rec.birth();
    fx.pipeline.commit();
    fx.db.db.exec("CREATE TRIGGER poison_clock BEFORE UPDATE OF clock_offset_ms ON recorders BEGIN SELECT RAISE(ABORT, 'poison clock'); END");
    fx.advance(HEARTBEAT_MS);
    expect(rec.heartbeat()).toBe('dropped');
    fx.pipeline.commit();
    expect(fx.drops.map((d) => d.reason)).toEqual(['processing-error']);
    expect(fx.pipeline.clocks.cached()).toEqual([{ recorderId: 'rec-a', appliedMs: 0 }]);
    expect(fx.db.clockOffsetOf('rec-a')).toBe(0);
    expect(fx.effects.filter((e) => e.kind === 'clock-offset')).toEqual([]);
    expect(problem(fx, 'rec-a')).toBeUndefined();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');

    fx.db.db.exec('DROP TRIGGER poison_clock');
    fx.advance(HEARTBEAT_MS);
    expect(rec.heartbeat()).toBe('applied');
    fx.pipeline.commit();
    expect(fx.db.clockOffsetOf('rec-a')).toBeLessThan(-DAY + 1_000);
    expect(fx.pipeline.clocks.cached()).toEqual([{ recorderId: 'rec-a', appliedMs: fx.db.clockOffsetOf('rec-a') }]);
    expect(problem(fx, 'rec-a')).toBeDefined();
  });
});
