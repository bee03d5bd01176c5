/**
 * Broker URL lists: VIGIL_BROKER_URL and an agent's `broker.url` may name several broker nodes
 * (sharing Redis), comma-separated. A client starts with the first and moves to the next when a
 * connection fails or drops.
 */

/** The entries of a list as written: split at commas, trimmed, empty ones left out. */
export function splitBrokerUrls(text: string | readonly string[]): string[] {
  const parts = typeof text === 'string' ? text.split(',') : text;
  return parts.map((part) => part.trim()).filter((part) => part.length > 0);
}

/** One server of mqtt.js' `servers` option (it moves to the next at each reconnect). */
export interface MqttServer {
  host: string;
  port: number;
  protocol: 'mqtts' | 'mqtt';
}

const DEFAULT_PORTS = { mqtts: 8883, mqtt: 1883 } as const;

/**
 * mqtt.js' `servers` for a list of two or more mqtts:// / mqtt:// URLs (tls:// and tcp:// are
 * their aliases); undefined for one URL, which is connected to as it is. WebSocket URLs carry a
 * path that `servers` cannot, so they come one at a time (the error says so).
 */
export function mqttServers(urls: readonly string[]): MqttServer[] | undefined {
  if (urls.length < 2) return undefined;
  return urls.map((text, i) => {
    const url = URL.parse(text);
    const protocol =
      url?.protocol === 'mqtts:' || url?.protocol === 'tls:' ? 'mqtts' : url?.protocol === 'mqtt:' || url?.protocol === 'tcp:' ? 'mqtt' : undefined;
    if (!url || !protocol || !url.hostname)
      throw new Error(`broker URL ${i + 1} of ${urls.length} ("${text}"): a list takes mqtts:// or mqtt:// URLs (a WebSocket URL only on its own)`);
    const host = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    return { host, port: url.port ? Number(url.port) : DEFAULT_PORTS[protocol], protocol };
  });
}

/** Where an mqtt.js client is connected now (its options follow `servers` as it moves). */
export function connectedBroker(options: { protocol?: string; host?: string; port?: number }): string {
  return `${options.protocol ?? 'mqtts'}://${options.host ?? '?'}:${options.port ?? '?'}`;
}

/**
 * mqtt.js sets the TLS server name from the first server's host and keeps it when `servers`
 * moves on, so every later node would be checked against the first node's name (mqtt.js 5.16,
 * lib/connect/tls). Forgetting it at each close makes the next connection use its own host.
 */
export function followServerNames(client: { options: { servername?: string }; on(event: 'close', listener: () => void): unknown }): void {
  client.on('close', () => {
    delete client.options.servername;
  });
}
