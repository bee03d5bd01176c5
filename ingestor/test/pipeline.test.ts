import { afterEach, describe, expect, it } from 'vitest';
import { vigil } from '@vigil/proto/wire';
import { MAX_BATCH_OBSERVATIONS } from '../src/pipeline/validate.js';
import { pipelineFixture } from './support/pipeline-fixture.js';

type Fixture = ReturnType<typeof pipelineFixture>;
const open: Fixture[] = [];
const fixture = (options?: Parameters<typeof pipelineFixture>[0]) => {
  const f = pipelineFixture(options);
  open.push(f);
  return f;
};
afterEach(() => {
  for (const f of open.splice(0)) f.close();
});

const siteOne = { installation: 'INST-1', site: 'north' };
const siteTwo = { installation: 'INST-1', site: 'south' };
const outboxRows = (f: Fixture) => f.db.db.prepare('SELECT COUNT(*) FROM telemetry_outbox').pluck().get() as number;
const outboxPoints = (f: Fixture) => f.db.db.prepare('SELECT COALESCE(SUM(count), 0) FROM telemetry_outbox').pluck().get() as number;

describe('the ingestor pipeline, driven without MQTT', () => {
  it('names its stages in order', () => {
    const f = fixture();
    expect(f.pipeline.stages).toEqual(['open envelope', 'validate', 'deduplicate', 'correct times', 'apply to fleet state', 'outbox', 'acknowledge']);
  });

  it('applies a birth in the open group and lets nothing out before the COMMIT', () => {
    const f = fixture();
    expect(f.birth('rec-a', siteOne)).toBe('applied-commit-first');
    expect(f.db.recorder('rec-a')).toMatchObject({ installationSlc: 'INST-1', siteId: 'north', state: 'online', bdSeq: 1 });
    expect(f.db.db.inTransaction).toBe(true);
    expect(f.effects).toEqual([]);
    f.pipeline.commit();
    expect(f.commits).toEqual([1]);
    expect(f.effects).toEqual([
      { kind: 'state', change: expect.objectContaining({ recorderId: 'rec-a', state: 'online', previous: 'offline' }) },
      { kind: 'ack', recorderId: 'rec-a', position: { epoch: 'epoch-rec-a', seq: 0 } },
    ]);
    // The state change is in the outbox as a point, committed with the birth.
    expect(f.pipeline.outbox.depth).toBe(1);
  });

  it('stores a data batch in fleet.db and the outbox, acknowledges it after the COMMIT, and applies a re-send once', () => {
    const f = fixture();
    f.birth('rec-a', siteOne);
    f.pipeline.commit();
    f.effects.length = 0;
    const batch: vigil.v1.IPayload = {
      data: {
        spoolEpoch: 'epoch-rec-a',
        services: [{ name: 'VMS', running: true, at: f.now - 1_000 }],
        events: [{ code: vigil.v1.Code.CODE_DRIVE_FILLING, subject: 'E:', message: 'filling', firstSeen: f.now - 1_000, count: 1 }],
      },
    };
    expect(f.send('rec-a', 'data', batch, 1)).toBe('applied');
    expect(f.db.servicesOf('rec-a').map((s) => s.name)).toEqual(['VMS']);
    expect(f.pipeline.outbox.stagedPoints).toBe(2);
    expect(f.effects).toEqual([]);
    f.pipeline.commit();
    expect(f.pipeline.outbox.depth).toBe(1 + 2);
    expect(f.effects).toEqual([
      { kind: 'announce', recorderId: 'rec-a' },
      { kind: 'ack', recorderId: 'rec-a', position: { epoch: 'epoch-rec-a', seq: 1 } },
    ]);
    expect(f.db.spoolPosition('rec-a')).toEqual({ epoch: 'epoch-rec-a', ackedSeq: 1 });

    // The agent did not get the ack and sends it again: acknowledged again, not applied twice.
    f.effects.length = 0;
    const rows = outboxRows(f);
    expect(f.send('rec-a', 'data', batch, 1)).toBe('applied');
    f.pipeline.commit();
    expect(f.effects).toEqual([{ kind: 'duplicate' }, { kind: 'ack', recorderId: 'rec-a', position: { epoch: 'epoch-rec-a', seq: 1 } }]);
    expect(f.db.eventsOf('rec-a', 0)).toEqual([expect.objectContaining({ subject: 'E:', count: 1 })]);
    expect(outboxRows(f)).toBe(rows);
  });

  it('stores every batch of a spool it has not seen when a later batch comes first, before the birth (redelivery after a crash)', () => {
    const f = fixture();
    const batch = (n: number): vigil.v1.IPayload => ({
      data: { spoolEpoch: 'epoch-new', events: [{ code: vigil.v1.Code.CODE_FILE_DELETE_FAILED, subject: `f${n}`, message: 'x', firstSeen: f.now, count: 1 }] },
    });
    // The broker redelivers batch 4 (never PUBACKed before the crash) ahead of the agent's re-sends of 1-3 and of the birth.
    f.send('rec-a', 'data', batch(4), 4);
    f.pipeline.commit();
    expect(f.db.spoolPosition('rec-a')).toEqual({ epoch: 'epoch-new', ackedSeq: 0 });
    for (const n of [1, 2, 3]) f.send('rec-a', 'data', batch(n), n);
    f.birth('rec-a', siteOne, { spoolEpoch: 'epoch-new', ackedThrough: 0 });
    f.pipeline.commit();
    expect(
      f.db
        .eventsOf('rec-a', 0)
        .map((e) => e.subject)
        .sort(),
    ).toEqual(['f1', 'f2', 'f3', 'f4']);
    expect(f.db.spoolPosition('rec-a')).toEqual({ epoch: 'epoch-new', ackedSeq: 4 });
    expect(f.effects.filter((e) => e.kind === 'duplicate')).toEqual([]);
  });

  it('drops what it cannot use, by reason, without touching fleet.db', () => {
    const f = fixture({ registered: ['rec-a'] });
    f.birth('rec-a', siteOne);
    f.pipeline.commit();
    const before = outboxPoints(f);
    expect(f.pipeline.process('vigil/v1/elsewhere', Buffer.from('x'))).toBe('dropped');
    expect(f.pipeline.process('vigil/v1/rec/rec-a/hb', Buffer.from('not an envelope'))).toBe('dropped');
    // A heartbeat sealed as a data message.
    expect(f.pipeline.process('vigil/v1/rec/rec-a/data', f.seal('rec-a', { heartbeat: { bdSeq: 1 } }))).toBe('dropped');
    expect(f.send('rec-x', 'hb', { heartbeat: { bdSeq: 1 } })).toBe('dropped');
    const tooMany = Array.from({ length: MAX_BATCH_OBSERVATIONS + 1 }, (_, i) => ({ name: `svc-${i}`, running: true, at: f.now }));
    expect(f.send('rec-a', 'data', { data: { spoolEpoch: 'epoch-rec-a', services: tooMany } }, 1)).toBe('dropped');
    expect(f.drops.map((d) => d.reason)).toEqual(['bad-topic', 'malformed', 'wrong-payload-kind', 'unknown-sender', 'oversized-batch']);
    f.pipeline.commit();
    expect(f.db.recorder('rec-x')).toBeUndefined();
    expect(f.db.servicesOf('rec-a')).toEqual([]);
    expect(f.db.spoolPosition('rec-a')).toEqual({ epoch: 'epoch-rec-a', ackedSeq: 0 });
    expect(outboxPoints(f)).toBe(before);
  });

  it('counts times it moved once the batch is stored, not before', () => {
    const f = fixture();
    f.birth('rec-a', siteOne);
    f.pipeline.commit();
    f.effects.length = 0;
    f.send('rec-a', 'data', { data: { spoolEpoch: 'epoch-rec-a', services: [{ name: 'VMS', running: true, at: f.now + 3_600_000 }] } }, 1);
    expect(f.effects).toEqual([]);
    f.pipeline.commit();
    expect(f.effects).toContainEqual({ kind: 'adjusted', reasons: ['future-timestamp'] });
    expect(f.db.servicesOf('rec-a')).toEqual([expect.objectContaining({ name: 'VMS', at: f.now })]);
  });

  it('rolls a poison message back alone: the rest of its group is stored and acknowledged, its own effects never happen', () => {
    const f = fixture();
    f.birth('rec-a', siteOne);
    f.pipeline.commit();
    f.effects.length = 0;
    f.db.db.exec("CREATE TRIGGER poison_service BEFORE INSERT ON latest_services WHEN NEW.name = 'poison' BEGIN SELECT RAISE(ABORT, 'poison reading'); END");
    const batch = (seq: number, service: string): vigil.v1.IPayload => ({
      data: {
        spoolEpoch: 'epoch-rec-a',
        services: [{ name: service, running: true, at: f.now - 1_000 + seq }],
        events: [{ code: vigil.v1.Code.CODE_DRIVE_FILLING, subject: 'Camera 1', message: 'gap', firstSeen: f.now - 1_000 + seq, count: 1 }],
      },
    });
    expect(f.send('rec-a', 'data', batch(1, 'VMS'), 1)).toBe('applied');
    expect(f.send('rec-a', 'data', batch(2, 'VMS'), 2)).toBe('applied');
    expect(f.send('rec-a', 'data', batch(3, 'poison'), 3)).toBe('dropped');
    expect(f.send('rec-a', 'data', batch(4, 'VMS'), 4)).toBe('applied');
    expect(f.drops.map((d) => d.reason)).toEqual(['processing-error']);
    f.pipeline.commit();
    expect(f.commits.at(-1)).toBe(3);
    expect(f.db.spoolPosition('rec-a')).toEqual({ epoch: 'epoch-rec-a', ackedSeq: 2 });
    expect(f.effects.filter((e) => e.kind === 'ack').map((e) => (e.kind === 'ack' ? e.position.seq : -1))).toEqual([1, 2, 2]);
    // Each stored batch once: the group applied again after the failure did not count events twice.
    expect(f.db.eventsOf('rec-a', 0)).toEqual([expect.objectContaining({ subject: 'Camera 1', count: 3 })]);
    expect(f.effects.filter((e) => e.kind === 'duplicate')).toEqual([]);

    f.db.db.exec('DROP TRIGGER poison_service');
    f.effects.length = 0;
    f.send('rec-a', 'data', batch(3, 'poison'), 3);
    f.pipeline.commit();
    expect(f.db.spoolPosition('rec-a')).toEqual({ epoch: 'epoch-rec-a', ackedSeq: 4 });
    expect(f.effects).toContainEqual({ kind: 'ack', recorderId: 'rec-a', position: { epoch: 'epoch-rec-a', seq: 4 } });
    expect(f.db.eventsOf('rec-a', 0)).toEqual([expect.objectContaining({ subject: 'Camera 1', count: 4 })]);
  });

  it('after a failing group every cache in memory equals what fleet.db holds', () => {
    const f = fixture();
    f.birth('rec-a', siteOne);
    f.birth('rec-b', siteOne);
    f.birth('rec-c', siteTwo);
    f.pipeline.commit();
    // Every recorder misses its heartbeats: the north site (rec-a, rec-b) is unreachable as a whole.
    f.advance(120_000);
    f.pipeline.sweep(f.now);
    expect(f.pipeline.state.isSiteUnreachable('INST-1', 'north')).toBe(true);
    const settled = { state: f.pipeline.state.snapshot(), acks: f.pipeline.acks.cached(), effects: f.effects.length };
    expect(settled.state).toEqual(f.reload().state.snapshot());

    // The poison: rec-b's batch fails at its last statement, after it changed every cache.
    f.db.db.exec(
      "CREATE TRIGGER poison_position BEFORE UPDATE OF spool_epoch ON recorders WHEN NEW.spool_epoch = 'epoch-poison' BEGIN SELECT RAISE(ABORT, 'poison position'); END",
    );
    f.advance(1_000);
    // A group where each message changes caches: rec-a heard again (state, site reachable again) ...
    f.send('rec-a', 'hb', { heartbeat: { bdSeq: 1 } });
    // ... rec-c moves to the north site with a new spool (sites, spool positions, fleet tags) ...
    f.birth('rec-c', siteOne, { bdSeq: 2, spoolEpoch: 'epoch-c2' });
    // ... and rec-b's batch: a new spool, a new problem (state degraded), discards, points in the outbox.
    const poison: vigil.v1.IPayload = {
      data: {
        spoolEpoch: 'epoch-poison',
        droppedReadings: 7,
        services: [{ name: 'VMS', running: false, at: f.now }],
        conditions: [
          {
            code: vigil.v1.Code.CODE_SERVICE_STOPPED,
            subject: 'VMS',
            active: true,
            at: f.now,
            severity: vigil.v1.Severity.SEVERITY_CRITICAL,
            message: 'stopped',
          },
        ],
      },
    };
    expect(f.send('rec-b', 'data', poison, 5)).toBe('dropped');
    f.pipeline.commit();
    expect(f.drops.map((d) => d.reason)).toEqual(['processing-error']);

    // Memory is what a fresh load of fleet.db gives: the failed message left nothing behind...
    const memory = f.pipeline;
    const fresh = f.reload();
    expect(memory.state.snapshot()).toEqual(fresh.state.snapshot());
    for (const { recorderId, epoch, seq } of memory.acks.cached()) {
      expect({ recorderId, ...f.db.spoolPosition(recorderId) }).toEqual({ recorderId, epoch, ackedSeq: seq });
    }
    for (const tags of memory.tags.cached()) expect(tags).toEqual(fresh.tags.of(tags.recorder));
    expect(memory.outbox.stagedPoints).toBe(0);
    expect(memory.outbox.depth).toBe(outboxPoints(f));
    // ... while the messages of its group that were fine are in both.
    expect(memory.state.isSiteUnreachable('INST-1', 'north')).toBe(false);
    expect(memory.state.snapshot().sites['INST-1/north']).toEqual(['rec-a', 'rec-b', 'rec-c']);
    expect(f.db.spoolPosition('rec-c')).toEqual({ epoch: 'epoch-c2', ackedSeq: 0 });
    expect(memory.state.stateOf('rec-b')).toBe('unavailable');
    // None of the poison's effects happened; the site's recovery was told once, after the COMMIT.
    const after = f.effects.slice(settled.effects);
    expect(after.filter((e) => e.kind === 'spool-overflow' || (e.kind === 'state' && e.change.recorderId === 'rec-b'))).toEqual([]);
    expect(after.filter((e) => e.kind === 'site')).toEqual([{ kind: 'site', siteId: 'north', unreachable: false }]);

    // Sent again once it can be stored, the batch applies in full, and its discards are told of once.
    f.db.db.exec('DROP TRIGGER poison_position');
    f.send('rec-b', 'data', poison, 5);
    f.pipeline.commit();
    expect(f.effects.filter((e) => e.kind === 'spool-overflow')).toEqual([{ kind: 'spool-overflow', recorderId: 'rec-b', dropped: 7 }]);
    expect(f.pipeline.state.stateOf('rec-b')).toBe('degraded');
    expect(f.pipeline.state.snapshot()).toEqual(f.reload().state.snapshot());
  });

  it('after a COMMIT that fails, the whole group is gone from memory as from fleet.db, and none of its effects happen', () => {
    const f = fixture();
    f.birth('rec-a', siteOne);
    f.birth('rec-b', siteOne);
    f.pipeline.commit();
    f.advance(120_000);
    f.pipeline.sweep(f.now);
    expect(f.pipeline.state.isSiteUnreachable('INST-1', 'north')).toBe(true);
    const before = { state: f.pipeline.state.snapshot(), depth: f.pipeline.outbox.depth, effects: f.effects.length };
    // A deferred foreign key that rec-b's new spool breaks: SQLite refuses the COMMIT, not the statement.
    f.db.db.exec(`
      CREATE TABLE doomed_parent (id TEXT PRIMARY KEY);
      CREATE TABLE doomed_child (parent TEXT REFERENCES doomed_parent (id) DEFERRABLE INITIALLY DEFERRED);
      CREATE TRIGGER doomed AFTER UPDATE OF spool_epoch ON recorders WHEN NEW.spool_epoch = 'epoch-doomed' BEGIN INSERT INTO doomed_child VALUES ('missing'); END;
      PRAGMA foreign_keys = ON;
    `);
    f.advance(1_000);
    expect(f.send('rec-a', 'hb', { heartbeat: { bdSeq: 1 } })).toBe('applied');
    const batch: vigil.v1.IPayload = {
      data: {
        spoolEpoch: 'epoch-doomed',
        droppedEvents: 3,
        conditions: [
          {
            code: vigil.v1.Code.CODE_SERVICE_STOPPED,
            subject: 'VMS',
            active: true,
            at: f.now,
            severity: vigil.v1.Severity.SEVERITY_CRITICAL,
            message: 'stopped',
          },
        ],
      },
    };
    expect(f.send('rec-b', 'data', batch, 1)).toBe('applied');
    f.pipeline.commit();
    expect(f.lost).toBe(2);
    expect(f.db.db.inTransaction).toBe(false);
    const fresh = f.reload();
    expect(f.pipeline.state.snapshot()).toEqual(fresh.state.snapshot());
    expect(f.pipeline.state.snapshot()).toEqual(before.state);
    for (const { recorderId, epoch, seq } of f.pipeline.acks.cached()) {
      expect({ recorderId, ...f.db.spoolPosition(recorderId) }).toEqual({ recorderId, epoch, ackedSeq: seq });
    }
    expect(f.pipeline.outbox.stagedPoints).toBe(0);
    expect(f.pipeline.outbox.depth).toBe(before.depth);
    expect(f.pipeline.outbox.depth).toBe(outboxPoints(f));
    expect(f.effects.length).toBe(before.effects);

    // The agents send it all again; once fleet.db takes it, it is stored and told of once.
    f.db.db.exec('PRAGMA foreign_keys = OFF; DROP TRIGGER doomed;');
    f.send('rec-a', 'hb', { heartbeat: { bdSeq: 1 } });
    f.send('rec-b', 'data', batch, 1);
    f.pipeline.commit();
    expect(f.pipeline.state.isSiteUnreachable('INST-1', 'north')).toBe(false);
    expect(f.effects.slice(before.effects).filter((e) => e.kind === 'spool-overflow' || e.kind === 'site')).toEqual([
      { kind: 'site', siteId: 'north', unreachable: false },
      { kind: 'spool-overflow', recorderId: 'rec-b', dropped: 3 },
    ]);
    expect(f.db.spoolPosition('rec-b')).toEqual({ epoch: 'epoch-doomed', ackedSeq: 1 });
    expect(f.pipeline.state.snapshot()).toEqual(f.reload().state.snapshot());
  });

  it('ignores a late death of an older session, and says so after the COMMIT', () => {
    const f = fixture();
    f.birth('rec-a', siteOne, { bdSeq: 3 });
    f.pipeline.commit();
    f.effects.length = 0;
    expect(f.send('rec-a', 'death', { death: { bdSeq: 2, reason: vigil.v1.DeathReason.DEATH_REASON_GRACEFUL } })).toBe('applied-commit-first');
    expect(f.effects).toEqual([]);
    f.pipeline.commit();
    expect(f.effects).toEqual([{ kind: 'stale-death', recorderId: 'rec-a' }]);
    expect(f.pipeline.state.stateOf('rec-a')).toBe('online');
  });

  it('keeps the episode of a raise that arrives after its clear (its batch sent again behind later ones), without raising it now', () => {
    const f = fixture();
    f.birth('rec-a', siteOne, { bdSeq: 1, spoolEpoch: 'epoch-a' });
    f.pipeline.commit();
    const raisedAt = f.now;
    const camera = (active: boolean, at: number): vigil.v1.IPayload => ({
      data: {
        spoolEpoch: 'epoch-a',
        conditions: [
          {
            code: vigil.v1.Code.CODE_CAMERA_UNREACHABLE,
            subject: 'c1',
            active,
            at,
            severity: vigil.v1.Severity.SEVERITY_ERROR,
            message: active ? 'camera c1 down' : '',
          },
        ],
      },
    });
    // Batch 1 (the raise) was lost at a broker restart; batch 2 (the clear) came through first.
    f.send('rec-a', 'data', camera(false, raisedAt + 1_500), 2);
    f.pipeline.commit();
    f.advance(15_000);
    f.send('rec-a', 'data', camera(true, raisedAt), 1);
    f.pipeline.commit();
    expect(f.db.problemHistoryOf('rec-a', 0, f.now).map((h) => [h.code, h.subject, h.message, h.startedAt, h.endedAt])).toEqual([
      ['camera-unreachable', 'c1', 'camera c1 down', raisedAt, raisedAt + 1_500],
    ]);
    expect(f.db.activeProblemCount('rec-a')).toBe(0);
    expect(f.pipeline.state.stateOf('rec-a')).toBe('online');
    expect(f.db.spoolPosition('rec-a')).toEqual({ epoch: 'epoch-a', ackedSeq: 2 });
  });

  it("keeps last seen at the recorder's last contact when the broker publishes its will later, across a restart", () => {
    const f = fixture();
    f.birth('rec-a', siteOne, { bdSeq: 1, heartbeatSeconds: 2 });
    f.advance(2_000);
    f.send('rec-a', 'hb', { heartbeat: { bdSeq: 1 } });
    const lastContact = f.now;
    f.pipeline.commit();
    f.advance(7_600); // three heartbeats missed: unavailable, last seen unchanged
    f.pipeline.sweep(f.now);
    f.advance(37_000); // the broker's keepalive ran out: it publishes the will
    f.send('rec-a', 'death', { death: { bdSeq: 1, reason: vigil.v1.DeathReason.DEATH_REASON_WILL } });
    f.pipeline.commit();
    f.advance(2_000);
    f.pipeline.sweep(f.now);
    const changes = f.effects.flatMap((e) => (e.kind === 'state' ? [e.change] : []));
    expect(changes.map((c) => [c.state, c.lastSeen])).toEqual([
      ['online', lastContact - 2_000],
      ['unavailable', lastContact],
      ['offline', lastContact],
    ]);
    expect(f.db.recorder('rec-a')).toMatchObject({ state: 'offline', lastSeen: lastContact });
    // Restarted, the ingestor reports the same last contact, not its own start.
    f.advance(60_000);
    f.restart();
    expect(f.pipeline.state.current('rec-a')?.lastSeen).toBe(lastContact);
  });

  describe('sessions are (spool epoch, bdSeq): a reinstalled agent comes back', () => {
    const GRACEFUL = vigil.v1.DeathReason.DEATH_REASON_GRACEFUL;
    const WILL = vigil.v1.DeathReason.DEATH_REASON_WILL;
    /** 2^64-1 on the wire (protobufjs takes {low, high} for a 64-bit field; a JS number cannot say it). */
    const MAX_U64 = { low: 0xffffffff, high: 0xffffffff } as unknown as number;
    /** Heartbeats every 30 s for `beats` intervals, sweeping in between: it must stay online all along. */
    const beat = (f: Fixture, id: string, bdSeq: number, epoch: string, beats: number) => {
      for (let i = 0; i < beats; i++) {
        f.advance(30_000);
        expect(f.send(id, 'hb', { heartbeat: { bdSeq, spoolEpoch: epoch } })).toBe('applied');
        f.pipeline.sweep(f.now);
        expect(f.pipeline.state.stateOf(id)).toBe('online');
      }
    };

    it('a wiped data directory: a new epoch is a new session whatever its bdSeq; the old one stays over, also after a restart', () => {
      const f = fixture();
      f.birth('rec-a', siteOne, { bdSeq: 5, spoolEpoch: 'epoch-old' });
      f.send('rec-a', 'death', { death: { bdSeq: 5, spoolEpoch: 'epoch-old', reason: GRACEFUL } });
      f.pipeline.commit();
      expect(f.pipeline.state.stateOf('rec-a')).toBe('stopped');
      // Reinstalled: a new spool, bdSeq from 1 again.
      f.advance(60_000);
      f.birth('rec-a', siteOne, { bdSeq: 1, spoolEpoch: 'epoch-new' });
      f.pipeline.commit();
      expect(f.pipeline.state.stateOf('rec-a')).toBe('online');
      expect(f.db.recorder('rec-a')).toMatchObject({ bdSeq: 1, sessionEpoch: 'epoch-new', earlierEpochs: '["epoch-old"]', lastSeen: f.now });
      beat(f, 'rec-a', 1, 'epoch-new', 4);
      // Messages of the old instance (a will published late, a stray birth) are stale: nothing changes.
      f.effects.length = 0;
      f.send('rec-a', 'death', { death: { bdSeq: 5, spoolEpoch: 'epoch-old', reason: WILL } });
      f.birth('rec-a', siteTwo, { bdSeq: 6, spoolEpoch: 'epoch-old' });
      f.pipeline.commit();
      f.advance(5_000);
      f.pipeline.sweep(f.now);
      expect(f.effects.filter((e) => e.kind === 'state')).toEqual([]);
      expect(f.effects).toContainEqual({ kind: 'stale-death', recorderId: 'rec-a' });
      expect(f.db.recorder('rec-a')).toMatchObject({ state: 'online', siteId: 'north', bdSeq: 1, sessionEpoch: 'epoch-new' });
      expect(f.db.spoolPosition('rec-a')?.epoch).toBe('epoch-new'); // the old spool's birth moved no acknowledgement
      expect(f.pipeline.state.snapshot()).toEqual(f.reload().state.snapshot());
      // After a restart it still knows which session is current.
      f.restart();
      beat(f, 'rec-a', 1, 'epoch-new', 4);
      f.send('rec-a', 'death', { death: { bdSeq: 5, spoolEpoch: 'epoch-old', reason: WILL } });
      f.advance(5_000);
      f.pipeline.sweep(f.now);
      expect(f.pipeline.state.stateOf('rec-a')).toBe('online');
      // Its own will takes effect.
      f.send('rec-a', 'death', { death: { bdSeq: 1, spoolEpoch: 'epoch-new', reason: WILL } });
      f.advance(5_000);
      f.pipeline.sweep(f.now);
      expect(f.pipeline.state.stateOf('rec-a')).toBe('offline');
    });

    it("adopts a reinstalled agent's session from its heartbeats when its birth was missed", () => {
      const f = fixture();
      f.birth('rec-a', siteOne, { bdSeq: 9, spoolEpoch: 'epoch-old' });
      f.pipeline.commit();
      // The birth of the new instance went to a broker we were not subscribed to.
      beat(f, 'rec-a', 1, 'epoch-new', 4);
      expect(f.db.recorder('rec-a')).toMatchObject({ bdSeq: 1, sessionEpoch: 'epoch-new' });
      // A heartbeat without an epoch (an agent older than the field) is ordered by bdSeq within the current instance.
      f.advance(1_000);
      f.send('rec-a', 'hb', { heartbeat: { bdSeq: 1 } });
      expect(f.db.recorder('rec-a')?.lastSeen).toBe(f.now);
    });

    it('one authentic birth with bdSeq 2^64-1 locks nobody out and leaves the pipeline running', () => {
      const f = fixture();
      f.birth('rec-b', siteTwo);
      expect(f.birth('rec-a', siteOne, { bdSeq: MAX_U64, spoolEpoch: 'epoch-huge' })).toBe('applied-commit-first');
      f.pipeline.commit();
      expect(f.pipeline.state.stateOf('rec-a')).toBe('online');
      expect(f.db.recorder('rec-a')?.bdSeq).toBe(2 ** 64);
      // Its own heartbeats keep it online, also across a restart (the number is read back as it was written).
      beat(f, 'rec-a', MAX_U64, 'epoch-huge', 2);
      f.restart();
      beat(f, 'rec-a', MAX_U64, 'epoch-huge', 2);
      expect(f.pipeline.state.snapshot()).toEqual(f.reload().state.snapshot());
      f.send('rec-a', 'death', { death: { bdSeq: MAX_U64, spoolEpoch: 'epoch-huge', reason: GRACEFUL } });
      f.pipeline.commit();
      expect(f.pipeline.state.stateOf('rec-a')).toBe('stopped');
      // Reinstalled: bdSeq 1, a new epoch: back online, kept online by its heartbeats, its data stored and acknowledged.
      f.birth('rec-a', siteOne, { bdSeq: 1, spoolEpoch: 'epoch-after' });
      f.pipeline.commit();
      expect(f.pipeline.state.stateOf('rec-a')).toBe('online');
      beat(f, 'rec-a', 1, 'epoch-after', 4);
      f.effects.length = 0;
      f.send('rec-a', 'data', { data: { spoolEpoch: 'epoch-after', services: [{ name: 'VMS', running: true, at: f.now }] } }, 1);
      // A late will of the huge session is stale.
      f.send('rec-a', 'death', { death: { bdSeq: MAX_U64, spoolEpoch: 'epoch-huge', reason: WILL } });
      f.pipeline.commit();
      f.advance(5_000);
      f.pipeline.sweep(f.now);
      expect(f.pipeline.state.stateOf('rec-a')).toBe('online');
      expect(f.effects).toContainEqual({ kind: 'ack', recorderId: 'rec-a', position: { epoch: 'epoch-after', seq: 1 } });
      // The rest of the fleet was never held up.
      beat(f, 'rec-b', 1, 'epoch-rec-b', 1);
      expect(f.lost).toBe(0);
      expect(f.drops).toEqual([]);
    });
  });
});
