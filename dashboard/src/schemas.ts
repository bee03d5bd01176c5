import { RECORDER_STATES } from '@vigil/ingestor';
import { SEVERITIES } from './severity.js';

/**
 * JSON schemas shared by the routes. Response schemas do double duty: fastify serializes with
 * them (fast-json-stringify, and only the listed properties ever leave the server) and
 * @fastify/swagger publishes them at /docs.
 */

export const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: { error: { type: 'string' } },
} as const;

/** The error answers a scoped, CSRF-protected route can give, for its response schema. */
export const errors = { 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema } as const;

export const stateSchema = { type: 'string', enum: [...RECORDER_STATES] } as const;

export const severitySchema = { type: 'string', enum: [...SEVERITIES] } as const;

export const countsSchema = {
  type: 'object',
  required: [...RECORDER_STATES],
  properties: Object.fromEntries(RECORDER_STATES.map((s) => [s, { type: 'integer' }])),
} as const;

export const userSchema = {
  type: 'object',
  required: ['username', 'role'],
  properties: { username: { type: 'string' }, role: { type: 'string', enum: ['admin', 'noc', 'reseller'] } },
} as const;

export const acknowledgementSchema = {
  anyOf: [
    {
      type: 'object',
      required: ['by', 'at', 'comment'],
      properties: { by: { type: 'string', description: 'user name' }, at: { type: 'integer' }, comment: { type: 'string' } },
    },
    { type: 'null' },
  ],
  description: 'null until acknowledged; an acknowledged problem stays listed, and still counts, until it clears',
} as const;

/** What a problem is, listed now or in history. */
const problemFields = {
  kind: { type: 'string', enum: ['condition', 'event', 'state'] },
  code: { type: 'string' },
  subject: { type: 'string' },
  severity: { type: 'string' },
  message: { type: 'string' },
} as const;

export const problemSchema = {
  type: 'object',
  required: ['kind', 'code', 'subject', 'severity', 'message', 'since', 'acknowledged'],
  properties: {
    ...problemFields,
    since: { type: 'integer' },
    count: { type: 'integer', description: 'events: occurrences since the problem was raised' },
    lastSeen: { type: 'integer', description: 'events: the last occurrence' },
    clearsAt: { type: 'integer', description: "events: when it clears unless it happens again (last occurrence plus its code's lifetime)" },
    acknowledged: acknowledgementSchema,
  },
} as const;

export const historyEntrySchema = {
  type: 'object',
  required: ['kind', 'code', 'subject', 'severity', 'message', 'start', 'end', 'durationMs', 'acknowledged'],
  properties: {
    ...problemFields,
    start: { type: 'integer' },
    end: { type: ['integer', 'null'], description: 'null while still active' },
    durationMs: { type: 'integer', description: 'up to its end; while active, up to now or the end of the range' },
    count: { type: 'integer' },
    acknowledged: acknowledgementSchema,
  },
} as const;

export const outageSchema = {
  type: 'object',
  required: ['recorderId', 'state', 'start', 'end', 'durationMs', 'ongoing', 'counted'],
  properties: {
    recorderId: { type: 'string' },
    state: { type: 'string', enum: ['unavailable', 'offline', 'stopped'] },
    start: { type: 'integer', description: 'clipped to the range' },
    end: { type: 'integer', description: 'clipped to the range (or now)' },
    durationMs: { type: 'integer' },
    ongoing: { type: 'boolean', description: 'still in this state now' },
    counted: { type: 'boolean', description: 'downtime (unavailable, offline); false for a graceful stop, which is planned' },
  },
} as const;

const installationRef = {
  type: 'object',
  required: ['slc', 'name'],
  properties: { slc: { type: 'string' }, name: { type: 'string' } },
} as const;

const recorderProperties = {
  id: { type: 'string' },
  name: { type: 'string' },
  installation: installationRef,
  site: {
    type: 'object',
    required: ['id', 'name', 'latitude', 'longitude', 'unreachable'],
    properties: {
      id: { type: 'string' },
      name: { type: 'string' },
      latitude: { type: ['number', 'null'] },
      longitude: { type: ['number', 'null'] },
      unreachable: { type: 'boolean' },
    },
  },
  state: stateSchema,
  stateSince: { type: 'integer' },
  lastSeen: { type: ['integer', 'null'] },
  agentVersion: { type: 'string' },
  failoverPartner: { type: 'string' },
  coveredBy: { type: ['string', 'null'] },
  problems: { type: 'array', items: problemSchema },
} as const;

const recorderRequired = [
  'id',
  'name',
  'installation',
  'site',
  'state',
  'stateSince',
  'lastSeen',
  'agentVersion',
  'failoverPartner',
  'coveredBy',
  'problems',
] as const;

export const recorderSchema = { type: 'object', required: recorderRequired, properties: recorderProperties } as const;

export const recorderDetailSchema = {
  type: 'object',
  required: [...recorderRequired, 'disks', 'services', 'cameras', 'failover', 'vmsProduct', 'vmsVersion', 'hostname', 'clockOffsetMs'],
  properties: {
    ...recorderProperties,
    disks: {
      type: 'array',
      items: {
        type: 'object',
        required: ['path', 'totalBytes', 'freeBytes', 'usedPercent', 'at', 'daysToFull'],
        properties: {
          path: { type: 'string' },
          totalBytes: { type: 'number' },
          freeBytes: { type: 'number' },
          usedPercent: { type: 'number' },
          at: { type: 'integer' },
          daysToFull: { type: ['number', 'null'], description: 'linear trend of used bytes over the last 24 h; null when not filling' },
        },
      },
    },
    services: {
      type: 'array',
      items: {
        type: 'object',
        required: ['name', 'running', 'at'],
        properties: { name: { type: 'string' }, running: { type: 'boolean' }, at: { type: 'integer' } },
      },
    },
    cameras: { type: 'object', required: ['count', 'licensed'], properties: { count: { type: 'integer' }, licensed: { type: 'integer' } } },
    failover: {
      type: 'object',
      required: ['partner', 'partnerState', 'covered'],
      properties: {
        partner: { type: ['string', 'null'] },
        partnerState: { anyOf: [stateSchema, { type: 'null' }], description: 'null when there is no partner or the caller may not see it' },
        covered: { type: 'boolean' },
      },
    },
    vmsProduct: { type: 'string' },
    vmsVersion: { type: 'string' },
    hostname: { type: 'string' },
    clockOffsetMs: {
      type: ['integer', 'null'],
      description:
        "how far behind the fleet's clock the agent's clock is, in ms (negative: ahead), while the ingestor corrects its times (beyond 2 min); null when it does not",
    },
  },
} as const;

export const recorderIdParams = {
  type: 'object',
  required: ['id'],
  properties: { id: { type: 'string', minLength: 1, maxLength: 128 } },
} as const;

/** from/to in ms since the epoch; the route fills in defaults. */
export const rangeQuery = {
  type: 'object',
  additionalProperties: false,
  properties: {
    from: { type: 'integer', minimum: 0, description: 'ms since the epoch; default: 24 h before `to`' },
    to: { type: 'integer', minimum: 0, description: 'ms since the epoch; default: now' },
  },
} as const;

export const slcSchema = { type: 'string', minLength: 4, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' } as const;

export const ruleInputSchema = {
  type: 'object',
  required: ['name', 'code', 'minSeverity', 'installationSlc', 'enabled'],
  additionalProperties: false,
  properties: {
    name: { type: 'string', minLength: 1, maxLength: 200 },
    code: { type: ['string', 'null'], minLength: 1, maxLength: 100, description: 'problem code (e.g. "drive-full"); null: any code' },
    minSeverity: severitySchema,
    installationSlc: { anyOf: [slcSchema, { type: 'null' }], description: 'null: every installation' },
    enabled: { type: 'boolean' },
  },
} as const;

export const ruleSchema = {
  type: 'object',
  required: ['id', 'name', 'code', 'minSeverity', 'installationSlc', 'enabled'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    code: { type: ['string', 'null'] },
    minSeverity: severitySchema,
    installationSlc: { type: ['string', 'null'] },
    enabled: { type: 'boolean' },
  },
} as const;
