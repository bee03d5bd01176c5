import type { FastifyInstance } from 'fastify';
import { countsSchema, errors, stateSchema } from '../schemas.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';

const siteSchema = {
  type: 'object',
  required: ['id', 'name', 'latitude', 'longitude', 'installation', 'worstState', 'unreachable', 'counts', 'recorders'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    latitude: { type: ['number', 'null'] },
    longitude: { type: ['number', 'null'] },
    installation: { type: 'object', required: ['slc', 'name'], properties: { slc: { type: 'string' }, name: { type: 'string' } } },
    worstState: stateSchema,
    unreachable: { type: 'boolean' },
    counts: countsSchema,
    recorders: {
      type: 'array',
      items: { type: 'object', required: ['id', 'name', 'state'], properties: { id: { type: 'string' }, name: { type: 'string' }, state: stateSchema } },
    },
  },
} as const;

/** Sites for the map: the caller's recorders grouped by site, coloured by their worst state. */
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
}
