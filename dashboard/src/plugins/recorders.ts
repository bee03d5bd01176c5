import type { FastifyInstance } from 'fastify';
import { countsSchema, errors, rangeQuery, recorderDetailSchema, recorderIdParams, recorderSchema, stateSchema } from '../schemas.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';

const DEFAULT_RANGE_MS = 24 * 3_600_000;
/** Longest range one request may ask for; the chart is bucketed anyway, this bounds the store's work. */
const MAX_RANGE_MS = 400 * 24 * 3_600_000;

type Range = { Querystring: { from?: number; to?: number } };

/** Fills in the default range and refuses a backwards or oversized one with a clear message. */
function range(query: { from?: number; to?: number }): { from: number; to: number } | string {
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
        description: 'In no particular order. The page shows only recorders with problems unless "show all" is ticked; the server always returns all of them.',
        querystring: { type: 'object', properties: { all: { type: 'string', enum: ['0', '1'] } } },
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
}
