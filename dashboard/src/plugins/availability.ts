import type { FastifyInstance } from 'fastify';
import { errors, outageSchema } from '../schemas.js';
import type { AvailabilityScope, DashboardStore } from '../store.js';
import { currentUser } from './auth.js';
import { range } from './recorders.js';

const SCOPES: readonly AvailabilityScope[] = ['recorder', 'site', 'installation', 'reseller'];

type Query = { Querystring: { scope: AvailabilityScope; id: string; from?: number; to?: number } };

/** Availability of what the caller may see, as a percentage and as the outages behind it (docs/DESIGN.md "Fleet state"). */
export async function availabilityPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const { store } = options;
  app.get<Query>(
    '/api/availability',
    {
      schema: {
        tags: ['availability'],
        summary: 'Availability of a recorder, site, installation or reseller over a period, and its outages',
        description:
          'Up is online or degraded; down is unavailable or offline; a graceful stop is planned and counts neither way, nor does time before a recorder was first heard of. Several recorders add up their times.',
        querystring: {
          type: 'object',
          required: ['scope', 'id'],
          additionalProperties: false,
          properties: {
            scope: { type: 'string', enum: [...SCOPES] },
            id: {
              type: 'string',
              minLength: 1,
              maxLength: 200,
              description: 'recorder id; site as SLC/site id; installation SLC; reseller user name (a reseller may ask for itself only)',
            },
            from: { type: 'integer', minimum: 0, description: 'ms since the epoch; default: 24 h before `to`' },
            to: { type: 'integer', minimum: 0, description: 'ms since the epoch; default: now' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['scope', 'id', 'from', 'to', 'recorders', 'availablePercent', 'upMs', 'downMs', 'plannedMs', 'outages'],
            properties: {
              scope: { type: 'string', enum: [...SCOPES] },
              id: { type: 'string' },
              from: { type: 'integer' },
              to: { type: 'integer' },
              recorders: { type: 'integer', description: 'recorders counted' },
              availablePercent: { type: ['number', 'null'], description: 'up / (up + down) × 100; null when nothing was up or down in the range' },
              upMs: { type: 'integer' },
              downMs: { type: 'integer' },
              plannedMs: { type: 'integer', description: 'stopped gracefully (maintenance): not downtime' },
              outages: { type: 'array', items: outageSchema, description: 'oldest first' },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const window = range(request.query);
      if (typeof window === 'string') return reply.code(400).send({ error: window });
      const { scope, id } = request.query;
      return store.availabilityFor(currentUser(request), scope, id, window.from, window.to);
    },
  );
}
