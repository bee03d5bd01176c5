import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectAsync, type MqttClient } from 'mqtt';
import { pino } from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { FleetPki } from '@vigil/proto/pki';
import { describeWithSystem } from '../../testing/system.js';
import { startBroker, type RunningBroker } from '../src/index.js';

const run = promisify(execFile);
const PUB = '/usr/bin/mosquitto_pub';
const SUB = '/usr/bin/mosquitto_sub';

describeWithSystem('interop with clients nobody here wrote (Debian mosquitto-clients)', [PUB, SUB], () => {
  let dir: string;
  let pki: FleetPki;
  let broker: RunningBroker;
  let listener: MqttClient;
  const received: Array<[string, string]> = [];

  const tlsArgs = (cert: string, key: string) => [
    '-h',
    '127.0.0.1',
    '-p',
    String(broker.port),
    '--cafile',
    pki.caCertPath,
    '--cert',
    cert,
    '--key',
    key,
    '-V',
    'mqttv311',
  ];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vigil-interop-'));
    pki = new FleetPki(join(dir, 'pki'));
    await pki.init();
    await pki.issueDevice('rec-mosq');
    broker = await startBroker({ port: 0, tls: pki.broker(), registryPath: pki.registryPath, logger: pino({ level: 'silent' }) });
    const ingestor = pki.service('ingestor');
    listener = await connectAsync(`mqtts://127.0.0.1:${broker.port}`, {
      clientId: 'service:ingestor',
      cert: readFileSync(ingestor.cert),
      key: readFileSync(ingestor.key),
      ca: readFileSync(ingestor.ca),
      reconnectPeriod: 0,
    });
    listener.on('message', (topic, payload) => received.push([topic, payload.toString()]));
    await listener.subscribeAsync('vigil/v1/rec/+/+', { qos: 1 });
  });

  afterAll(async () => {
    await listener?.endAsync(true);
    await broker?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('mosquitto_pub with a device certificate publishes into its own topics, and is dropped outside them', async () => {
    const device = pki.device('rec-mosq');
    await run(PUB, [...tlsArgs(device.cert, device.key), '-i', 'rec-mosq', '-q', '1', '-t', 'vigil/v1/rec/rec-mosq/hb', '-m', 'from mosquitto_pub']);
    await run(PUB, [...tlsArgs(device.cert, device.key), '-i', 'rec-mosq', '-q', '1', '-t', 'vigil/v1/rec/someone-else/hb', '-m', 'forged']);
    const deadline = Date.now() + 5_000;
    while (received.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    await new Promise((r) => setTimeout(r, 200));
    expect(received).toEqual([['vigil/v1/rec/rec-mosq/hb', 'from mosquitto_pub']]);
    expect(broker.stats.drops['publish-denied']).toBe(1);
  });

  it('mosquitto_sub with the ingestor certificate receives what a device publishes', async () => {
    const service = pki.service('ingestor');
    const sub = run(SUB, [
      ...tlsArgs(service.cert, service.key),
      '-i',
      'service:ingestor-mosq',
      '-q',
      '1',
      '-t',
      'vigil/v1/rec/+/+',
      '-C',
      '1',
      '-W',
      '10',
      '-v',
    ]);
    await new Promise((r) => setTimeout(r, 500));
    const device = pki.device('rec-mosq');
    await run(PUB, [...tlsArgs(device.cert, device.key), '-i', 'rec-mosq', '-q', '1', '-t', 'vigil/v1/rec/rec-mosq/data', '-m', 'hello sub']);
    const { stdout } = await sub;
    expect(stdout.trim()).toBe('vigil/v1/rec/rec-mosq/data hello sub');
  });

  it('mosquitto_pub without a client certificate is refused', async () => {
    await expect(
      run(PUB, ['-h', '127.0.0.1', '-p', String(broker.port), '--cafile', pki.caCertPath, '-i', 'rec-mosq', '-t', 'vigil/v1/rec/rec-mosq/hb', '-m', 'x']),
    ).rejects.toThrow();
  });
});
