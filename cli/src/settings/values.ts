import { resolve } from 'node:path';
import * as z from 'zod';
import { parseProblemLifetimes, type LifetimeOverrides } from '@vigil/ingestor';

/**
 * What a setting's text may be, as zod schemas from text to value. Each failure message says what
 * was expected; the setting adds its names and an example (see setting.ts).
 */
export type Value<T> = z.ZodType<T, string>;

function parsedText<T>(expected: string, parse: (text: string) => T | undefined): Value<T> {
  return z.string().transform((text, context) => {
    const value = parse(text.trim());
    if (value === undefined) {
      context.addIssue({ code: 'custom', message: expected });
      return z.NEVER;
    }
    return value;
  });
}

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export const logLevelValue: Value<LogLevel> = parsedText(`one of ${LOG_LEVELS.join(', ')}`, (text) => LOG_LEVELS.find((level) => level === text));

/** 0 lets the system pick a free port (tests, several fleets on one machine). */
export const portValue: Value<number> = parsedText('a TCP port number from 1 to 65535, or 0 for any free port', (text) =>
  /^\d+$/.test(text) && Number(text) <= 65535 ? Number(text) : undefined,
);

export const positiveIntegerValue: Value<number> = parsedText('a whole number of at least 1', (text) =>
  /^\d+$/.test(text) && Number(text) >= 1 && Number.isSafeInteger(Number(text)) ? Number(text) : undefined,
);

/** Relative to the working directory, as the user would read it. */
export const directoryValue: Value<string> = parsedText('a directory path', (text) => (text ? resolve(text) : undefined));

/** Kept as given, spaces included (passwords, tokens, attributions). */
export const textValue: Value<string> = z.string();

/** Where to listen: a name or an IP address (checked by the system when it binds). */
export const addressValue: Value<string> = parsedText('a host name or IP address', (text) => text || undefined);

const MQTT_PROTOCOLS = ['mqtts:', 'mqtt:', 'wss:', 'ws:', 'tls:', 'tcp:'];

export const mqttUrlValue: Value<string> = parsedText(`an MQTT URL (${MQTT_PROTOCOLS.map((p) => `${p}//`).join(', ')})`, (text) => {
  const url = URL.parse(text);
  return url && MQTT_PROTOCOLS.includes(url.protocol) ? text : undefined;
});

/** Redis for broker nodes sharing their sessions (and the ingestor's lease): redis:// or rediss://, an optional database number. */
export const redisUrlValue: Value<string> = parsedText('a redis:// or rediss:// URL with a host and an optional database number', (text) => {
  const url = URL.parse(text);
  if (!url || (url.protocol !== 'redis:' && url.protocol !== 'rediss:') || !url.hostname) return undefined;
  return url.pathname.length <= 1 || /^\/\d+$/.test(url.pathname) ? text : undefined;
});

/** A Leaflet template: {s}, {z}, {x}, {y}, {r} stand in for parts of the URL. */
export const tileUrlValue: Value<string> = parsedText('an http:// or https:// tile URL template with {z}, {x} and {y}', (text) => {
  const url = URL.parse(text.replace(/\{s\}/g, 'tile-subdomain').replace(/\{[^}]*\}/g, '0'));
  return url && (url.protocol === 'https:' || url.protocol === 'http:') ? text : undefined;
});

/** A switch that is on unless turned off (only "0" and "1" mean anything). */
export const onOffValue: Value<boolean> = parsedText('0 (off) or 1 (on)', (text) => (text === '0' ? false : text === '1' ? true : undefined));

/** Any text turns it on (DEBUG is a pattern for the debug module, not a boolean). */
export const presenceValue: Value<boolean> = z.string().transform(() => true);

/** Per event code, how long it stays an active problem: `code=duration` pairs (s, m, h, d) and `default`. */
export const problemLifetimesValue: Value<LifetimeOverrides> = z.string().transform((text, context) => {
  const parsed = parseProblemLifetimes(text);
  if ('error' in parsed) {
    context.addIssue({ code: 'custom', message: `code=duration pairs separated by commas, but ${parsed.error}` });
    return z.NEVER;
  }
  return parsed.overrides;
});

/** An address people open in a browser (links in notifications). */
export const httpUrlValue: Value<string> = parsedText('an http:// or https:// URL', (text) => {
  const url = URL.parse(text);
  return url && (url.protocol === 'https:' || url.protocol === 'http:') && !url.username && !url.password ? text.replace(/\/+$/, '') : undefined;
});

/** Seconds, 0 allowed (e.g. "no grouping"). */
export const secondsValue: Value<number> = parsedText('a whole number of seconds, 0 or more', (text) =>
  /^\d+$/.test(text) && Number.isSafeInteger(Number(text)) ? Number(text) : undefined,
);
