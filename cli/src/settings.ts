import { resolve, join } from 'node:path';

/** A mistake in flags or environment, phrased so the user knows what to change. */
export class SettingsError extends Error {}

export interface FleetSettings {
  dataDir: string;
  httpPort: number;
  mqttPort: number;
  /** MQTT over secure WebSocket. */
  wssPort: number;
  /** Broker /healthz and /metrics. */
  metricsPort: number;
  /** HTTPS enrollment with one-time tokens. */
  enrollPort: number;
  /** Address the broker and dashboard listen on. */
  host: string;
}

export interface FleetPaths {
  pki: string;
  fleetDb: string;
  dashboardDb: string;
  demo: string;
}

export function fleetPaths(dataDir: string): FleetPaths {
  return {
    pki: join(dataDir, 'pki'),
    fleetDb: join(dataDir, 'fleet.db'),
    dashboardDb: join(dataDir, 'dashboard.db'),
    demo: join(dataDir, 'demo'),
  };
}

function port(value: string, flag: string, envName: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n > 65535) {
    throw new SettingsError(`${flag} (or ${envName}) is "${value}", which is not a TCP port: use a number from 1 to 65535, or 0 for any free port`);
  }
  return n;
}

/** Flags win over environment variables, which win over defaults. */
export function resolveSettings(
  flags: { dataDir?: string; httpPort?: string; mqttPort?: string; wssPort?: string; metricsPort?: string; enrollPort?: string; host?: string },
  env: NodeJS.ProcessEnv = process.env,
): FleetSettings {
  const pick = (flag: string | undefined, envName: string, fallback: string) => flag ?? (env[envName] || undefined) ?? fallback;
  return {
    dataDir: resolve(pick(flags.dataDir, 'VIGIL_DATA_DIR', './data')),
    httpPort: port(pick(flags.httpPort, 'VIGIL_HTTP_PORT', '8080'), '--http-port', 'VIGIL_HTTP_PORT'),
    mqttPort: port(pick(flags.mqttPort, 'VIGIL_MQTT_PORT', '8883'), '--mqtt-port', 'VIGIL_MQTT_PORT'),
    wssPort: port(pick(flags.wssPort, 'VIGIL_WSS_PORT', '8884'), '--wss-port', 'VIGIL_WSS_PORT'),
    metricsPort: port(pick(flags.metricsPort, 'VIGIL_METRICS_PORT', '9883'), '--metrics-port', 'VIGIL_METRICS_PORT'),
    enrollPort: port(pick(flags.enrollPort, 'VIGIL_ENROLL_PORT', '8885'), '--enroll-port', 'VIGIL_ENROLL_PORT'),
    host: pick(flags.host, 'VIGIL_HOST', '127.0.0.1'),
  };
}

export function logLevel(fallback: string, env: NodeJS.ProcessEnv = process.env): string {
  const level = env.VIGIL_LOG_LEVEL || fallback;
  const levels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];
  if (!levels.includes(level)) throw new SettingsError(`VIGIL_LOG_LEVEL is "${level}": use one of ${levels.join(', ')}`);
  return level;
}
