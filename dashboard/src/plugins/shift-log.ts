import type { FastifyInstance } from 'fastify';
import { errors } from '../schemas.js';
import { DEFAULT_LIMIT, MAX_LIMIT, SHIFT_LOG_KINDS, ShiftLog, type ShiftLogQuery } from '../shift-log.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';

const named = { type: 'object', required: ['slc', 'name'], properties: { slc: { type: 'string' }, name: { type: 'string' } } } as const;
const site = { type: 'object', required: ['id', 'name'], properties: { id: { type: 'string' }, name: { type: 'string' } } } as const;

const entrySchema = {
  type: 'object',
  required: ['kind', 'at', 'installation', 'site', 'recorder'],
  description:
    'One happening. problem: raised (and cleared, end) with its duration, who acknowledged it; outage: a recorder unavailable/offline (one entry until it is back) or stopped; site-outage: every recorder of a site lost at once; acknowledgement: of a problem; alert-acknowledgement: of an alert.',
  properties: {
    kind: { type: 'string', enum: [...SHIFT_LOG_KINDS] },
    at: { type: 'integer', description: 'when it happened in the period: its end if it ended in it, else its start; an acknowledgement’s time' },
    installation: named,
    site,
    recorder: { anyOf: [{ type: 'null' }, site], description: 'null for a whole site' },
    start: { type: 'integer' },
    end: { type: ['integer', 'null'], description: 'null: still open' },
    durationMs: { type: 'integer', description: 'up to its end, or up to now while open' },
    problemKind: { type: 'string', enum: ['condition', 'event'] },
    code: { type: 'string' },
    subject: { type: 'string' },
    severity: { type: 'string' },
    message: { type: 'string' },
    count: { type: 'integer' },
    acknowledged: {
      anyOf: [
        { type: 'null' },
        { type: 'object', required: ['by', 'at', 'comment'], properties: { by: { type: 'string' }, at: { type: 'integer' }, comment: { type: 'string' } } },
      ],
    },
    states: { type: 'array', items: { type: 'string', enum: ['unavailable', 'offline', 'stopped'] } },
    counted: { type: 'boolean', description: 'downtime (false: a graceful stop)' },
    recorders: { type: 'integer', description: 'site-outage: recorders at the site' },
    by: { type: 'string' },
    comment: { type: 'string' },
    since: { type: 'integer', description: 'acknowledgement: the acknowledged problem’s start' },
    alertId: { type: 'integer' },
    summary: { type: 'string' },
  },
} as const;

const countsSchema = {
  type: 'object',
  required: [...SHIFT_LOG_KINDS],
  properties: Object.fromEntries(SHIFT_LOG_KINDS.map((kind) => [kind, { type: 'integer' }])),
} as const;

/**
 * The shift log (docs/DESIGN.md "Shift log"). Reading never marks it seen: the page refetches on
 * every live event, and a moving "since" would drop what the user is reading. The page marks it
 * seen with POST /api/shift-log/seen when it opens the default view, so the next visit starts there.
 */
export async function shiftLogPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const log = new ShiftLog(options.store);

  app.get<{ Querystring: ShiftLogQuery }>(
    '/api/shift-log',
    {
      schema: {
        tags: ['shift-log'],
        summary: 'What happened in a period at the caller’s installations, newest first',
        description:
          'Problems raised and cleared (with durations, still-open ones without end), outages of recorders and of whole sites, acknowledgements of problems and alerts and who made them. Default period: since the caller last marked the log seen (else the last 8 h; at most 7 days back) until now.',
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: {
            from: { type: 'integer', minimum: 0, description: 'ms since the epoch; default: the caller’s last look (POST /api/shift-log/seen)' },
            to: { type: 'integer', minimum: 0, description: 'ms since the epoch; default: now' },
            installation: { type: 'string', minLength: 1, maxLength: 200, description: 'only this installation (SLC)' },
            site: { type: 'string', minLength: 3, maxLength: 400, description: 'only this site: SLC/site id' },
            limit: { type: 'integer', minimum: 1, maximum: MAX_LIMIT, default: DEFAULT_LIMIT, description: 'at most this many entries (newest)' },
          },
        },
        response: {
          200: {
            type: 'object',
            required: ['from', 'to', 'lastSeen', 'total', 'truncated', 'entries', 'groups'],
            properties: {
              from: { type: 'integer' },
              to: { type: 'integer' },
              lastSeen: { type: ['integer', 'null'], description: 'when the caller last marked the log seen' },
              total: { type: 'integer', description: 'entries in the period after the filters' },
              truncated: { type: 'boolean', description: 'more than `limit`: ask again with a larger one' },
              entries: { type: 'array', items: entrySchema },
              groups: {
                type: 'array',
                description: 'every installation and site with entries in the period (before the filters), with counts per kind',
                items: { type: 'object', required: ['installation', 'site', 'counts'], properties: { installation: named, site, counts: countsSchema } },
              },
            },
          },
          ...errors,
        },
      },
    },
    async (request) => log.entriesFor(currentUser(request), request.query),
  );

  app.post(
    '/api/shift-log/seen',
    {
      schema: {
        tags: ['shift-log'],
        summary: 'Marks now as the caller’s last look at the shift log (the next default period starts here)',
        body: { type: 'object', additionalProperties: false, properties: {} },
        response: {
          200: { type: 'object', required: ['lastSeen'], properties: { lastSeen: { type: 'integer' } } },
          ...errors,
        },
      },
    },
    async (request) => ({ lastSeen: log.markSeen(currentUser(request)) }),
  );
}
