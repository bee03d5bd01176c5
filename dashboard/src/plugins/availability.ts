import type { FastifyInstance } from 'fastify';
import { availabilityList, dailyAvailability, GROUPINGS, type Grouping, isTimeZone } from '../availability-list.js';
import { errors, outageSchema } from '../schemas.js';
import type { AvailabilityScope, DashboardStore } from '../store.js';
import { currentUser } from './auth.js';
import { range } from './recorders.js';

const SCOPES: readonly AvailabilityScope[] = ['recorder', 'site', 'installation', 'reseller'];

type Query = { Querystring: { scope: AvailabilityScope; id: string; from?: number; to?: number } };
type ListQuery = { Querystring: { by: Grouping; from?: number; to?: number } };
type DailyQuery = { Querystring: { scope: AvailabilityScope; id: string; from?: number; to?: number; timeZone?: string } };

const rangeProperties = {
  from: { type: 'integer', minimum: 0, description: 'ms since the epoch; default: 24 h before `to`' },
  to: { type: 'integer', minimum: 0, description: 'ms since the epoch; default: now' },
} as const;

const totalsProperties = {
  availablePercent: { type: ['number', 'null'], description: 'up / (up + down) × 100; null when nothing was up or down in the range' },
  upMs: { type: 'integer' },
  downMs: { type: 'integer' },
  plannedMs: { type: 'integer', description: 'stopped gracefully (maintenance): not downtime' },
} as const;

const listRowSchema = {
  type: 'object',
  required: ['id', 'name', 'recorders', 'availablePercent', 'upMs', 'downMs', 'plannedMs', 'outages', 'longestOutageMs', 'plannedStops'],
  properties: {
    id: { type: 'string', description: 'what GET /api/availability takes as `id` with `scope` = the grouping' },
    name: { type: 'string' },
    installation: { type: 'object', required: ['slc', 'name'], properties: { slc: { type: 'string' }, name: { type: 'string' } } },
    site: { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } },
    recorders: { type: 'integer' },
    ...totalsProperties,
    outages: { type: 'integer', description: 'periods unavailable or offline (each recorder’s counted separately)' },
    longestOutageMs: { type: 'integer' },
    plannedStops: { type: 'integer', description: 'periods stopped gracefully' },
  },
} as const;

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

  app.get<ListQuery>(
    '/api/availability/list',
    {
      schema: {
        tags: ['availability'],
        summary: 'Availability of every recorder, site, installation or reseller the caller may see, over a period, worst first',
        description:
          'The same figures as GET /api/availability, for all targets of a grouping at once, with outage counts instead of the outages. A reseller sees its own fleet, and in the `reseller` grouping itself only; recorders of an installation no reseller holds are in no reseller’s row.',
        querystring: {
          type: 'object',
          required: ['by'],
          additionalProperties: false,
          properties: { by: { type: 'string', enum: [...GROUPINGS] }, ...rangeProperties },
        },
        response: {
          200: {
            type: 'object',
            required: ['by', 'from', 'to', 'rows'],
            properties: {
              by: { type: 'string', enum: [...GROUPINGS] },
              from: { type: 'integer' },
              to: { type: 'integer' },
              rows: { type: 'array', items: listRowSchema },
            },
          },
          ...errors,
        },
      },
    },
    async (request, reply) => {
      const window = range(request.query);
      if (typeof window === 'string') return reply.code(400).send({ error: window });
      const { by } = request.query;
      return { by, ...window, rows: availabilityList(store, currentUser(request), by, window.from, window.to) };
    },
  );

  app.get<DailyQuery>(
    '/api/availability/daily',
    {
      schema: {
        tags: ['availability'],
        summary: 'Availability of a recorder, site, installation or reseller per day of a period, for a chart',
        description:
          'Targets as in GET /api/availability (out of scope answers like nonexistent). Days are local days of `timeZone`; the first and last are the parts inside the range.',
        querystring: {
          type: 'object',
          required: ['scope', 'id'],
          additionalProperties: false,
          properties: {
            scope: { type: 'string', enum: [...SCOPES] },
            id: { type: 'string', minLength: 1, maxLength: 200 },
            ...rangeProperties,
            timeZone: { type: 'string', minLength: 1, maxLength: 64, description: 'IANA time zone of the days, e.g. Europe/Copenhagen; default UTC' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['scope', 'id', 'from', 'to', 'timeZone', 'recorders', 'days'],
            properties: {
              scope: { type: 'string', enum: [...SCOPES] },
              id: { type: 'string' },
              from: { type: 'integer' },
              to: { type: 'integer' },
              timeZone: { type: 'string' },
              recorders: { type: 'integer' },
              days: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['day', 'start', 'end', 'availablePercent', 'upMs', 'downMs', 'plannedMs'],
                  properties: { day: { type: 'string', description: 'YYYY-MM-DD' }, start: { type: 'integer' }, end: { type: 'integer' }, ...totalsProperties },
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
      const timeZone = request.query.timeZone ?? 'UTC';
      if (!isTimeZone(timeZone))
        return reply.code(400).send({ error: `timeZone: unknown time zone "${timeZone}"; use an IANA name such as Europe/Copenhagen or UTC` });
      const { scope, id } = request.query;
      return { scope, id, ...window, timeZone, ...dailyAvailability(store, currentUser(request), scope, id, window.from, window.to, timeZone) };
    },
  );
}
