import type { FastifyInstance } from 'fastify';
import { errors, ruleInputSchema, ruleSchema } from '../schemas.js';
import type { DashboardStore, RuleInput } from '../store.js';
import { currentUser } from './auth.js';

const ruleIdParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;

const alertSchema = {
  type: 'object',
  required: ['ruleId', 'ruleName', 'recorderId', 'code', 'subject', 'severity', 'message', 'since'],
  properties: {
    ruleId: { type: 'integer' },
    ruleName: { type: 'string' },
    recorderId: { type: 'string' },
    code: { type: 'string' },
    subject: { type: 'string' },
    severity: { type: 'string' },
    message: { type: 'string' },
    since: { type: 'integer' },
  },
} as const;

/** Alert rules (NOC and admins change them; a reseller reads those that apply to it) and the alerts they raise. */
export async function rulesPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const { store } = options;

  app.get(
    '/api/rules',
    {
      schema: {
        tags: ['rules'],
        summary: 'Alert rules: NOC and admin all, a reseller the global ones and those for its installations',
        response: { 200: { type: 'object', required: ['rules'], properties: { rules: { type: 'array', items: ruleSchema } } }, 401: errors[401] },
      },
    },
    async (request) => ({ rules: store.rulesFor(currentUser(request)) }),
  );

  app.post<{ Body: RuleInput }>(
    '/api/rules',
    {
      schema: { tags: ['rules'], summary: 'Create an alert rule (NOC and admin)', body: ruleInputSchema, response: { 201: ruleSchema, ...errors } },
    },
    async (request, reply) => reply.code(201).send(store.createRule(currentUser(request), request.body)),
  );

  app.put<{ Params: { id: number }; Body: RuleInput }>(
    '/api/rules/:id',
    {
      schema: {
        tags: ['rules'],
        summary: 'Replace an alert rule (NOC and admin)',
        params: ruleIdParams,
        body: ruleInputSchema,
        response: { 200: ruleSchema, ...errors },
      },
    },
    async (request) => store.updateRule(currentUser(request), request.params.id, request.body),
  );

  app.delete<{ Params: { id: number } }>(
    '/api/rules/:id',
    {
      schema: { tags: ['rules'], summary: 'Delete an alert rule (NOC and admin)', params: ruleIdParams, response: { 204: { type: 'null' }, ...errors } },
    },
    async (request, reply) => {
      store.deleteRule(currentUser(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/alerts',
    {
      schema: {
        tags: ['rules'],
        summary: 'Active problems of the recorders the caller may see that an enabled rule matches, worst first',
        response: { 200: { type: 'object', required: ['alerts'], properties: { alerts: { type: 'array', items: alertSchema } } }, 401: errors[401] },
      },
    },
    async (request) => ({ alerts: store.alertsFor(currentUser(request)) }),
  );
}
