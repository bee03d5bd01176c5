import { type ChildProcess, fork } from 'node:child_process';
import { createCipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import fc from 'fast-check';
import { connectAsync, type MqttClient } from 'mqtt';
import { generate, type Packet } from 'mqtt-packet';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EnvelopeSealer } from '@vigil/proto/envelope';
import { topics, vigil } from '@vigil/proto/wire';
import { additionalData } from '../../proto/src/envelope/keys.js';
import { keepForProof } from '../faults/support/report.js';

/**
 * Hostile input against a live broker and ingestor (one child process, see support/fuzz-target.ts):
 * 100,000 generated and mutated envelopes, sealed hostile payloads and raw MQTT packets. Nothing
 * may crash it, disconnect a well-behaved recorder, grow its memory past MEMORY_GROWTH_LIMIT, or be
 * refused without a count under its reason on /metrics. Replay a failure with VIGIL_FUZZ_SEED=<seed>
 * (fast-check also prints the seed and path of the failing run).
 */
const SEED = Number(process.env.VIGIL_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const ENVELOPE_RUNS = 300;
const ENVELOPES_PER_RUN = 250; // 75,000 envelopes
const RAW_RUNS = 125;
const PACKETS_PER_RUN = 200; // 25,000 raw MQTT packets
/** RSS of the broker + ingestor process after a forced GC may grow by at most this over the whole run. */
const MEMORY_GROWTH_LIMIT = 64 * 1024 * 1024;

const INGESTOR_DROP_REASONS = new Set([
  'oversized',
  'malformed',
  'sender-mismatch',
  'unknown-recipient-key',
  'unknown-sender',
  'replayed-data-key',
  'bad-signature',
  'tampered',
  'bad-topic',
  'wrong-payload-kind',
  'oversized-batch',
]);
/** Broker refusals that close a connection; each closed raw connection must be counted under one. */
const CLOSING_REFUSALS = ['protocol-error', 'inflight-window', 'packet-size', 'keepalive-timeout', 'connect-timeout'];

type Counters = Map<string, number>;
const parseMetrics = (text: string): Counters => {
  const counters = new Map<string, number>();
  for (const line of text.split('\n')) {
    const match = /^(vigil_\w+(?:\{[^}]*\})?) (\S+)$/.exec(line);
    if (match) counters.set(match[1]!, Number(match[2]));
  }
  return counters;
};
const byLabel = (counters: Counters, name: string) => {
  const out: Record<string, number> = {};
  for (const [key, value] of counters) {
    const match = new RegExp(`^${name}\\{reason="([^"]+)"\\}$`).exec(key);
    if (match) out[match[1]!] = value;
  }
  return out;
};
const delta = (after: Record<string, number>, before: Record<string, number>) =>
  Object.fromEntries(
    Object.entries(after)
      .map(([k, v]) => [k, v - (before[k] ?? 0)])
      .filter(([, v]) => (v as number) > 0),
  ) as Record<string, number>;
const sum = (values: Record<string, number>) => Object.values(values).reduce((a, b) => a + b, 0);

// ---- arbitraries -------------------------------------------------------------------------------

const text = fc.string({ maxLength: 40 });
const time = fc.oneof(fc.integer({ min: -(2 ** 52), max: 2 ** 52 }), fc.constant(Date.now()));
const observation = fc.record({
  code: fc.integer({ min: -5, max: 2_000 }),
  subject: text,
  active: fc.boolean(),
  at: time,
  severity: fc.integer({ min: -5, max: 100 }),
  message: text,
});
const event = fc.record({
  code: fc.integer({ min: -5, max: 2_000 }),
  subject: text,
  firstSeen: time,
  lastSeen: time,
  count: fc.nat(),
  severity: fc.integer({ min: -5, max: 100 }),
  message: text,
});
const payload: fc.Arbitrary<vigil.v1.IPayload> = fc.oneof(
  fc.record({ heartbeat: fc.record({ bdSeq: fc.nat() }) }),
  fc.record({ death: fc.record({ bdSeq: fc.nat() }) }),
  fc.record({
    birth: fc.record({
      bdSeq: fc.nat(),
      heartbeatSeconds: fc.integer({ min: -10, max: 100_000 }),
      spoolEpoch: text,
      inventory: fc.record({ recorderName: text }),
    }),
  }),
  fc.record({
    data: fc.record({
      spoolEpoch: text,
      conditions: fc.array(observation, { maxLength: 4 }),
      events: fc.array(event, { maxLength: 4 }),
    }),
  }),
);
const kind = fc.constantFrom('birth', 'hb', 'data', 'death') as fc.Arbitrary<'birth' | 'hb' | 'data' | 'death'>;
const mutation = fc.record({
  op: fc.constantFrom('flip', 'set', 'insert', 'delete', 'truncate', 'duplicate'),
  at: fc.nat(),
  byte: fc.integer({ min: 0, max: 255 }),
});
const mutate = (bytes: Uint8Array, mutations: Array<{ op: string; at: number; byte: number }>): Buffer => {
  let out = Buffer.from(bytes);
  for (const m of mutations) {
    const at = out.length === 0 ? 0 : m.at % out.length;
    if (m.op === 'flip' && out.length > 0) out[at] = out[at]! ^ (1 << (m.byte % 8));
    else if (m.op === 'set' && out.length > 0) out[at] = m.byte;
    else if (m.op === 'insert') out = Buffer.concat([out.subarray(0, at), Buffer.from([m.byte]), out.subarray(at)]);
    else if (m.op === 'delete') out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1)]);
    else if (m.op === 'truncate') out = out.subarray(0, at);
    else if (m.op === 'duplicate') out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + 1 + (m.byte % 32)), out.subarray(at)]);
  }
  return out;
};
const bytes = (maxLength: number) => fc.uint8Array({ maxLength });

/** What one envelope input is; turned into bytes by `envelopeBytes` once the sealers exist. */
const envelopeInput = fc.oneof(
  // a genuine envelope, then damaged
  fc.record({ type: fc.constant('mutated' as const), kind, payload, seq: fc.nat(), mutations: fc.array(mutation, { minLength: 1, maxLength: 4 }) }),
  // a protobuf Envelope made up field by field, some fields taken from a genuine one of this or another recorder
  fc.record({
    type: fc.constant('generated' as const),
    kind,
    borrowFrom: fc.constantFrom('rec-fuzz', 'rec-calm', 'none'),
    fields: fc.record(
      {
        version: fc.nat(),
        sender: fc.constantFrom('rec-fuzz', 'rec-calm', 'rec-raw', '', 'rec-unknown'),
        keyId: bytes(40),
        wrappedKey: bytes(300),
        sessionStart: time,
        signature: bytes(300),
        seq: fc.nat(),
        iv: bytes(16),
        ciphertext: bytes(200),
        tag: bytes(20),
      },
      { requiredKeys: [] },
    ),
  }),
  // correctly sealed by the recorder, with a plaintext that is not (or not quite) a Payload
  fc.record({
    type: fc.constant('sealed-bytes' as const),
    kind,
    seq: fc.nat(),
    plaintext: fc.oneof(
      bytes(200),
      payload.map((p) => vigil.v1.Payload.encode(p).finish()),
    ),
    mutations: fc.array(mutation, { maxLength: 3 }),
  }),
  // another recorder's genuine envelope, as it is (sender-mismatch) or claimed as this one's (replayed-data-key)
  fc.record({ type: fc.constant('replay' as const), kind, claim: fc.boolean(), seq: fc.nat() }),
  // not protobuf at all
  fc.record({ type: fc.constant('noise' as const), kind, noise: bytes(400) }),
);
type EnvelopeInput = typeof envelopeInput extends fc.Arbitrary<infer T> ? T : never;

const topicFilter = fc.constantFrom('vigil/v1/cmd/rec-raw', 'vigil/v1/ack/rec-raw', 'vigil/v1/cmd/rec-calm', '#', 'vigil/#', '$SYS/#', 'vigil/v1/rec/+/+', '');
const topicName = fc.constantFrom(
  'vigil/v1/rec/rec-raw/hb',
  'vigil/v1/rec/rec-raw/data',
  'vigil/v1/rec/rec-calm/hb',
  'vigil/v1/ack/rec-calm',
  'vigil/v1/state/rec-calm',
  '$vigil/dropped',
  'vigil/#',
  '',
);
/** MQTT 3.1.1 packets mqtt-packet can write (no DISCONNECT: that is a client's right to leave, not a refusal). */
const mqttPacket: fc.Arbitrary<Packet> = fc.oneof(
  fc.record({
    cmd: fc.constant('publish' as const),
    topic: topicName,
    payload: bytes(300).map((b) => Buffer.from(b)),
    qos: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2>,
    messageId: fc.integer({ min: 1, max: 65_535 }),
    retain: fc.boolean(),
    dup: fc.boolean(),
  }),
  fc.record({
    cmd: fc.constant('subscribe' as const),
    messageId: fc.integer({ min: 1, max: 65_535 }),
    subscriptions: fc.array(fc.record({ topic: topicFilter, qos: fc.constantFrom(0, 1, 2) as fc.Arbitrary<0 | 1 | 2> }), { minLength: 1, maxLength: 3 }),
  }),
  fc.record({
    cmd: fc.constant('unsubscribe' as const),
    messageId: fc.integer({ min: 1, max: 65_535 }),
    unsubscriptions: fc.array(topicFilter, { minLength: 1, maxLength: 3 }),
  }),
  fc.record({ cmd: fc.constantFrom('puback', 'pubrec', 'pubrel', 'pubcomp') as fc.Arbitrary<'puback'>, messageId: fc.integer({ min: 1, max: 65_535 }) }),
  fc.record({ cmd: fc.constant('pingreq' as const) }),
  fc.record({
    cmd: fc.constant('connect' as const),
    protocolId: fc.constant('MQTT' as const),
    protocolVersion: fc.constant(4 as const),
    clean: fc.boolean(),
    clientId: fc.constantFrom('rec-raw', 'rec-calm', 'x'),
    keepalive: fc.nat({ max: 65_535 }),
  }),
) as fc.Arbitrary<Packet>;
/** A generated packet, possibly damaged, or noise; 0xE0 (DISCONNECT) is kept out of damaged bytes for the same reason. */
const rawInput = fc.oneof(
  { weight: 3, arbitrary: mqttPacket.map((p) => Buffer.from(generate(p))) },
  { weight: 2, arbitrary: fc.tuple(mqttPacket, fc.array(mutation, { minLength: 1, maxLength: 3 })).map(([p, m]) => noDisconnect(mutate(generate(p), m))) },
  { weight: 1, arbitrary: bytes(64).map((b) => noDisconnect(Buffer.from(b))) },
);
const ZERO_TAIL = Buffer.alloc(256 * 1024 + 16);
const noDisconnect = (b: Buffer) => b.map((x) => (x === 0xe0 ? 0xe1 : x)) as Buffer;

// ---- the test ----------------------------------------------------------------------------------

describe('hostile input: 100,000 generated and mutated inputs against a live broker and ingestor', () => {
  let dir: string;
  let target: ChildProcess;
  let ports: { port: number; metricsPort: number };
  let exited: string | undefined;
  const clients: MqttClient[] = [];
  const rssSamples: number[] = [];

  const url = () => `mqtts://127.0.0.1:${ports.port}`;
  const metrics = async () => parseMetrics(await (await fetch(`http://127.0.0.1:${ports.metricsPort}/metrics`)).text());
  const rss = () =>
    new Promise<number>((resolve, reject) => {
      const onMessage = (message: { rss?: number; gc?: boolean }) => {
        if (message.rss === undefined) return;
        target.off('message', onMessage);
        if (!message.gc) reject(new Error('the target runs without --expose-gc'));
        resolve(message.rss);
      };
      target.on('message', onMessage);
      target.send('rss');
    });

  beforeAll(async () => {
    console.log(`fuzz seed ${SEED} (replay: VIGIL_FUZZ_SEED=${SEED} npx vitest run test/security/fuzz.test.ts)`);
    dir = mkdtempSync(join(tmpdir(), 'vigil-sec-fuzz-'));
    target = fork(join(import.meta.dirname, 'support', 'fuzz-target.ts'), [dir], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    // What it printed last goes into the failure: a crash's stack is the one clue a CI log keeps.
    let stderrTail = '';
    target.stderr?.on('data', (chunk: Buffer) => {
      process.stderr.write(chunk);
      stderrTail = (stderrTail + chunk.toString('utf8')).slice(-4_000);
    });
    target.once('close', (code, signal) => {
      exited = `exited with ${code ?? signal}${stderrTail ? `; its stderr ended with:\n${stderrTail}` : ''}`;
    });
    ports = await new Promise((resolve, reject) => {
      target.once('message', (message) => resolve(message as { port: number; metricsPort: number }));
      target.once('exit', () => reject(new Error(`fuzz target ${exited}`)));
    });
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map((c) => c.endAsync(true).catch(() => undefined)));
    if (target && target.exitCode === null) {
      const gone = new Promise((r) => target.once('exit', r));
      target.kill('SIGTERM');
      await gone;
    }
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('survives them all, keeps a well-behaved recorder connected, stays within its memory limit, and counts every refusal by reason', async () => {
    const { FleetPki } = await import('@vigil/proto/pki');
    const pki = new FleetPki(join(dir, 'pki'));
    const device = async (id: string) => {
      const files = pki.device(id);
      const client = await connectAsync(url(), {
        clientId: id,
        cert: readFileSync(files.cert),
        key: readFileSync(files.key),
        ca: readFileSync(files.ca),
        reconnectPeriod: 0,
        connectTimeout: 20_000,
      });
      clients.push(client);
      const sealer = new EnvelopeSealer({
        sender: id,
        signingKeyPem: readFileSync(files.signingKey, 'utf8'),
        recipientPublicKeyPem: readFileSync(files.recipientPublicKey, 'utf8'),
      });
      return { client, sealer, files };
    };

    // The well-behaved recorder: born, then a heartbeat after every batch; it must never be dropped.
    const calm = await device('rec-calm');
    let calmClosed = false;
    calm.client.on('close', () => {
      calmClosed = true;
    });
    let calmSeq = 0;
    await calm.client.publishAsync(
      topics.recorder('rec-calm', 'birth'),
      Buffer.from(calm.sealer.seal({ birth: { bdSeq: 1, heartbeatSeconds: 30, spoolEpoch: 'calm', inventory: { recorderName: 'Calm' } } }, calmSeq++)),
      { qos: 1 },
    );
    const calmHeartbeat = () =>
      calm.client.publishAsync(topics.recorder('rec-calm', 'hb'), Buffer.from(calm.sealer.seal({ heartbeat: { bdSeq: 1 } }, calmSeq++)), { qos: 1 });
    const calmEnvelope = vigil.v1.Envelope.decode(calm.sealer.seal({ heartbeat: { bdSeq: 1 } }, 0));

    let envelopesSent = 0;
    let packetsSent = 0;
    const fuzz = await device('rec-fuzz');
    fuzz.client.on('error', () => undefined);
    let fuzzClosed = false;
    fuzz.client.on('close', () => {
      fuzzClosed = true;
    });
    /**
     * `work`, or a failure saying why it cannot finish: mqtt.js (reconnectPeriod 0) never settles a
     * QoS 1 publish whose connection closed, so a crash or a disconnect would otherwise be a hang.
     */
    const unlessBroken = <T>(what: string, work: Promise<T>) =>
      new Promise<T>((resolve, reject) => {
        const check = setInterval(() => {
          const why = exited
            ? `the broker + ingestor process ${exited}`
            : calmClosed
              ? 'the well-behaved recorder was disconnected'
              : fuzzClosed
                ? 'the fuzzing recorder was disconnected'
                : undefined;
          if (!why) return;
          clearInterval(check);
          reject(new Error(`${what}: ${why} (after ${envelopesSent} envelopes, ${packetsSent} raw packets)`));
        }, 100);
        work.then(
          (value) => {
            clearInterval(check);
            resolve(value);
          },
          (error: unknown) => {
            clearInterval(check);
            reject(error);
          },
        );
      });
    const fuzzEnvelope = vigil.v1.Envelope.decode(fuzz.sealer.seal({ heartbeat: { bdSeq: 1 } }, 0));
    // The sealer's current data key (private): lets the test seal plaintexts that are not Payloads.
    const dataKey = (fuzz.sealer as unknown as { current: { key: Buffer } }).current.key;
    const sealBytes = (plaintext: Uint8Array, seq: number) => {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', dataKey, iv);
      cipher.setAAD(additionalData('rec-fuzz', fuzzEnvelope.keyId, seq));
      const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
      return vigil.v1.Envelope.encode({ ...fuzzEnvelope, seq, iv, ciphertext, tag: cipher.getAuthTag() }).finish();
    };
    const envelopeBytes = (input: EnvelopeInput): Uint8Array => {
      switch (input.type) {
        case 'mutated':
          return mutate(fuzz.sealer.seal(input.payload, input.seq), input.mutations);
        case 'generated': {
          const borrowed = input.borrowFrom === 'rec-fuzz' ? fuzzEnvelope : input.borrowFrom === 'rec-calm' ? calmEnvelope : {};
          return vigil.v1.Envelope.encode({ ...borrowed, ...input.fields }).finish();
        }
        case 'sealed-bytes':
          return mutate(sealBytes(input.plaintext, input.seq), input.mutations);
        case 'replay':
          return vigil.v1.Envelope.encode({ ...calmEnvelope, seq: input.seq, ...(input.claim ? { sender: 'rec-fuzz' } : {}) }).finish();
        case 'noise':
          return input.noise;
      }
    };

    rssSamples.push(await rss());
    const before = await metrics();
    const started = Date.now();
    let calmSent = 0; // the birth is in `before` already

    // 1. envelopes and payloads on the fuzzing recorder's own topics (QoS 1: the broker has taken each)
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(envelopeInput), { minLength: ENVELOPES_PER_RUN, maxLength: ENVELOPES_PER_RUN }), async (inputs) => {
        await unlessBroken(
          'a batch of envelopes',
          Promise.all(
            inputs.map(([input]) => fuzz.client.publishAsync(topics.recorder('rec-fuzz', input.kind), Buffer.from(envelopeBytes(input)), { qos: 1 })),
          ),
        );
        envelopesSent += inputs.length;
        await unlessBroken('a heartbeat of the well-behaved recorder', calmHeartbeat());
        calmSent++;
        return exited === undefined && !calmClosed && fuzz.client.connected;
      }),
      { seed: SEED, numRuns: ENVELOPE_RUNS, endOnFailure: true },
    );

    // Everything the broker took reaches the ingestor, and each is applied or dropped under a reason.
    const expectedReceived = (before.get('vigil_ingestor_messages_received_total') ?? 0) + envelopesSent + calmSent;
    let afterEnvelopes = await metrics();
    const deadline = Date.now() + 60_000;
    while ((afterEnvelopes.get('vigil_ingestor_messages_received_total') ?? 0) < expectedReceived && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
      afterEnvelopes = await metrics();
    }
    const received = (afterEnvelopes.get('vigil_ingestor_messages_received_total') ?? 0) - (before.get('vigil_ingestor_messages_received_total') ?? 0);
    const processed = (afterEnvelopes.get('vigil_ingestor_messages_processed_total') ?? 0) - (before.get('vigil_ingestor_messages_processed_total') ?? 0);
    const drops = delta(byLabel(afterEnvelopes, 'vigil_ingestor_messages_dropped_total'), byLabel(before, 'vigil_ingestor_messages_dropped_total'));
    expect(received).toBe(envelopesSent + calmSent);
    expect(processed + sum(drops)).toBe(received);
    expect(Object.keys(drops).filter((reason) => !INGESTOR_DROP_REASONS.has(reason))).toEqual([]);
    // the fuzz reached past each layer: undecodable, forged, tampered, replayed and semantically wrong input
    for (const reason of ['malformed', 'bad-signature', 'tampered', 'replayed-data-key', 'sender-mismatch', 'wrong-payload-kind']) {
      expect(drops[reason] ?? 0, reason).toBeGreaterThan(0);
    }

    // 2. raw MQTT packets on their own TLS connections (a recorder identity, rec-raw)
    const rawFiles = pki.device('rec-raw');
    const tlsOptions = {
      host: '127.0.0.1',
      port: ports.port,
      ca: readFileSync(rawFiles.ca),
      cert: readFileSync(rawFiles.cert),
      key: readFileSync(rawFiles.key),
      servername: 'localhost',
    };
    let closedByBroker = 0;
    const brokerBefore = byLabel(await metrics(), 'vigil_broker_connections_refused_total');
    /**
     * Sends CONNECT, the packets, then PINGREQ and a tail of zero bytes longer than the largest
     * packet the broker accepts (256 KiB): a damaged length may leave the broker waiting for the
     * rest of a packet, and the tail completes it; zeros then parse as packet type 0, which MQTT
     * forbids. So every session ends with the broker closing it for what it was sent, and each
     * must be counted once under a reason. Resolves when the broker has closed the connection.
     */
    const rawSession = (packets: Buffer[]) =>
      new Promise<'closed'>((resolve, reject) => {
        const socket = tlsConnect(tlsOptions, () => {
          socket.write(generate({ cmd: 'connect', protocolId: 'MQTT', protocolVersion: 4, clean: true, clientId: 'rec-raw', keepalive: 60 }));
        });
        let stage: 'connack' | 'packets' = 'connack';
        let inbound = Buffer.alloc(0);
        const timer = setTimeout(() => {
          socket.destroy();
          reject(new Error('the broker did not close a raw session within 20 s of a forbidden packet'));
        }, 20_000);
        socket.on('data', (chunk: Buffer) => {
          inbound = Buffer.concat([inbound, chunk]);
          if (stage === 'connack' && inbound.length >= 4 && inbound[0] === 0x20) {
            if (inbound[3] !== 0) return reject(new Error(`CONNACK refused rec-raw: ${inbound[3]}`));
            inbound = inbound.subarray(4);
            stage = 'packets';
            for (const packet of packets) socket.write(packet);
            socket.write(generate({ cmd: 'pingreq' }));
            socket.write(ZERO_TAIL);
          }
        });
        socket.on('error', () => undefined);
        socket.once('close', () => {
          clearTimeout(timer);
          resolve('closed');
        });
      });
    await fc.assert(
      fc.asyncProperty(fc.array(rawInput, { minLength: PACKETS_PER_RUN, maxLength: PACKETS_PER_RUN }), async (packets) => {
        await unlessBroken('a raw MQTT session', rawSession(packets));
        packetsSent += packets.length;
        closedByBroker++;
        await unlessBroken('a heartbeat of the well-behaved recorder', calmHeartbeat());
        calmSent++;
        return exited === undefined && !calmClosed;
      }),
      { seed: SEED + 1, numRuns: RAW_RUNS, endOnFailure: true },
    );

    const elapsed = (Date.now() - started) / 1_000;
    const after = await metrics();
    const brokerRefused = delta(byLabel(after, 'vigil_broker_connections_refused_total'), brokerBefore);
    const closingRefusals = CLOSING_REFUSALS.reduce((n, reason) => n + (brokerRefused[reason] ?? 0), 0);
    rssSamples.push(await rss());
    const ingestorDrops = delta(byLabel(after, 'vigil_ingestor_messages_dropped_total'), byLabel(before, 'vigil_ingestor_messages_dropped_total'));
    console.log(
      `fuzz: ${envelopesSent} envelopes + ${packetsSent} raw MQTT packets in ${elapsed.toFixed(1)} s (seed ${SEED}); ` +
        `ingestor dropped ${JSON.stringify(ingestorDrops)}; broker refused ${JSON.stringify(brokerRefused)}, ` +
        `${closedByBroker}/${RAW_RUNS} raw connections closed; RSS after GC ${(rssSamples[0]! / 2 ** 20).toFixed(0)} -> ${(rssSamples[1]! / 2 ** 20).toFixed(0)} MiB`,
    );

    keepForProof('fuzz', {
      seed: SEED,
      envelopes: envelopesSent,
      rawPackets: packetsSent,
      seconds: elapsed,
      ingestorDropped: ingestorDrops,
      brokerRefused,
      rawConnectionsClosed: closedByBroker,
      rawConnections: RAW_RUNS,
      rssBeforeBytes: rssSamples[0],
      rssAfterBytes: rssSamples[1],
      memoryGrowthLimitBytes: MEMORY_GROWTH_LIMIT,
    });
    expect(envelopesSent + packetsSent).toBeGreaterThanOrEqual(100_000);
    expect(exited).toBeUndefined();
    expect(calmClosed).toBe(false);
    // every connection the broker closed for what it sent is counted, once, under its reason
    expect(closingRefusals).toBe(closedByBroker);
    expect(Object.keys(brokerRefused).filter((reason) => !CLOSING_REFUSALS.includes(reason))).toEqual([]);
    expect(rssSamples[1]! - rssSamples[0]!).toBeLessThan(MEMORY_GROWTH_LIMIT);
    const health = (await (await fetch(`http://127.0.0.1:${ports.metricsPort}/healthz`)).json()) as { status: string };
    expect(health.status).toBe('ok');
  }, 240_000);
});
