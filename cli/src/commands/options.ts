import type { Command } from 'commander';

export interface FleetFlags {
  dataDir?: string;
  httpPort?: string;
  mqttPort?: string;
  wssPort?: string;
  metricsPort?: string;
  enrollPort?: string;
  host?: string;
  redisUrl?: string;
}

/** The flags every fleet-side command shares; each has an environment variable too. */
export function fleetOptions(
  command: Command,
  which: Array<keyof FleetFlags> = ['dataDir', 'httpPort', 'mqttPort', 'wssPort', 'metricsPort', 'enrollPort', 'host'],
): Command {
  if (which.includes('dataDir')) command.option('--data-dir <dir>', 'data directory (env VIGIL_DATA_DIR, default ./data)');
  if (which.includes('httpPort')) command.option('--http-port <port>', 'dashboard HTTP port (env VIGIL_HTTP_PORT, default 8080)');
  if (which.includes('mqttPort')) command.option('--mqtt-port <port>', 'broker MQTT/TLS port (env VIGIL_MQTT_PORT, default 8883)');
  if (which.includes('wssPort')) command.option('--wss-port <port>', 'broker MQTT over secure WebSocket port, path /mqtt (env VIGIL_WSS_PORT, default 8884)');
  if (which.includes('metricsPort')) command.option('--metrics-port <port>', '/healthz and Prometheus /metrics port (env VIGIL_METRICS_PORT, default 9883)');
  if (which.includes('enrollPort'))
    command.option('--enroll-port <port>', 'broker HTTPS enrollment port for one-time tokens (env VIGIL_ENROLL_PORT, default 8885)');
  if (which.includes('redisUrl'))
    command.option(
      '--redis-url <url>',
      'Redis shared by several broker nodes, e.g. redis://127.0.0.1:6379/0 (env VIGIL_REDIS_URL; unset: one broker, in memory)',
    );
  if (which.includes('host')) command.option('--host <address>', 'address to listen on (env VIGIL_HOST, default 127.0.0.1)');
  return command;
}
