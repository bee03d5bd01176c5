import { afterEach, describe, expect, it } from 'vitest';
import { vigil } from '@vigil/proto/wire';
import { DEFAULT_EVENT_LIFETIMES_MS, parseProblemLifetimes, ProblemLifetimes } from '../src/state/problem-lifetimes.js';
import { pipelineFixture } from './support/pipeline-fixture.js';

type Fixture = ReturnType<typeof pipelineFixture>;
let f: Fixture | undefined;
afterEach(() => {
  f?.close();
  f = undefined;
});

const HOUR = 3_600_000;
const { Code, Severity } = vigil.v1;

const event = (code: number, severity: number, at: number, message = 'it failed', lastSeen = at): vigil.v1.IEvent => ({
  code,
  severity,
  subject: '',
  message,
  firstSeen: at,
  lastSeen,
  count: 1,
});
const batch = (events: vigil.v1.IEvent[], conditions: vigil.v1.ICondition[] = []): vigil.v1.IPayload => ({
  data: { spoolEpoch: 'epoch-rec-a', events, conditions },
});

/** A recorder whose heartbeats are days apart: it stays online without a message, so only the sweep can change it. */
function quietRecorder(fx: Fixture) {
  fx.birth('rec-a', { installation: 'INST-1', site: 'north' }, { heartbeatSeconds: 400_000 });
  fx.pipeline.commit();
  expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
}

const states = (fx: Fixture) => fx.db.stateChangesOf('rec-a', 0, fx.now + 400 * 24 * HOUR).map((c) => [c.state, c.since]);

describe('events are problems with a lifetime', () => {
  it('a fatal archive error makes the recorder degraded; it clears 24 h after its last occurrence through the sweep alone, and is kept in the history', () => {
    const fx = (f = pipelineFixture());
    quietRecorder(fx);
    const t0 = fx.now;
    fx.send('rec-a', 'data', batch([event(Code.CODE_ARCHIVE_FATAL_ERROR, Severity.SEVERITY_CRITICAL, t0, 'archive 7 lost')]), 1);
    fx.pipeline.commit();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('degraded');
    expect(fx.db.eventProblemsOf('rec-a')).toEqual([
      {
        code: 'archive-fatal-error',
        subject: '',
        severity: 'critical',
        message: 'archive 7 lost',
        since: t0,
        lastSeen: t0,
        count: 1,
        expiresAt: t0 + 24 * HOUR,
      },
    ]);

    // The same error twelve hours later: one problem, active 24 h from then; no new state change.
    fx.advance(12 * HOUR);
    const t1 = fx.now;
    expect(fx.pipeline.sweep(fx.now)).toBe(0);
    fx.send('rec-a', 'data', batch([event(Code.CODE_ARCHIVE_FATAL_ERROR, Severity.SEVERITY_CRITICAL, t1, 'archive 8 lost')]), 2);
    fx.pipeline.commit();
    expect(fx.db.eventProblemsOf('rec-a')).toMatchObject([{ since: t0, lastSeen: t1, count: 2, expiresAt: t1 + 24 * HOUR, message: 'archive 8 lost' }]);

    // Not a message more: the sweep ends it when its lifetime is over, not a moment before.
    fx.advance(t1 + 24 * HOUR - 1 - fx.now);
    expect(fx.pipeline.sweep(fx.now)).toBe(0);
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('degraded');
    fx.advance(250);
    const sweptAt = fx.now;
    expect(fx.pipeline.sweep(fx.now)).toBe(1);
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
    expect(fx.db.eventProblemsOf('rec-a')).toEqual([]);
    expect(fx.db.activeProblemCount('rec-a')).toBe(0);
    expect(states(fx)).toEqual([
      ['online', t0],
      ['degraded', t0],
      ['online', sweptAt],
    ]);
    expect(fx.effects.filter((e) => e.kind === 'state').map((e) => (e.kind === 'state' ? e.change.state : ''))).toEqual(['online', 'degraded', 'online']);
    expect(fx.db.problemHistoryOf('rec-a', 0, fx.now)).toEqual([
      {
        recorderId: 'rec-a',
        kind: 'event',
        code: 'archive-fatal-error',
        subject: '',
        severity: 'critical',
        message: 'archive 8 lost',
        startedAt: t0,
        endedAt: t1 + 24 * HOUR,
        count: 2,
      },
    ]);
  });

  it('a media database write failure (error) degrades for 6 h; a warning event is listed but does not degrade', () => {
    const fx = (f = pipelineFixture());
    quietRecorder(fx);
    const t0 = fx.now;
    fx.send('rec-a', 'data', batch([event(Code.CODE_ARCHIVE_DELETE_FAILED, Severity.SEVERITY_WARNING, t0)]), 1);
    fx.pipeline.commit();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
    expect(fx.db.eventProblemsOf('rec-a').map((p) => p.code)).toEqual(['archive-delete-failed']);

    fx.send('rec-a', 'data', batch([event(Code.CODE_MEDIA_DB_WRITE_FAILURE, Severity.SEVERITY_ERROR, t0)]), 2);
    fx.pipeline.commit();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('degraded');

    // The warning's hour is over: it goes, the recorder's page hears of it, its state stays.
    fx.advance(HOUR);
    fx.effects.length = 0;
    expect(fx.pipeline.sweep(fx.now)).toBe(0);
    expect(fx.db.eventProblemsOf('rec-a').map((p) => p.code)).toEqual(['media-db-write-failure']);
    expect(fx.effects).toEqual([{ kind: 'announce', recorderId: 'rec-a' }]);

    fx.advance(5 * HOUR);
    expect(fx.pipeline.sweep(fx.now)).toBe(1);
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
    expect(fx.db.problemHistoryOf('rec-a', t0, fx.now).map((h) => [h.code, h.startedAt, h.endedAt])).toEqual([
      ['archive-delete-failed', t0, t0 + HOUR],
      ['media-db-write-failure', t0, t0 + 6 * HOUR],
    ]);
  });

  it('a warning that comes back as an error makes the recorder degraded', () => {
    const fx = (f = pipelineFixture());
    quietRecorder(fx);
    fx.send('rec-a', 'data', batch([event(Code.CODE_ARCHIVE_OPERATION_FAILED, Severity.SEVERITY_WARNING, fx.now)]), 1);
    fx.pipeline.commit();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
    fx.advance(60_000);
    fx.send('rec-a', 'data', batch([event(Code.CODE_ARCHIVE_OPERATION_FAILED, Severity.SEVERITY_ERROR, fx.now)]), 2);
    fx.pipeline.commit();
    expect(fx.db.eventProblemsOf('rec-a')).toMatchObject([{ severity: 'error', count: 2 }]);
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('degraded');
  });

  it('an event whose lifetime was over before it arrived (backfill) goes to the history only and never flips the state', () => {
    const fx = (f = pipelineFixture());
    quietRecorder(fx);
    const old = fx.now - 2 * 24 * HOUR;
    fx.send('rec-a', 'data', batch([event(Code.CODE_ARCHIVE_FATAL_ERROR, Severity.SEVERITY_CRITICAL, old)]), 1);
    fx.pipeline.commit();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
    expect(fx.db.eventProblemsOf('rec-a')).toEqual([]);
    expect(states(fx)).toEqual([['online', fx.now]]);
    expect(fx.db.problemHistoryOf('rec-a', 0, fx.now)).toMatchObject([{ code: 'archive-fatal-error', startedAt: old, endedAt: old + 24 * HOUR }]);
  });

  it('takes the operator’s lifetimes over the defaults', () => {
    const fx = (f = pipelineFixture({ problemLifetimes: new ProblemLifetimes({ 'archive-move-failed': 5 * 60_000 }) }));
    quietRecorder(fx);
    const t0 = fx.now;
    fx.send('rec-a', 'data', batch([event(Code.CODE_ARCHIVE_MOVE_FAILED, Severity.SEVERITY_ERROR, t0)]), 1);
    fx.pipeline.commit();
    expect(fx.db.eventProblemsOf('rec-a')).toMatchObject([{ expiresAt: t0 + 5 * 60_000 }]);
    fx.advance(5 * 60_000);
    expect(fx.pipeline.sweep(fx.now)).toBe(1);
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
  });

  it('a cleared condition is kept in the history with its start and end', () => {
    const fx = (f = pipelineFixture());
    quietRecorder(fx);
    const raised = fx.now;
    const camera = (active: boolean, at: number): vigil.v1.ICondition => ({
      code: Code.CODE_CAMERA_UNREACHABLE,
      subject: 'cam-3',
      active,
      at,
      severity: Severity.SEVERITY_ERROR,
      message: active ? 'camera cam-3 unreachable' : '',
    });
    fx.send('rec-a', 'data', batch([], [camera(true, raised)]), 1);
    fx.advance(90_000);
    fx.send('rec-a', 'data', batch([], [camera(false, fx.now)]), 2);
    fx.pipeline.commit();
    expect(fx.db.problemHistoryOf('rec-a', 0, fx.now)).toEqual([
      {
        recorderId: 'rec-a',
        kind: 'condition',
        code: 'camera-unreachable',
        subject: 'cam-3',
        severity: 'error',
        message: 'camera cam-3 unreachable',
        startedAt: raised,
        endedAt: raised + 90_000,
        count: null,
      },
    ]);
    // A clear sent again adds nothing.
    fx.send('rec-a', 'data', batch([], [camera(false, fx.now)]), 3);
    fx.pipeline.commit();
    expect(fx.db.problemHistoryOf('rec-a', 0, fx.now)).toHaveLength(1);
  });

  it('after an ingestor restart the active problem still degrades, and expires on time', () => {
    const fx = (f = pipelineFixture());
    quietRecorder(fx);
    const t0 = fx.now;
    fx.send('rec-a', 'data', batch([event(Code.CODE_MEDIA_DB_WRITE_FAILURE, Severity.SEVERITY_ERROR, t0)]), 1);
    fx.restart();
    expect(fx.pipeline.state.snapshot().recorders['rec-a']).toMatchObject({ state: 'degraded', activeProblems: 1 });
    fx.advance(DEFAULT_EVENT_LIFETIMES_MS['media-db-write-failure']!);
    expect(fx.pipeline.sweep(fx.now)).toBe(1);
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');
  });
});

describe('the operator’s problem lifetimes', () => {
  it('parses code=duration pairs and a default', () => {
    expect(parseProblemLifetimes('archive-fatal-error=48h, archive-move-failed=30m,default=2d, code-99=10s')).toEqual({
      overrides: { 'archive-fatal-error': 48 * HOUR, 'archive-move-failed': 30 * 60_000, default: 48 * HOUR, 'code-99': 10_000 },
    });
    const lifetimes = new ProblemLifetimes({ default: 2 * HOUR });
    expect(lifetimes.of('archive-fatal-error')).toBe(24 * HOUR);
    expect(lifetimes.of('code-77')).toBe(2 * HOUR);
  });

  it('names what is wrong', () => {
    expect(parseProblemLifetimes('archive-fatal-eror=1h')).toMatchObject({
      error: expect.stringMatching(/^"archive-fatal-eror" is not a problem code \(known: .*archive-fatal-error/),
    });
    expect(parseProblemLifetimes('archive-move-failed=1 week')).toEqual({
      error: '"archive-move-failed=1 week" is not code=duration (a whole number with s, m, h or d)',
    });
    expect(parseProblemLifetimes('archive-move-failed=0s')).toEqual({ error: 'the lifetime of archive-move-failed (0s) must be from 1 s to 400 d' });
    expect(parseProblemLifetimes('default=1h,default=2h')).toEqual({ error: 'default is given twice' });
  });
});
