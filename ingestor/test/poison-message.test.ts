import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, vigil } from '@vigil/proto/wire';
import type { EnvelopeSealer } from '@vigil/proto/envelope';
import { startLiveIngestor, until } from './support/live-ingestor.js';

/**
 * Messages share one transaction on fleet.db without a savepoint each (group commit). A message
 * that fails in SQLite must not take its group down: the others are stored and acknowledged end to
 * end, the failed one is not, and nothing in memory (spool positions, counts) remembers it. Real
 * broker and ingestor over TLS; the failure is a trigger on the ingestor's own fleet.db.
 * (Moved from cli/test/ingestor-poison-message.test.ts: it needs no CLI, only a broker.)
 */
describe('a poison message in a message group', () => {
  let fleet: Awaited<ReturnType<typeof startLiveIngestor>>;
  let client: MqttClient;
  let sealer: EnvelopeSealer;
  const acks: number[] = [];
  const groups: number[] = [];

  const send = (seq: number, service: string) =>
    client.publishAsync(
      topics.recorder('rec-poison', 'data'),
      Buffer.from(
        sealer.seal(
          {
            data: {
              spoolEpoch: 'epoch-1',
              services: [{ name: service, running: true, at: Date.now() - 1_000 + seq }],
              events: [{ code: vigil.v1.Code.CODE_DRIVE_FILLING, subject: 'Camera 1', message: 'gap', firstSeen: Date.now() - 1_000 + seq, count: 1 }],
            },
          },
          seq,
        ),
      ),
      { qos: 1 },
    );
  const processingErrors = () => fleet.ingestor.stats.dropped['processing-error'] ?? 0;

  beforeAll(async () => {
    // A long group window, so the batches below share one group.
    fleet = await startLiveIngestor({ groupCommit: { maxDelayMs: 400 } });
    fleet.ingestor.onCommit((messages) => groups.push(messages));
    ({ client, sealer } = await fleet.device('rec-poison'));
    client.on('message', (_topic, payload) => acks.push(vigil.v1.Ack.decode(payload).seq));
    await client.subscribeAsync(topics.ack('rec-poison'), { qos: 1 });
    await client.publishAsync(
      topics.recorder('rec-poison', 'birth'),
      Buffer.from(sealer.seal({ birth: { bdSeq: 1, heartbeatSeconds: 30, spoolEpoch: 'epoch-1', inventory: { recorderName: 'Poison' } } }, 0)),
      { qos: 1 },
    );
    await until('the birth', () => fleet.ingestor.state.stateOf('rec-poison') === 'online');
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('stores and acknowledges the rest of the group; the failed batch is not acknowledged, and is stored once it can be', async () => {
    const db = fleet.ingestor.db;
    // Between groups (the birth's committed): a reading no row may hold, as a broken disk page would refuse.
    db.db.exec("CREATE TRIGGER poison_service BEFORE INSERT ON latest_services WHEN NEW.name = 'poison' BEGIN SELECT RAISE(ABORT, 'poison reading'); END");
    groups.length = 0;
    await Promise.all([send(1, 'VMS'), send(2, 'VMS'), send(3, 'poison'), send(4, 'VMS')]);
    await until('the group', () => groups.length > 0 && acks.includes(2));
    expect(processingErrors()).toBe(1);
    // 1, 2 and 4 in one committed group; 3 failed, so the contiguous seq acknowledged stays at 2.
    expect(groups[0]).toBe(3);
    expect(db.spoolPosition('rec-poison')).toEqual({ epoch: 'epoch-1', ackedSeq: 2 });
    expect(Math.max(...acks)).toBe(2);
    // Each stored batch once: the group applied again after the failure did not count events twice.
    expect(db.eventsOf('rec-poison', 0)).toEqual([expect.objectContaining({ subject: 'Camera 1', count: 3 })]);
    expect(fleet.ingestor.stats.duplicates).toBe(0);
    expect(fleet.ingestor.state.stateOf('rec-poison')).toBe('online');

    // The agent sends 3 again (no ack came for it); once SQLite takes it, 3 and the 4 held above the gap are acknowledged.
    db.db.exec('DROP TRIGGER poison_service');
    await send(3, 'poison');
    await until('ack 4', () => acks.includes(4));
    expect(db.spoolPosition('rec-poison')).toEqual({ epoch: 'epoch-1', ackedSeq: 4 });
    expect(db.servicesOf('rec-poison').map((s) => s.name)).toEqual(['VMS', 'poison']);
    expect(db.eventsOf('rec-poison', 0)).toEqual([expect.objectContaining({ subject: 'Camera 1', count: 4 })]);
    await fleet.ingestor.outbox.idle();
    // Every batch's reading in the time series, the re-sent one included, none twice.
    const stored = await fleet.ingestor.telemetry.query({ measurement: 'service', recorder: 'rec-poison', field: 'running', from: 0, to: Date.now() + 60_000 });
    expect(stored.map((row) => row.tags.service).sort()).toEqual(['VMS', 'VMS', 'VMS', 'poison']);
    expect(processingErrors()).toBe(1);
  });
});
