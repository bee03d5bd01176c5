import type { FastifyInstance } from 'fastify';
import {
  ALERT_METRICS,
  ALERT_STATES,
  CONDITION_CODES,
  type AlertView,
  type AuditEntity,
  type ChannelInput,
  type RuleInput,
  type SilenceInput,
} from '../alerting.js';
import {
  alertEntrySchema,
  alertHistoryEntrySchema,
  alertsQuery,
  alertSummarySchema,
  auditEntrySchema,
  channelInputSchema,
  channelSchema,
  errorSchema,
  errors,
  rangeQuery,
  recorderIdParams,
  ruleInputSchema,
  ruleSchema,
  severitySchema,
  silenceInputSchema,
  silenceSchema,
} from '../schemas.js';
import { SEVERITIES } from '../severity.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';
import { range } from './recorders.js';

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const conflict = { 409: errorSchema } as const;
type IdParams = { Params: { id: number } };

/** A POST whose body is optional: none at all is taken as {} (the schema still refuses unknown fields). */
const emptyBodyIsObject = async (request: { body: unknown }) => {
  if (request.body === undefined || request.body === null) request.body = {};
};

/**
 * Alerting (docs/DESIGN.md "Alerting"): the rules, channels and silences people decide (kept in
 * dashboard.db, audited), and the alerts the ingestor's engine raised (read from alerts.db),
 * acknowledged here. Every call goes through the store, which applies tenancy.
 */
export async function rulesPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const { store } = options;

  app.get(
    '/api/alert-conditions',
    {
      schema: {
        tags: ['rules'],
        summary: 'What a rule may name: problem codes, states, metrics and severities',
        response: {
          200: {
            type: 'object',
            required: ['codes', 'states', 'metrics', 'severities'],
            properties: {
              codes: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['code', 'label', 'subject'],
                  properties: { code: { type: 'string' }, label: { type: 'string' }, subject: { type: 'string' } },
                },
              },
              states: { type: 'array', items: { type: 'string' } },
              metrics: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['metric', 'label', 'unit', 'min', 'max'],
                  properties: {
                    metric: { type: 'string' },
                    label: { type: 'string' },
                    unit: { type: 'string' },
                    min: { type: 'number' },
                    max: { type: 'number' },
                  },
                },
              },
              severities: { type: 'array', items: severitySchema },
            },
          },
          401: errors[401],
        },
      },
    },
    async () => ({ codes: CONDITION_CODES, states: ALERT_STATES, metrics: ALERT_METRICS, severities: SEVERITIES }),
  );

  // ---- rules ----

  app.get(
    '/api/rules',
    {
      schema: {
        tags: ['rules'],
        summary: 'Alert rules: NOC and admin every rule, a reseller its own',
        response: { 200: { type: 'object', required: ['rules'], properties: { rules: { type: 'array', items: ruleSchema } } }, 401: errors[401] },
      },
    },
    async (request) => ({ rules: store.rulesFor(currentUser(request)) }),
  );

  app.post<{ Body: RuleInput }>(
    '/api/rules',
    {
      schema: {
        tags: ['rules'],
        summary: 'Create an alert rule (NOC and admin: a NOC rule; a reseller: its own, for its installations only)',
        body: ruleInputSchema,
        response: { 201: ruleSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(store.createRule(currentUser(request), request.body)),
  );

  app.put<IdParams & { Body: RuleInput }>(
    '/api/rules/:id',
    {
      schema: { tags: ['rules'], summary: 'Replace an alert rule', params: idParams, body: ruleInputSchema, response: { 200: ruleSchema, ...errors } },
    },
    async (request) => store.updateRule(currentUser(request), request.params.id, request.body),
  );

  app.delete<IdParams>(
    '/api/rules/:id',
    { schema: { tags: ['rules'], summary: 'Delete an alert rule', params: idParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      store.deleteRule(currentUser(request), request.params.id);
      return reply.code(204).send();
    },
  );

  // ---- channels ----

  app.get(
    '/api/alert-channels',
    {
      schema: {
        tags: ['rules'],
        summary: 'Notification channels: NOC and admin every channel, a reseller its own (webhook secrets are never returned)',
        response: { 200: { type: 'object', required: ['channels'], properties: { channels: { type: 'array', items: channelSchema } } }, 401: errors[401] },
      },
    },
    async (request) => ({ channels: store.channelsFor(currentUser(request)) }),
  );

  app.post<{ Body: ChannelInput }>(
    '/api/alert-channels',
    {
      schema: {
        tags: ['rules'],
        summary: 'Create a channel (webhook or e-mail) owned by the caller (NOC, or the reseller)',
        body: channelInputSchema,
        response: { 201: channelSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(store.createChannel(currentUser(request), request.body)),
  );

  app.put<IdParams & { Body: ChannelInput }>(
    '/api/alert-channels/:id',
    {
      schema: {
        tags: ['rules'],
        summary: 'Replace a channel (a webhook without `secret` keeps its secret)',
        params: idParams,
        body: channelInputSchema,
        response: { 200: channelSchema, ...errors },
      },
    },
    async (request) => store.updateChannel(currentUser(request), request.params.id, request.body),
  );

  app.delete<IdParams>(
    '/api/alert-channels/:id',
    {
      schema: {
        tags: ['rules'],
        summary: 'Delete a channel (409 while a rule uses it)',
        params: idParams,
        response: { 204: { type: 'null' }, ...errors, ...conflict },
      },
    },
    async (request, reply) => {
      store.deleteChannel(currentUser(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<IdParams>(
    '/api/alert-channels/:id/test',
    {
      schema: {
        tags: ['rules'],
        summary: 'Send a test notification through the channel (the ingestor sends it; poll the test for its outcome)',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: {}, description: 'empty: {} or no body' },
        response: { 202: { type: 'object', required: ['testId'], properties: { testId: { type: 'integer' } } }, ...errors },
      },
      preValidation: emptyBodyIsObject,
    },
    async (request, reply) => reply.code(202).send({ testId: store.requestChannelTest(currentUser(request), request.params.id) }),
  );

  app.get<{ Params: { id: number; testId: number } }>(
    '/api/alert-channels/:id/tests/:testId',
    {
      schema: {
        tags: ['rules'],
        summary: 'The outcome of a test: waiting (the ingestor has not taken it yet), queued, sent or failed',
        params: { type: 'object', required: ['id', 'testId'], properties: { id: { type: 'integer', minimum: 1 }, testId: { type: 'integer', minimum: 1 } } },
        response: {
          200: {
            type: 'object',
            required: ['status', 'error', 'at'],
            properties: {
              status: { type: 'string', enum: ['waiting', 'queued', 'sent', 'failed'] },
              error: { type: ['string', 'null'] },
              at: { type: ['integer', 'null'], description: 'when it was sent (or last tried)' },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => {
      const test = store.channelTestFor(currentUser(request), request.params.id, request.params.testId);
      return { status: test.status, error: test.error, at: test.at };
    },
  );

  // ---- silences ----

  app.get(
    '/api/silences',
    {
      schema: {
        tags: ['rules'],
        summary: 'Silences active now or later, and those ended within 24 h (NOC and admin all, a reseller its own)',
        response: { 200: { type: 'object', required: ['silences'], properties: { silences: { type: 'array', items: silenceSchema } } }, 401: errors[401] },
      },
    },
    async (request) => ({ silences: store.silencesFor(currentUser(request)) }),
  );

  app.post<{ Body: SilenceInput }>(
    '/api/silences',
    {
      schema: {
        tags: ['rules'],
        summary: 'Silence alerts in a scope (optionally of one rule) for a time window: listed as silenced, notified to nobody',
        body: silenceInputSchema,
        response: { 201: silenceSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(store.createSilence(currentUser(request), request.body)),
  );

  app.delete<IdParams>(
    '/api/silences/:id',
    { schema: { tags: ['rules'], summary: 'End a silence now', params: idParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      store.endSilence(currentUser(request), request.params.id);
      return reply.code(204).send();
    },
  );

  // ---- alerts ----

  app.get<{ Querystring: { view: AlertView } }>(
    '/api/alerts',
    {
      schema: {
        tags: ['rules'],
        summary: 'Alerts the caller may see, one entry per target and condition (however many rules matched it)',
        description:
          'view: firing (firing, not acknowledged, not silenced; the default), acknowledged and silenced (pending or firing), resolved-today (resolved within the last 24 h), all (active, and resolved within 24 h).',
        querystring: alertsQuery,
        response: { 200: { type: 'object', required: ['alerts'], properties: { alerts: { type: 'array', items: alertEntrySchema } } }, ...errors },
      },
    },
    async (request) => ({ alerts: store.alertsFor(currentUser(request), request.query.view) }),
  );

  app.get(
    '/api/alerts/summary',
    {
      schema: {
        tags: ['rules'],
        summary: 'The nav badge: firing entries, and those of them neither acknowledged nor silenced',
        response: { 200: alertSummarySchema, 401: errors[401] },
      },
    },
    async (request) => store.alertSummaryFor(currentUser(request)),
  );

  app.post<IdParams & { Body: { comment?: string } }>(
    '/api/alerts/:id/acknowledge',
    {
      schema: {
        tags: ['rules'],
        summary: 'Acknowledge an alert entry (every alert of it): no more repeats, still listed',
        params: idParams,
        body: {
          type: 'object',
          additionalProperties: false,
          properties: { comment: { type: 'string', maxLength: 1000, description: 'what is being done about it' } },
        },
        response: { 200: alertEntrySchema, ...errors, ...conflict },
      },
      preValidation: emptyBodyIsObject,
    },
    async (request) => store.acknowledgeAlert(currentUser(request), request.params.id, request.body?.comment?.trim() ?? ''),
  );

  app.get<{ Params: { id: string }; Querystring: { from?: number; to?: number } }>(
    '/api/recorders/:id/alerts',
    {
      schema: {
        tags: ['recorders'],
        summary: "The recorder's alerts active in the range (its own and its site's), with their transitions",
        params: recorderIdParams,
        querystring: rangeQuery,
        response: { 200: { type: 'object', required: ['alerts'], properties: { alerts: { type: 'array', items: alertHistoryEntrySchema } } }, ...errors },
      },
    },
    async (request, reply) => {
      const window = range(request.query);
      if (typeof window === 'string') return reply.code(400).send({ error: window });
      return { alerts: store.recorderAlertsFor(currentUser(request), request.params.id, window.from, window.to) };
    },
  );

  app.get<{ Querystring: { entity?: AuditEntity; id?: number } }>(
    '/api/audit',
    {
      schema: {
        tags: ['rules'],
        summary:
          'Changes to rules, channels, silences and users: who, when, before and after (NOC and admin all, a reseller its own; users: admins only); newest first',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { entity: { type: 'string', enum: ['rule', 'channel', 'silence', 'user'] }, id: { type: 'integer', minimum: 1 } },
        },
        response: { 200: { type: 'object', required: ['entries'], properties: { entries: { type: 'array', items: auditEntrySchema } } }, ...errors },
      },
    },
    async (request) => ({ entries: store.auditFor(currentUser(request), request.query.entity, request.query.id) }),
  );
}
