import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { topics, vigil } from '@vigil/proto/wire';
import { startLiveIngestor, until } from '../../ingestor/test/support/live-ingestor.js';

/**
 * Replays with real device clients over TLS against a live broker and ingestor: a recorder's
 * envelope sent again (applied once, the copies counted, acknowledged), and another recorder presenting a data
 * key that is not its own (refused, counted under its reason).
 */
describe('replayed envelopes and data keys', () => {
  let fleet: Awaited<ReturnType<typeof startLiveIngestor>>;
  let a: Awaited<ReturnType<typeof fleet.device>>;
  let b: Awaited<ReturnType<typeof fleet.device>>;
  const acks: number[] = [];
  const dropped = (reason: string) => (fleet.ingestor.stats.dropped as Record<string, number | undefined>)[reason] ?? 0;
  const metric = async (line: string) => (await fleet.ingestor.metrics.registry.metrics()).split('\n').find((l) => l.startsWith(line));

  beforeAll(async () => {
    fleet = await startLiveIngestor();
    a = await fleet.device('rec-a');
    b = await fleet.device('rec-b');
    a.client.on('message', (_topic, payload) => acks.push(vigil.v1.Ack.decode(payload).seq));
    await a.client.subscribeAsync(topics.ack('rec-a'), { qos: 1 });
    for (const [id, device] of [
      ['rec-a', a],
      ['rec-b', b],
    ] as const) {
      await device.client.publishAsync(
        topics.recorder(id, 'birth'),
        Buffer.from(device.sealer.seal({ birth: { bdSeq: 1, heartbeatSeconds: 30, spoolEpoch: `epoch-${id}`, inventory: { recorderName: id } } }, 0)),
        { qos: 1 },
      );
    }
    await until('both births', () => fleet.ingestor.state.stateOf('rec-a') === 'online' && fleet.ingestor.state.stateOf('rec-b') === 'online');
  });
  afterAll(async () => fleet?.close());

  it('applies a data batch sent three times once, counts the two copies, and acknowledges it', async () => {
    const batch = Buffer.from(
      a.sealer.seal(
        {
          data: {
            spoolEpoch: 'epoch-rec-a',
            events: [{ code: vigil.v1.Code.CODE_ARCHIVE_FATAL_ERROR, subject: 'replayed', firstSeen: Date.now(), lastSeen: Date.now(), count: 1, severity: 4 }],
          },
        },
        1,
      ),
    );
    for (let copy = 0; copy < 3; copy++) await a.client.publishAsync(topics.recorder('rec-a', 'data'), batch, { qos: 1 });
    // acknowledged (acks of one group commit are coalesced per recorder, so one ack may cover all three)
    await until('the copies counted and the batch acknowledged', () => fleet.ingestor.stats.duplicates === 2 && acks.includes(1));
    expect(fleet.ingestor.db.eventsOf('rec-a', 0).filter((e) => e.subject === 'replayed')).toEqual([expect.objectContaining({ count: 1 })]);
    expect(fleet.ingestor.stats.duplicates).toBe(2);
    expect(await metric('vigil_ingestor_duplicate_batches_total')).toBe('vigil_ingestor_duplicate_batches_total 2');
  });

  it("refuses another recorder's envelope replayed on its own topics, as it is or claimed as its own", async () => {
    const original = vigil.v1.Envelope.decode(a.sealer.seal({ heartbeat: { bdSeq: 1 } }, 2));
    // as it is: the sender inside is not the topic's recorder
    await b.client.publishAsync(topics.recorder('rec-b', 'hb'), Buffer.from(vigil.v1.Envelope.encode(original).finish()), { qos: 1 });
    await until('sender-mismatch', () => dropped('sender-mismatch') === 1);
    // claimed: rec-a's wrapped data key is bound to rec-a, whoever presents it next
    const claimed = vigil.v1.Envelope.encode({ ...original, sender: 'rec-b' }).finish();
    await b.client.publishAsync(topics.recorder('rec-b', 'hb'), Buffer.from(claimed), { qos: 1 });
    await until('replayed-data-key', () => dropped('replayed-data-key') === 1);
    expect(await metric('vigil_ingestor_messages_dropped_total{reason="replayed-data-key"}')).toMatch(/ 1$/);
    expect(await metric('vigil_ingestor_messages_dropped_total{reason="sender-mismatch"}')).toMatch(/ 1$/);
    // and both recorders carry on
    await b.client.publishAsync(topics.recorder('rec-b', 'hb'), Buffer.from(b.sealer.seal({ heartbeat: { bdSeq: 1 } }, 1)), { qos: 1 });
    await a.client.publishAsync(topics.recorder('rec-a', 'hb'), Buffer.from(a.sealer.seal({ heartbeat: { bdSeq: 1 } }, 3)), { qos: 1 });
    expect(b.client.connected && a.client.connected).toBe(true);
    expect(fleet.ingestor.state.stateOf('rec-b')).toBe('online');
  });
});
