import type { FastifyInstance } from 'fastify';
import {
  countsSchema,
  errorSchema,
  errors,
  historyEntrySchema,
  outageSchema,
  problemSchema,
  rangeQuery,
  recorderDetailSchema,
  recorderIdParams,
  recorderSchema,
  stateSchema,
} from '../schemas.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';

const DEFAULT_RANGE_MS = 24 * 3_600_000;
/** Longest range one request may ask for; the chart is bucketed anyway, this bounds the store's work. */
const MAX_RANGE_MS = 400 * 24 * 3_600_000;

type Range = { Querystring: { from?: number; to?: number } };

/** Fills in the default range and refuses a backwards or oversized one with a clear message. */
export function range(query: { from?: number; to?: number }): { from: number; to: number } | string {
  const to = query.to ?? Date.now();
  const from = query.from ?? to - DEFAULT_RANGE_MS;
  if (from > to) return `from (${from}) is after to (${to})`;
  if (to - from > MAX_RANGE_MS) return `the range is longer than ${MAX_RANGE_MS / 86_400_000} days`;
  return { from, to };
}

/** The fleet as the caller may see it: NOC and admin everything, a reseller its registered SLCs. */
export async function recordersPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const { store } = options;

  app.get(
    '/api/recorders',
    {
      schema: {
        tags: ['recorders'],
        summary: 'Every recorder the caller may see, with its problems, and counts per state',
        description:
          'In no particular order, always all of them: the page shows only recorders with problems unless "show all" is ticked, and filters on its side (the list is cached per scope, not per filter).',
        response: {
          200: { type: 'object', required: ['recorders', 'counts'], properties: { recorders: { type: 'array', items: recorderSchema }, counts: countsSchema } },
          401: errors[401],
        },
      },
    },
    // Already JSON (built by SQLite, cached per scope): sent as is, the schema above documents it.
    async (request, reply) => reply.type('application/json; charset=utf-8').send(store.recordersJsonFor(currentUser(request))),
  );

  app.get<{ Params: { id: string } }>(
    '/api/recorders/:id',
    {
      schema: {
        tags: ['recorders'],
        summary: 'One recorder: problems, disks with time to full, services, cameras, failover, versions',
        params: recorderIdParams,
        response: { 200: recorderDetailSchema, 401: errors[401], 404: errors[404] },
      },
    },
    async (request) => store.recorderDetailFor(currentUser(request), request.params.id),
  );

  app.get<{ Params: { id: string } }>(
    '/api/recorders/:id/visible',
    {
      schema: {
        tags: ['recorders'],
        summary: 'Whether the caller may see this recorder: false for another reseller’s and for none at all alike',
        description:
          'The page asks this once before opening a recorder, so a link to one the caller cannot see shows "not found" without an error answer (and the console noise of three 404s).',
        params: recorderIdParams,
        response: { 200: { type: 'object', required: ['visible'], properties: { visible: { type: 'boolean' } } }, 401: errors[401] },
      },
    },
    async (request) => ({ visible: store.canSee(currentUser(request), request.params.id) }),
  );

  app.get<{ Params: { id: string } } & Range>(
    '/api/recorders/:id/disks/history',
    {
      schema: {
        tags: ['recorders'],
        summary: 'Used percent per drive over time, at most ~500 points per drive',
        params: recorderIdParams,
        querystring: rangeQuery,
        response: {
          200: {
            type: 'object',
            required: ['series'],
            properties: {
              series: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['path', 'points'],
                  properties: {
                    path: { type: 'string' },
                    points: {
                      type: 'array',
                      description: '[time (ms), used percent] pairs',
                      items: { type: 'array', items: { type: 'number' }, minItems: 2, maxItems: 2 },
                    },
                  },
                },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const window = range(request.query);
      if (typeof window === 'string') return reply.code(400).send({ error: window });
      return { series: await store.diskHistoryFor(currentUser(request), request.params.id, window.from, window.to) };
    },
  );

  app.get<{ Params: { id: string } } & Range>(
    '/api/recorders/:id/timeline',
    {
      schema: {
        tags: ['recorders'],
        summary: 'State changes in the range, preceded by the state in force at its start, oldest first',
        params: recorderIdParams,
        querystring: rangeQuery,
        response: {
          200: {
            type: 'object',
            required: ['changes'],
            properties: {
              changes: {
                type: 'array',
                items: { type: 'object', required: ['state', 'since'], properties: { state: stateSchema, since: { type: 'integer' } } },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const window = range(request.query);
      if (typeof window === 'string') return reply.code(400).send({ error: window });
      return { changes: store.timelineFor(currentUser(request), request.params.id, window.from, window.to) };
    },
  );

  app.get<{ Params: { id: string } } & Range>(
    '/api/recorders/:id/history',
    {
      schema: {
        tags: ['recorders'],
        summary: 'What happened in the range: every problem active in it (start, end, duration; end null while active) and every outage',
        params: recorderIdParams,
        querystring: rangeQuery,
        response: {
          200: {
            type: 'object',
            required: ['from', 'to', 'problems', 'outages'],
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              problems: { type: 'array', items: historyEntrySchema },
              outages: { type: 'array', items: outageSchema, description: 'periods unavailable, offline or stopped, oldest first' },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const window = range(request.query);
      if (typeof window === 'string') return reply.code(400).send({ error: window });
      return { ...window, ...store.historyFor(currentUser(request), request.params.id, window.from, window.to) };
    },
  );

  app.post<{ Params: { id: string }; Body: { code: string; subject: string; since: number; comment?: string } }>(
    '/api/recorders/:id/problems/acknowledge',
    {
      schema: {
        tags: ['recorders'],
        summary: 'Acknowledge one active problem (NOC and admin): it stays listed as handled until it clears',
        description:
          'The problem is named as listed: code, subject and since. A problem raised again later is a new one. Acknowledged problems still make the recorder degraded and count against availability; alerts leave them out.',
        params: recorderIdParams,
        body: {
          type: 'object',
          required: ['code', 'subject', 'since'],
          additionalProperties: false,
          properties: {
            code: { type: 'string', minLength: 1, maxLength: 100 },
            subject: { type: 'string', maxLength: 500 },
            since: { type: 'integer', minimum: 0 },
            comment: { type: 'string', maxLength: 1000, description: 'what is being done about it' },
          },
        },
        response: { 201: { type: 'object', required: ['problem'], properties: { problem: problemSchema } }, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { code, subject, since, comment } = request.body;
      const problem = store.acknowledge(currentUser(request), request.params.id, { code, subject, since, comment: comment?.trim() ?? '' });
      return reply.code(201).send({ problem });
    },
  );
}
