import { generateKeyPairSync } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeSealer } from '@vigil/proto/envelope';
import { topics, vigil } from '@vigil/proto/wire';
import { startLiveIngestor, until } from './support/live-ingestor.js';

/**
 * What a sender can get wrong, sent to a real broker and the ingestor over TLS by a real device
 * client: each is counted by reason on /metrics, and the ingestor keeps working.
 * (Moved from cli/test/ingestor-bad-input.test.ts; that the broker's endpoint serves these metrics
 * under vigil up is checked in cli/test/metrics-endpoint.test.ts.)
 */
describe('ingestor bad input', () => {
  const DAY = 24 * 3_600_000;
  let fleet: Awaited<ReturnType<typeof startLiveIngestor>>;
  let client: MqttClient;
  let sealer: EnvelopeSealer;
  let signingKeyPem: string;
  let recipientPublicKeyPem: string;
  const acks: number[] = [];

  const dropped = (reason: string) => (fleet.ingestor.stats.dropped as Record<string, number | undefined>)[reason] ?? 0;
  const send = (kind: 'birth' | 'hb' | 'data' | 'death', bytes: Uint8Array) =>
    client.publishAsync(topics.recorder('rec-bad', kind), Buffer.from(bytes), { qos: 1 });
  const batch = (seq: number, data: vigil.v1.IDataBatch) => send('data', sealer.seal({ data: { spoolEpoch: 'epoch-1', ...data } }, seq));
  const metricsText = () => fleet.ingestor.metrics.registry.metrics();

  beforeAll(async () => {
    fleet = await startLiveIngestor();
    ({ client, sealer, signingKeyPem, recipientPublicKeyPem } = await fleet.device('rec-bad'));
    await fleet.pki.issueDevice('rec-other');
    client.on('message', (_topic, payload) => acks.push(vigil.v1.Ack.decode(payload).seq));
    await client.subscribeAsync(topics.ack('rec-bad'), { qos: 1 });
    await send('birth', sealer.seal({ birth: { bdSeq: 1, heartbeatSeconds: 30, spoolEpoch: 'epoch-1', inventory: { recorderName: 'Bad input' } } }, 0));
    await until('the birth', () => fleet.ingestor.state.stateOf('rec-bad') === 'online');
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('counts and drops what it cannot open or that is on the wrong topic', async () => {
    await send('hb', Buffer.from('definitely not an envelope'));
    await until('malformed', () => dropped('malformed') === 1);

    const otherSigner = readFileSync(fleet.pki.device('rec-other').signingKey, 'utf8');
    await send('hb', new EnvelopeSealer({ sender: 'rec-bad', signingKeyPem: otherSigner, recipientPublicKeyPem }).seal({ heartbeat: { bdSeq: 1 } }, 0));
    await until('bad signature', () => dropped('bad-signature') === 1);

    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
    await send('hb', new EnvelopeSealer({ sender: 'rec-bad', signingKeyPem, recipientPublicKeyPem: stranger }).seal({ heartbeat: { bdSeq: 1 } }, 0));
    await until('unknown key', () => dropped('unknown-recipient-key') === 1);

    await send('birth', sealer.seal({ heartbeat: { bdSeq: 1 } }, 0));
    await until('wrong kind', () => dropped('wrong-payload-kind') === 1);
    expect(fleet.ingestor.state.stateOf('rec-bad')).toBe('online');
  });

  it('keeps codes and severities from newer agents under their numbers', async () => {
    await batch(1, {
      conditions: [
        {
          code: 999 as vigil.v1.Code,
          subject: 'flux capacitor',
          active: true,
          at: Date.now(),
          severity: 77 as vigil.v1.Severity,
          message: 'from a newer agent',
        },
      ],
    });
    await until('ack 1', () => acks.includes(1));
    expect(fleet.ingestor.db.conditionsOf('rec-bad')).toEqual([
      expect.objectContaining({ code: 'code-999', subject: 'flux capacitor', severity: 'severity-77' }),
    ]);
  });

  it('moves times in the future to when it received them, and leaves out observations older than any retention', async () => {
    const before = Date.now();
    await batch(2, {
      conditions: [
        { code: vigil.v1.Code.CODE_CAMERA_UNREACHABLE, subject: 'Gate 3', active: true, at: before + 365 * DAY, severity: 3, message: 'clock ahead' },
      ],
    });
    await until('ack 2', () => acks.includes(2));
    const gate = fleet.ingestor.db.conditionsOf('rec-bad').find((c) => c.subject === 'Gate 3');
    expect(gate?.since).toBeGreaterThanOrEqual(before);
    expect(gate?.since).toBeLessThanOrEqual(Date.now());

    const ancient = before - 500 * DAY;
    await batch(3, {
      events: [
        {
          code: vigil.v1.Code.CODE_ARCHIVE_FATAL_ERROR,
          subject: 'old archive',
          firstSeen: ancient,
          lastSeen: ancient,
          count: 1,
          severity: 4,
          message: 'long ago',
        },
      ],
    });
    await until('ack 3', () => acks.includes(3)); // the rest of the batch is stored and acknowledged
    expect(fleet.ingestor.db.eventsOf('rec-bad', 0).filter((e) => e.subject === 'old archive')).toEqual([]);
  });

  it('refuses a batch far larger than an agent makes, without acknowledging it', async () => {
    const events = Array.from({ length: 10_001 }, () => ({ code: vigil.v1.Code.CODE_FILE_DELETE_FAILED, count: 1 }));
    await batch(4, { events });
    await until('oversized', () => dropped('oversized-batch') === 1);
    // Left in the agent's spool, where nothing is lost: no ack for it.
    await send('hb', sealer.seal({ heartbeat: { bdSeq: 1 } }, 0));
    const processed = fleet.ingestor.stats.processed;
    await until('the next heartbeat', () => fleet.ingestor.stats.processed > processed);
    expect(acks).not.toContain(4);
  });

  it('announces a new problem on the state topic even when the state stays degraded', async () => {
    const watcher = await fleet.service('dashboard', 'service:dashboard:test');
    const seen: vigil.v1.RecorderState[] = [];
    watcher.on('message', (_topic, payload, packet) => {
      if (!packet.retain) seen.push(vigil.v1.RecorderState.decode(payload));
    });
    await watcher.subscribeAsync(topics.state('rec-bad'), { qos: 1 });
    expect(fleet.ingestor.state.stateOf('rec-bad')).toBe('degraded');
    await batch(5, {
      conditions: [
        { code: vigil.v1.Code.CODE_CAMERA_UNREACHABLE, subject: 'Lobby', active: true, at: Date.now(), severity: 3, message: 'Camera Lobby is unreachable' },
      ],
    });
    await until('a state message', () => seen.length > 0);
    expect(seen[0]).toMatchObject({ recorderId: 'rec-bad', status: vigil.v1.RecorderStatus.RECORDER_STATUS_DEGRADED, activeProblems: 3 });
    await watcher.endAsync();
  });

  it('reports every reason on /metrics, and is still alive', async () => {
    const text = await metricsText();
    for (const reason of ['malformed', 'bad-signature', 'unknown-recipient-key', 'wrong-payload-kind', 'oversized-batch']) {
      expect(text).toContain(`vigil_ingestor_messages_dropped_total{reason="${reason}"} 1`);
    }
    expect(text).toContain('vigil_ingestor_observations_adjusted_total{reason="future-timestamp"} 1');
    expect(text).toContain('vigil_ingestor_observations_adjusted_total{reason="past-timestamp"} 1');
    expect(text).toMatch(/vigil_ingestor_recorders\{state="degraded"\} 1/);
    expect(fleet.ingestor.state.stateOf('rec-bad')).toBe('degraded');
  });
});
