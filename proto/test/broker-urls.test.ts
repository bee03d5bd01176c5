import { connect } from 'mqtt';
import { describe, expect, it } from 'vitest';
import { followServerNames, mqttServers, splitBrokerUrls } from '../src/broker-urls.js';

describe('broker URL lists', () => {
  it('splits at commas, trimmed, and gives mqtt.js one server per node', () => {
    expect(splitBrokerUrls(' mqtts://a:8883 , mqtts://b ,')).toEqual(['mqtts://a:8883', 'mqtts://b']);
    expect(splitBrokerUrls(['mqtts://a:8883', ' '])).toEqual(['mqtts://a:8883']);
    expect(mqttServers(['mqtts://a:8883'])).toBeUndefined();
    expect(mqttServers(['mqtts://a:8883', 'tls://[::1]', 'mqtt://c:1884'])).toEqual([
      { host: 'a', port: 8883, protocol: 'mqtts' },
      { host: '::1', port: 8883, protocol: 'mqtts' },
      { host: 'c', port: 1884, protocol: 'mqtt' },
    ]);
    expect(() => mqttServers(['mqtts://a:8883', 'wss://b:8884/mqtt'])).toThrow(
      'broker URL 2 of 2 ("wss://b:8884/mqtt"): a list takes mqtts:// or mqtt:// URLs (a WebSocket URL only on its own)',
    );
  });

  it('checks each node against its own name, not the first one', async () => {
    // Nothing listens on these ports: each attempt fails and mqtt.js moves to the next server.
    const servers = [
      { host: 'localhost', port: 1, protocol: 'mqtts' as const },
      { host: 'ip6-localhost', port: 1, protocol: 'mqtts' as const },
    ];
    const client = connect('mqtts://localhost:1', { reconnectPeriod: 50, connectTimeout: 1_000, servers });
    client.on('error', () => {});
    const names: Array<string | undefined> = [];
    // The name the attempt that just failed was checked against (read before it is forgotten).
    const tried = new Promise<void>((resolve) => {
      client.on('close', () => {
        names.push((client.options as { servername?: string }).servername);
        if (names.length === 2) resolve();
      });
    });
    followServerNames(client);
    await tried;
    client.end(true);
    expect(names).toEqual(['localhost', 'ip6-localhost']);
  });
});
