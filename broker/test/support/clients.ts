import { readFileSync } from 'node:fs';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { TlsIdentityFiles } from '@vigil/proto/pki';

/**
 * Connects, or fails: with TLS 1.3 a refused client certificate is reported after the client's
 * handshake has finished, so a refusal can arrive as a plain close rather than an error.
 */
export const attempt = (url: string, opts: IClientOptions) =>
  new Promise<MqttClient>((resolve, reject) => {
    const client = connect(url, opts);
    client.once('connect', () => resolve(client));
    client.once('error', (error) => {
      client.end(true);
      reject(error);
    });
    client.once('close', () => {
      client.end(true);
      reject(new Error('connection closed before CONNACK'));
    });
  });

export const waitFor = async (what: string, probe: () => boolean, timeoutMs = 5_000) => {
  const deadline = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

/** A client of `port` with a fleet identity, no automatic reconnect (a test decides when to come back). */
export const connectAs = (port: number, clientId: string, identity: TlsIdentityFiles, caPath: string, extra: IClientOptions = {}) =>
  attempt(`mqtts://127.0.0.1:${port}`, {
    clientId,
    cert: readFileSync(identity.cert),
    key: readFileSync(identity.key),
    ca: readFileSync(caPath),
    reconnectPeriod: 0,
    connectTimeout: 10_000,
    protocolVersion: 4,
    ...extra,
  });
