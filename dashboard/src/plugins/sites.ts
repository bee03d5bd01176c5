import type { FastifyInstance } from 'fastify';
import { countsSchema, errors, historyEntrySchema, outageSchema, rangeQuery, stateSchema } from '../schemas.js';
import { SITE_LEVELS } from '../site-attention.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';
import { range } from './recorders.js';

const siteSchema = {
  type: 'object',
  required: ['id', 'name', 'latitude', 'longitude', 'installation', 'worstState', 'unreachable', 'attention', 'counts', 'recorders'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    latitude: { type: ['number', 'null'] },
    longitude: { type: ['number', 'null'] },
    installation: { type: 'object', required: ['slc', 'name'], properties: { slc: { type: 'string' }, name: { type: 'string' } } },
    worstState: stateSchema,
    unreachable: { type: 'boolean' },
    attention: {
      type: 'object',
      description: 'how much of the site is wrong and how badly (docs/DESIGN.md, "Sites on the map"): the map colours, orders and words sites by it',
      required: ['level', 'colour', 'affected', 'total', 'score', 'summary'],
      properties: {
        level: { type: 'string', enum: [...SITE_LEVELS] },
        colour: { ...stateSchema, description: 'the state colour the level is drawn in' },
        affected: { type: 'integer', description: "recorders in the level's condition (down, degraded, stopped)" },
        total: { type: 'integer' },
        score: { type: 'number', description: "higher is worse: the level's rank (ok 0 … unreachable 5) plus the share affected" },
        summary: { type: 'string', description: 'e.g. "2 of 3 recorders down", "site unreachable: none of its 2 recorders answers"' },
      },
    },
    counts: countsSchema,
    recorders: {
      type: 'array',
      items: { type: 'object', required: ['id', 'name', 'state'], properties: { id: { type: 'string' }, name: { type: 'string' }, state: stateSchema } },
    },
  },
} as const;

/** Sites for the map: the caller's recorders grouped by site, worst first by the share and severity of what is wrong. */
export async function sitesPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  app.get(
    '/api/sites',
    {
      schema: {
        tags: ['sites'],
        summary: 'Sites of the recorders the caller may see, with position, worst state and counts',
        response: { 200: { type: 'object', required: ['sites'], properties: { sites: { type: 'array', items: siteSchema } } }, 401: errors[401] },
      },
    },
    async (request) => ({ sites: options.store.sitesFor(currentUser(request)) }),
  );

  app.get<{ Querystring: { id: string; from?: number; to?: number } }>(
    '/api/sites/history',
    {
      schema: {
        tags: ['sites'],
        summary: 'What happened at a site in the range: its recorders’ problems (start, end, duration) and outages, oldest first',
        querystring: {
          type: 'object',
          required: ['id'],
          additionalProperties: false,
          properties: {
            id: { type: 'string', minLength: 3, maxLength: 200, description: 'SLC/site id, e.g. SLC-ALPHA-0001/alpha-hq' },
            ...rangeQuery.properties,
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['from', 'to', 'problems', 'outages'],
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              problems: {
                type: 'array',
                items: {
                  ...historyEntrySchema,
                  required: [...historyEntrySchema.required, 'recorderId'],
                  properties: { ...historyEntrySchema.properties, recorderId: { type: 'string' } },
                },
              },
              outages: { type: 'array', items: outageSchema },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const window = range(request.query);
      if (typeof window === 'string') return reply.code(400).send({ error: window });
      return { ...window, ...options.store.siteHistoryFor(currentUser(request), request.query.id, window.from, window.to) };
    },
  );
}
