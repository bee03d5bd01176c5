import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { splitBrokerUrls } from '@vigil/proto/broker-urls';
import { RECORDER_ID_PATTERN } from '@vigil/proto/wire';
import { disksConfigSchema } from './collectors/disks/config.js';
import { licencesConfigSchema } from './collectors/licences/config.js';
import { logsConfigSchema } from './collectors/logs/config.js';
import { servicesConfigSchema } from './collectors/services/config.js';
import { configProblems } from './config-problems.js';

const nonEmpty = z.string().min(1);
const BROKER_URL = /^mqtts:\/\/[^/,]+$/;

export const agentConfigSchema = z.strictObject({
  recorderId: z.string().regex(RECORDER_ID_PATTERN, '1-64 letters, digits, ".", "_" or "-", starting with a letter or digit'),
  broker: z
    .strictObject({
      /**
       * One broker, or several broker nodes sharing Redis: a YAML list, or URLs separated by
       * commas (as VIGIL_BROKER_URL). The agent starts with the first and moves to the next when a
       * connection fails or drops, with its usual backoff.
       */
      url: z.union([nonEmpty, z.array(z.string()).min(1, 'at least one mqtts://host:port URL')]).superRefine((value, context) => {
        const urls = splitBrokerUrls(value);
        if (urls.length === 0) context.addIssue({ code: 'custom', message: 'an mqtts://host:port URL (TLS is required)' });
        urls.forEach((url, i) => {
          if (!BROKER_URL.test(url))
            context.addIssue({
              code: 'custom',
              message: `${urls.length > 1 ? `entry ${i + 1} ("${url}") is not ` : ''}an mqtts://host:port URL (TLS is required)`,
            });
        });
      }),
    })
    .transform((broker) => ({ ...broker, urls: splitBrokerUrls(broker.url) })),
  /** The bundle written by `vigil pki issue`; the individual paths below default to files in it. */
  bundleDir: nonEmpty.optional(),
  tls: z
    .strictObject({
      cert: nonEmpty.optional(),
      key: nonEmpty.optional(),
      ca: nonEmpty.optional(),
      /** Renew the certificate when fewer days than this remain (0: never; docs/DESIGN.md "Enrolment"). */
      renewBeforeDays: z.number().int().min(0).max(3650).default(30),
      /** The fleet's enrolment endpoint (POST /renew); default https://<broker host>:8885, as "vigil agent enroll --url". */
      renewUrl: z
        .string()
        .regex(/^https:\/\/[^/\s]+\/?$/, 'the https://host:port URL of the fleet enrolment endpoint, as given to "vigil agent enroll --url"')
        .optional(),
    })
    .default({ renewBeforeDays: 30 }),
  envelope: z.strictObject({ signingKey: nonEmpty.optional(), recipientPublicKey: nonEmpty.optional() }).default({}),
  heartbeatSeconds: z.number().int().min(1).max(3600).default(30),
  /** Where the agent keeps its spool (observations not yet acknowledged, log offsets, sequence numbers). */
  dataDir: nonEmpty.default('./vigil-agent-data'),
  spool: z
    .strictObject({
      maxMegabytes: z.number().min(1).max(10_240).default(64),
      foldWindowSeconds: z.number().int().min(0).max(3600).default(60),
      window: z.number().int().min(1).max(128).default(8),
      batchMaxEntries: z.number().int().min(1).max(5000).default(500),
      backfillBatchesPerSecond: z.number().min(0.1).max(10_000).default(20),
      ackTimeoutSeconds: z.number().min(1).max(3600).default(15),
      /** While the spool's disk is full: readings and events held in memory, at most (then the oldest reading, then event, goes). */
      heldWhenDiskFull: z.number().int().min(1).max(100_000).default(1_000),
    })
    .default({
      maxMegabytes: 64,
      foldWindowSeconds: 60,
      window: 8,
      batchMaxEntries: 500,
      backfillBatchesPerSecond: 20,
      ackTimeoutSeconds: 15,
      heldWhenDiskFull: 1_000,
    }),
  /** Collectors: each section present turns one on (see agent/src/collectors/<name>/sample.yaml). */
  logs: logsConfigSchema.optional(),
  disks: disksConfigSchema.optional(),
  services: servicesConfigSchema.optional(),
  licences: licencesConfigSchema.optional(),
  inventory: z.strictObject({
    recorderName: z.string().default(''),
    installation: z.strictObject({ slc: nonEmpty, name: z.string().default('') }),
    site: z.strictObject({
      id: nonEmpty,
      name: z.string().default(''),
      latitude: z.number().min(-90).max(90).default(0),
      longitude: z.number().min(-180).max(180).default(0),
    }),
    vmsProduct: z.string().default('Milestone XProtect'),
    vmsVersion: z.string().default(''),
    failoverPartner: z.string().default(''),
    cameraCount: z.number().int().min(0).default(0),
    licensedCameras: z.number().int().min(0).default(0),
  }),
});

export type AgentConfigInput = z.input<typeof agentConfigSchema>;

/** A validated config with every key path resolved. */
export type AgentConfig = Omit<z.output<typeof agentConfigSchema>, 'tls' | 'envelope'> & {
  /** The config file's folder; relative paths in it resolve against this. */
  configDir: string;
  tls: { cert: string; key: string; ca: string; renewBeforeDays: number; renewUrl?: string | undefined };
  envelope: { signingKey: string; recipientPublicKey: string };
};

export class ConfigError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid agent config:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Values that take precedence over the file. The library reads no environment: the agent's CLI
 * reads VIGIL_RECORDER_ID, VIGIL_BROKER_URL, VIGIL_HEARTBEAT_SECONDS and VIGIL_AGENT_DATA_DIR and
 * hands them down here.
 */
export interface AgentConfigOverrides {
  recorderId?: string | undefined;
  brokerUrl?: string | undefined;
  /** A string that is not a number is reported as it was written. */
  heartbeatSeconds?: number | string | undefined;
  dataDir?: string | undefined;
}

/** Validates a config object; `source` names it in errors; relative paths resolve against `baseDir`. */
export function parseAgentConfig(raw: unknown, source: string, baseDir: string, overrides: AgentConfigOverrides = {}): AgentConfig {
  const merged: Record<string, unknown> = raw && typeof raw === 'object' ? { ...(raw as Record<string, unknown>) } : {};
  // Applied before validation, so an override is checked like the value it replaces.
  if (overrides.recorderId !== undefined) merged.recorderId = overrides.recorderId;
  if (overrides.brokerUrl !== undefined) merged.broker = { ...(merged.broker as object), url: overrides.brokerUrl };
  if (overrides.heartbeatSeconds !== undefined) merged.heartbeatSeconds = overrides.heartbeatSeconds;
  if (overrides.dataDir !== undefined) merged.dataDir = overrides.dataDir;
  const result = agentConfigSchema.safeParse(merged);
  if (!result.success) {
    throw new ConfigError(
      source,
      configProblems(result.error.issues, agentConfigSchema, merged).map(
        (problem) => `${problem.path.map(String).join('.') || '(top level)'}: ${problem.message}`,
      ),
    );
  }
  const config = result.data;
  const at = (path: string) => resolve(baseDir, path);
  const bundle = config.bundleDir ? at(config.bundleDir) : undefined;
  const pick = (explicit: string | undefined, file: string, field: string): string => {
    if (explicit) return at(explicit);
    if (bundle) return resolve(bundle, file);
    throw new ConfigError(source, [`${field}: missing; set it, or set bundleDir to the folder "vigil pki issue" wrote`]);
  };
  return {
    ...config,
    configDir: baseDir,
    dataDir: at(config.dataDir),
    tls: {
      cert: pick(config.tls.cert, 'device.crt', 'tls.cert'),
      key: pick(config.tls.key, 'device.key', 'tls.key'),
      ca: pick(config.tls.ca, 'ca.crt', 'tls.ca'),
      renewBeforeDays: config.tls.renewBeforeDays,
      renewUrl: config.tls.renewUrl,
    },
    envelope: {
      signingKey: pick(config.envelope.signingKey, 'signing.key', 'envelope.signingKey'),
      recipientPublicKey: pick(config.envelope.recipientPublicKey, 'recipient.pub.pem', 'envelope.recipientPublicKey'),
    },
  };
}

export function loadAgentConfig(path: string, overrides: AgentConfigOverrides = {}): AgentConfig {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ConfigError(path, [`cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'error'}); pass --config with the path of your agent.yaml`]);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (error) {
    throw new ConfigError(path, [`not valid YAML: ${(error as Error).message.split('\n')[0]}`]);
  }
  return parseAgentConfig(raw, path, dirname(resolve(path)), overrides);
}
