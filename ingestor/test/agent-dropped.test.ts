import { afterEach, describe, expect, it } from 'vitest';
import type { vigil } from '@vigil/proto/wire';
import { AGENT_DROPPED_QUIET_MS } from '../src/pipeline/stages/apply-fleet-state.js';
import { pipelineFixture } from './support/pipeline-fixture.js';

type Fixture = ReturnType<typeof pipelineFixture>;
let f: Fixture | undefined;
afterEach(() => {
  f?.close();
  f = undefined;
});

const batch = (epoch: string, droppedReadings: number, droppedEvents: number, diskFull = 0): vigil.v1.IPayload => ({
  data: { spoolEpoch: epoch, droppedReadings, droppedEvents, droppedEventsDiskFull: diskFull },
});

describe('what an agent dropped', () => {
  it('is the recorder problem "agent dropped N readings and M events since <time>", counted from when it was raised, and clears after a quiet hour', () => {
    const fx = (f = pipelineFixture());
    const problem = () => fx.db.conditionsOf('rec-a').find((c) => c.code === 'agent-dropped');
    const overflows = () => fx.effects.filter((e) => e.kind === 'spool-overflow');
    fx.birth('rec-a', { installation: 'INST-1', site: 'north' });
    fx.pipeline.commit();
    const raisedAt = fx.now;
    const since = new Date(raisedAt).toISOString();

    fx.send('rec-a', 'data', batch('epoch-rec-a', 2, 3, 3), 1);
    fx.pipeline.commit();
    expect(problem()).toMatchObject({ severity: 'warning', subject: '', since: raisedAt, message: `agent dropped 2 readings and 3 events since ${since}` });
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('degraded');
    expect(overflows()).toEqual([{ kind: 'spool-overflow', recorderId: 'rec-a', dropped: 5 }]);

    // More drops add up in the same problem; a re-sent batch counts nothing.
    fx.advance(10 * 60_000);
    const lastNew = fx.now;
    fx.send('rec-a', 'data', batch('epoch-rec-a', 2, 5), 2);
    fx.send('rec-a', 'data', batch('epoch-rec-a', 2, 5), 2);
    fx.pipeline.commit();
    expect(problem()?.message).toBe(`agent dropped 2 readings and 5 events since ${since}`);
    expect(overflows()).toHaveLength(2);

    // Quiet, but not for an hour yet: still a problem.
    fx.advance(AGENT_DROPPED_QUIET_MS - 60_000);
    fx.send('rec-a', 'data', batch('epoch-rec-a', 2, 5), 3);
    fx.pipeline.commit();
    expect(problem()).toBeDefined();

    fx.advance(lastNew + AGENT_DROPPED_QUIET_MS - fx.now);
    fx.send('rec-a', 'data', batch('epoch-rec-a', 2, 5), 4);
    fx.pipeline.commit();
    expect(problem()).toBeUndefined();
    expect(fx.pipeline.state.stateOf('rec-a')).toBe('online');

    // A reinstalled agent (a new spool epoch) counts from zero: its first drop raises it again.
    fx.advance(60_000);
    fx.send('rec-a', 'data', batch('epoch-new', 0, 1), 1);
    fx.pipeline.commit();
    expect(problem()?.message).toBe(`agent dropped 0 readings and 1 events since ${new Date(fx.now).toISOString()}`);
    expect(overflows().at(-1)).toEqual({ kind: 'spool-overflow', recorderId: 'rec-a', dropped: 1 });
  });

  it('survives an ingestor restart: old drops are not raised again, and a raised problem keeps its count and clears on time', () => {
    const fx = (f = pipelineFixture());
    const problem = () => fx.db.conditionsOf('rec-a').find((c) => c.code === 'agent-dropped');
    const overflows = () => fx.effects.filter((e) => e.kind === 'spool-overflow');
    fx.birth('rec-a', { installation: 'INST-1', site: 'north' });
    fx.send('rec-a', 'data', batch('epoch-rec-a', 4, 0), 1);
    fx.pipeline.commit();
    const since = new Date(fx.now).toISOString();
    expect(problem()?.message).toBe(`agent dropped 4 readings and 0 events since ${since}`);
    const raisedAt = fx.now;

    fx.restart();
    fx.advance(60_000);
    fx.send('rec-a', 'data', batch('epoch-rec-a', 4, 0), 2);
    fx.pipeline.commit();
    expect(overflows()).toHaveLength(1);
    fx.send('rec-a', 'data', batch('epoch-rec-a', 4, 2), 3);
    fx.pipeline.commit();
    expect(problem()?.message).toBe(`agent dropped 4 readings and 2 events since ${since}`);

    fx.restart();
    fx.advance(raisedAt + 60_000 + AGENT_DROPPED_QUIET_MS - fx.now);
    fx.send('rec-a', 'data', batch('epoch-rec-a', 4, 2), 4);
    fx.pipeline.commit();
    expect(problem()).toBeUndefined();

    // Long after, another restart: the agent's old totals are not news.
    fx.restart();
    fx.advance(24 * 3_600_000);
    fx.send('rec-a', 'data', batch('epoch-rec-a', 4, 2), 5);
    fx.pipeline.commit();
    expect(problem()).toBeUndefined();
    expect(overflows()).toHaveLength(2);
  });
});
