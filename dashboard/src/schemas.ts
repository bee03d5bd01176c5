import { RECORDER_STATES } from '@vigil/ingestor';
import { ALERT_METRICS, ALERT_STATES, ALERT_VIEWS, WHEN_COVERED } from './alerting.js';
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

/** A problem's subject as it is now (the message is as of the raise); only on problems with a live reading. */
export const currentValueSchema = {
  type: 'object',
  description:
    'the latest reading of what the problem is about, beside the raise-time message: disk problems (drive-full, drive-filling) the drive, licence-overrun the licence counts',
  properties: {
    usedPercent: { type: 'number', description: 'disk: used percent now' },
    freeBytes: { type: 'integer' },
    totalBytes: { type: 'integer' },
    at: { type: 'integer', description: 'disk: when it was read' },
    daysToFull: {
      type: ['number', 'null'],
      description: "disk, on GET /api/recorders/:id only: days to full at the last 24 h's trend, null when not filling; absent when unknown",
    },
    cameras: { type: 'integer', description: 'licence: cameras in use now' },
    licensed: { type: 'integer', description: 'licence: cameras licensed now' },
  },
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
    current: currentValueSchema,
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

// ---- alerting (docs/DESIGN.md "Alerting") -------------------------------------------------------

const shortText = (max: number) => ({ type: 'string', minLength: 1, maxLength: max }) as const;

export const alertScopeSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'a recorder matches if it is in any list; all empty: everything the owner sees',
  properties: {
    installations: { type: 'array', maxItems: 500, uniqueItems: true, items: slcSchema, default: [] },
    sites: {
      type: 'array',
      maxItems: 500,
      uniqueItems: true,
      items: { type: 'string', minLength: 3, maxLength: 200 },
      description: '"SLC/siteId"',
      default: [],
    },
    recorders: { type: 'array', maxItems: 2000, uniqueItems: true, items: { type: 'string', minLength: 1, maxLength: 128 }, default: [] },
  },
} as const;

const scopeOut = {
  type: 'object',
  required: ['installations', 'sites', 'recorders'],
  properties: {
    installations: { type: 'array', items: { type: 'string' } },
    sites: { type: 'array', items: { type: 'string' } },
    recorders: { type: 'array', items: { type: 'string' } },
  },
} as const;

/** The three kinds of condition; ajv picks the branch by `kind` (discriminator), so its errors name the field of that kind. */
export const alertConditionSchema = {
  type: 'object',
  required: ['kind'],
  discriminator: { propertyName: 'kind' },
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind'],
      properties: {
        kind: { const: 'problem' },
        code: { type: 'string', minLength: 1, maxLength: 100, description: 'from GET /api/alert-conditions; absent: any code' },
        minSeverity: severitySchema,
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'states'],
      properties: {
        kind: { const: 'state' },
        states: { type: 'array', minItems: 1, uniqueItems: true, items: { type: 'string', enum: [...ALERT_STATES] } },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['kind', 'metric', 'above'],
      properties: {
        kind: { const: 'metric' },
        metric: { type: 'string', enum: ALERT_METRICS.map((m) => m.metric) },
        above: { type: 'number', description: 'disk-used-percent: 1-100; licence-use-percent: 1-1000' },
      },
    },
  ],
} as const;

const conditionOut = {
  type: 'object',
  required: ['kind'],
  properties: {
    kind: { type: 'string', enum: ['problem', 'state', 'metric'] },
    code: { type: 'string' },
    minSeverity: { type: 'string' },
    states: { type: 'array', items: { type: 'string' } },
    metric: { type: 'string' },
    above: { type: 'number' },
  },
} as const;

export const ownerSchema = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { type: 'string', enum: ['noc', 'reseller'] }, username: { type: 'string', description: 'reseller only' } },
} as const;

export const ruleInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['name', 'condition', 'severity'],
  properties: {
    name: shortText(200),
    condition: alertConditionSchema,
    scope: { ...alertScopeSchema, default: {} },
    forSeconds: { type: 'integer', minimum: 0, maximum: 7 * 86_400, default: 0, description: 'how long the condition must hold before the alert fires' },
    severity: severitySchema,
    whenCovered: {
      type: 'string',
      enum: [...WHEN_COVERED],
      default: 'lower',
      description: 'a recorder covered by its failover partner: one step less severe, no alert, or the same',
    },
    repeatMinutes: {
      type: 'integer',
      minimum: 0,
      maximum: 10_080,
      default: 240,
      description: 'notify again while firing, unacknowledged and not silenced (0: never)',
    },
    channelIds: { type: 'array', maxItems: 50, uniqueItems: true, items: { type: 'integer', minimum: 1 }, default: [] },
    enabled: { type: 'boolean', default: true },
  },
} as const;

export const ruleSchema = {
  type: 'object',
  required: [
    'id',
    'name',
    'condition',
    'scope',
    'forSeconds',
    'severity',
    'whenCovered',
    'repeatMinutes',
    'channelIds',
    'enabled',
    'owner',
    'createdAt',
    'updatedAt',
    'updatedBy',
  ],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    condition: conditionOut,
    scope: scopeOut,
    forSeconds: { type: 'integer' },
    severity: severitySchema,
    whenCovered: { type: 'string', enum: [...WHEN_COVERED] },
    repeatMinutes: { type: 'integer' },
    channelIds: { type: 'array', items: { type: 'integer' } },
    enabled: { type: 'boolean' },
    owner: ownerSchema,
    createdAt: { type: 'integer' },
    updatedAt: { type: 'integer' },
    updatedBy: { type: 'string' },
  },
} as const;

const emailSchema = { type: 'string', minLength: 3, maxLength: 254, pattern: '^[^\\s@]+@[^\\s@]+$' } as const;

export const channelInputSchema = {
  type: 'object',
  required: ['name', 'type', 'config'],
  discriminator: { propertyName: 'type' },
  oneOf: [
    {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'type', 'config'],
      properties: {
        name: shortText(200),
        type: { const: 'webhook' },
        config: {
          type: 'object',
          additionalProperties: false,
          required: ['url'],
          properties: {
            url: { type: 'string', minLength: 8, maxLength: 2000, description: 'http:// or https://' },
            secret: { type: 'string', minLength: 16, maxLength: 512, description: 'HMAC-SHA256 key; write-only; a PUT without it keeps the stored one' },
            timeoutMs: { type: 'integer', minimum: 500, maximum: 60_000 },
          },
        },
        enabled: { type: 'boolean', default: true },
      },
    },
    {
      type: 'object',
      additionalProperties: false,
      required: ['name', 'type', 'config'],
      properties: {
        name: shortText(200),
        type: { const: 'email' },
        config: {
          type: 'object',
          additionalProperties: false,
          properties: {
            to: {
              type: 'array',
              minItems: 1,
              maxItems: 20,
              uniqueItems: true,
              items: emailSchema,
              description: 'addresses; may be left out when `users` names someone',
            },
            users: {
              type: 'array',
              maxItems: 50,
              uniqueItems: true,
              items: { type: 'string', minLength: 1, maxLength: 64 },
              description: 'user names, sent to at their contact e-mail as it is when a notification goes out (NOC/admin: any user; a reseller: only itself)',
            },
          },
        },
        enabled: { type: 'boolean', default: true },
      },
    },
  ],
} as const;

export const channelTestSchema = {
  type: 'object',
  required: ['id', 'requestedAt', 'requestedBy', 'status', 'error', 'at'],
  properties: {
    id: { type: 'integer' },
    requestedAt: { type: 'integer' },
    requestedBy: { type: 'string' },
    status: { type: 'string', enum: ['waiting', 'queued', 'sent', 'failed'] },
    error: { type: ['string', 'null'] },
    at: { type: ['integer', 'null'] },
  },
} as const;

export const channelSchema = {
  type: 'object',
  required: ['id', 'name', 'type', 'config', 'enabled', 'owner', 'status'],
  properties: {
    id: { type: 'integer' },
    name: { type: 'string' },
    type: { type: 'string', enum: ['webhook', 'email'] },
    config: {
      type: 'object',
      description: 'webhook: {url, timeoutMs, secretSet}; email: {to, users}. The secret is never returned.',
      properties: {
        url: { type: 'string' },
        timeoutMs: { type: 'integer' },
        secretSet: { type: 'boolean' },
        to: { type: 'array', items: { type: 'string' } },
        users: { type: 'array', items: { type: 'string' } },
      },
    },
    enabled: { type: 'boolean' },
    owner: ownerSchema,
    notes: { type: 'array', items: { type: 'string' }, description: 'what sending will skip as things stand, e.g. a user without a contact e-mail' },
    status: {
      type: 'object',
      required: ['lastSuccessAt', 'lastFailureAt', 'lastError'],
      properties: {
        lastSuccessAt: { type: ['integer', 'null'] },
        lastFailureAt: { type: ['integer', 'null'] },
        lastError: { type: ['string', 'null'] },
        lastTest: channelTestSchema,
      },
    },
  },
} as const;

export const silenceInputSchema = {
  type: 'object',
  additionalProperties: false,
  required: ['scope', 'endsAt', 'reason'],
  properties: {
    scope: alertScopeSchema,
    ruleId: { type: ['integer', 'null'], minimum: 1, description: 'absent or null: every rule' },
    startsAt: { type: 'integer', minimum: 0, description: 'default: now' },
    endsAt: { type: 'integer', minimum: 0 },
    reason: shortText(500),
  },
} as const;

export const silenceSchema = {
  type: 'object',
  required: ['id', 'scope', 'ruleId', 'startsAt', 'endsAt', 'reason', 'createdBy', 'createdAt', 'owner'],
  properties: {
    id: { type: 'integer' },
    scope: scopeOut,
    ruleId: { type: ['integer', 'null'] },
    startsAt: { type: 'integer' },
    endsAt: { type: 'integer' },
    reason: { type: 'string' },
    createdBy: { type: 'string' },
    createdAt: { type: 'integer' },
    owner: ownerSchema,
  },
} as const;

const alertEntryProperties = {
  id: { type: 'integer', description: 'the representative alert (the most severe)' },
  ids: { type: 'array', items: { type: 'integer' }, description: 'every alert of this target and condition (one per rule)' },
  rules: { type: 'array', items: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'integer' }, name: { type: 'string' } } } },
  state: { type: 'string', enum: ['pending', 'firing', 'resolved'] },
  severity: { type: 'string' },
  summary: { type: 'string' },
  conditionKey: { type: 'string' },
  target: { type: 'object', required: ['kind', 'id'], properties: { kind: { type: 'string', enum: ['recorder', 'site'] }, id: { type: 'string' } } },
  recorder: { anyOf: [{ type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } }, { type: 'null' }] },
  site: { anyOf: [{ type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } }, { type: 'null' }] },
  installation: { anyOf: [{ type: 'object', required: ['slc', 'name'], properties: { slc: { type: 'string' }, name: { type: 'string' } } }, { type: 'null' }] },
  pendingSince: { type: 'integer' },
  firingSince: { type: ['integer', 'null'] },
  resolvedAt: { type: ['integer', 'null'] },
  inhibited: { type: 'boolean', description: 'under an unreachable site: kept, never notified' },
  silenced: {
    anyOf: [
      {
        type: 'object',
        required: ['id', 'reason', 'endsAt'],
        properties: { id: { type: 'integer' }, reason: { type: 'string' }, endsAt: { type: 'integer' } },
      },
      { type: 'null' },
    ],
  },
  acknowledged: acknowledgementSchema,
} as const;

const alertEntryRequired = Object.keys(alertEntryProperties);

export const alertEntrySchema = { type: 'object', required: alertEntryRequired, properties: alertEntryProperties } as const;

export const alertHistoryEntrySchema = {
  type: 'object',
  required: [...alertEntryRequired, 'transitions'],
  properties: {
    ...alertEntryProperties,
    transitions: {
      type: 'array',
      items: { type: 'object', required: ['at', 'state'], properties: { at: { type: 'integer' }, state: { type: 'string' } } },
    },
  },
} as const;

export const alertsQuery = {
  type: 'object',
  additionalProperties: false,
  properties: { view: { type: 'string', enum: [...ALERT_VIEWS], default: 'firing' } },
} as const;

export const alertSummarySchema = {
  type: 'object',
  required: ['firing', 'firingUnacknowledged'],
  properties: { firing: { type: 'integer' }, firingUnacknowledged: { type: 'integer' } },
} as const;

export const auditEntrySchema = {
  type: 'object',
  required: ['at', 'by', 'entity', 'entityId', 'action', 'before', 'after'],
  properties: {
    at: { type: 'integer' },
    by: { type: 'string' },
    entity: { type: 'string', enum: ['rule', 'channel', 'silence', 'user'] },
    entityId: { type: 'integer' },
    action: { type: 'string', enum: ['create', 'update', 'delete'] },
    before: { description: 'the entity before (null on create); secrets never included' },
    after: { description: 'the entity after (null on delete)' },
  },
} as const;
