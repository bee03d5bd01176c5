import type { FastifyInstance } from 'fastify';
import { buildReport, reportCsv, reportFileName } from '../report.js';
import { reportPdf } from '../report-pdf.js';
import type { ReportMailer, SubscriptionInput } from '../report-subscriptions.js';
import { errors, outageSchema } from '../schemas.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';

const totals = {
  availablePercent: { type: ['number', 'null'], description: 'up / (up + down) × 100; null when nothing was up or down' },
  upMs: { type: 'integer' },
  downMs: { type: 'integer' },
  plannedMs: { type: 'integer' },
} as const;
const totalsRequired = ['availablePercent', 'upMs', 'downMs', 'plannedMs'] as const;

const reportSchema = {
  type: 'object',
  required: [
    'slc',
    'installationName',
    'reseller',
    'month',
    'monthLabel',
    'timezone',
    'from',
    'to',
    'partial',
    'generatedAt',
    'availability',
    'sites',
    'recorders',
    'outages',
    'problems',
    'drives',
    'licences',
  ],
  properties: {
    slc: { type: 'string' },
    installationName: { type: 'string' },
    reseller: { type: ['string', 'null'], description: 'the reseller holding the installation' },
    month: { type: 'string', description: 'YYYY-MM' },
    monthLabel: { type: 'string' },
    timezone: { type: 'string', enum: ['UTC'] },
    from: { type: 'integer' },
    to: { type: 'integer', description: 'end of the month, or now for the current month' },
    partial: { type: 'boolean', description: 'the month is not over yet' },
    generatedAt: { type: 'integer' },
    availability: { type: 'object', required: ['recorders', ...totalsRequired], properties: { recorders: { type: 'integer' }, ...totals } },
    sites: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'recorders', ...totalsRequired],
        properties: { id: { type: 'string' }, name: { type: 'string' }, recorders: { type: 'integer' }, ...totals },
      },
    },
    recorders: {
      type: 'array',
      items: {
        type: 'object',
        required: ['id', 'name', 'siteId', 'siteName', ...totalsRequired],
        properties: { id: { type: 'string' }, name: { type: 'string' }, siteId: { type: 'string' }, siteName: { type: 'string' }, ...totals },
      },
    },
    outages: {
      type: 'array',
      description: 'oldest first',
      items: {
        ...outageSchema,
        required: [...outageSchema.required, 'recorderName', 'siteName'],
        properties: { ...outageSchema.properties, recorderName: { type: 'string' }, siteName: { type: 'string' } },
      },
    },
    problems: {
      type: 'array',
      description: 'per problem code: episodes active in the month, event occurrences, their time within the month',
      items: {
        type: 'object',
        required: ['code', 'episodes', 'occurrences', 'totalMs', 'worstSeverity'],
        properties: {
          code: { type: 'string' },
          episodes: { type: 'integer' },
          occurrences: { type: 'integer' },
          totalMs: { type: 'integer' },
          worstSeverity: { type: 'string' },
        },
      },
    },
    drives: {
      type: 'array',
      items: {
        type: 'object',
        required: ['recorderId', 'recorderName', 'path', 'totalBytes', 'freeBytes', 'usedPercent', 'freePercent', 'lowestFreePercent', 'daysToFull', 'at'],
        properties: {
          recorderId: { type: 'string' },
          recorderName: { type: 'string' },
          path: { type: 'string' },
          totalBytes: { type: 'integer' },
          freeBytes: { type: 'integer' },
          usedPercent: { type: 'number' },
          freePercent: { type: 'number' },
          lowestFreePercent: { type: ['number', 'null'], description: 'lowest free space of the month (time series); null without them' },
          daysToFull: { type: ['number', 'null'] },
          at: { type: 'integer' },
        },
      },
    },
    licences: {
      type: 'object',
      required: ['cameras', 'licensed', 'unlicensed', 'recorders'],
      properties: {
        cameras: { type: 'integer' },
        licensed: { type: 'integer' },
        unlicensed: { type: 'integer' },
        recorders: {
          type: 'array',
          items: {
            type: 'object',
            required: ['recorderId', 'recorderName', 'cameras', 'licensed', 'unlicensed'],
            properties: {
              recorderId: { type: 'string' },
              recorderName: { type: 'string' },
              cameras: { type: 'integer' },
              licensed: { type: 'integer' },
              unlicensed: { type: 'integer' },
            },
          },
        },
      },
    },
  },
} as const;

const params = {
  type: 'object',
  required: ['slc', 'month'],
  additionalProperties: false,
  properties: {
    slc: { type: 'string', minLength: 1, maxLength: 64 },
    month: { type: 'string', pattern: '^\\d{4}-(0[1-9]|1[0-2])$', description: 'YYYY-MM, a calendar month in UTC' },
  },
} as const;

const subscriptionSchema = {
  type: 'object',
  required: ['id', 'slc', 'owner', 'to', 'channelId', 'createdAt', 'lastAttemptAt', 'lastError', 'lastSentAt', 'lastSentMonth'],
  properties: {
    id: { type: 'integer' },
    slc: { type: 'string' },
    owner: { type: 'string' },
    to: { type: 'array', items: { type: 'string' } },
    channelId: { type: ['integer', 'null'] },
    createdAt: { type: 'integer' },
    lastAttemptAt: { type: ['integer', 'null'] },
    lastError: { type: ['string', 'null'], description: 'why the last attempt failed; tried again later' },
    lastSentAt: { type: ['integer', 'null'] },
    lastSentMonth: { type: ['string', 'null'] },
  },
} as const;

const idParams = { type: 'object', required: ['id'], additionalProperties: false, properties: { id: { type: 'integer', minimum: 1 } } } as const;

type ReportRoute = { Params: { slc: string; month: string } };

/** The monthly service report of an installation (JSON, PDF, CSV) and its e-mail subscriptions (docs/DESIGN.md "Service report"). */
export async function reportsPlugin(app: FastifyInstance, options: { store: DashboardStore; mailer: ReportMailer }) {
  const { store, mailer } = options;
  const description = 'One calendar month in UTC. An installation the caller does not hold answers 404, like one that does not exist.';

  app.get<ReportRoute>(
    '/api/reports/:slc/:month',
    {
      schema: { tags: ['reports'], summary: 'Service report of an installation for a month', description, params, response: { 200: reportSchema, ...errors } },
    },
    async (request) => buildReport(store, currentUser(request), request.params.slc, request.params.month),
  );

  app.get<ReportRoute>(
    '/api/reports/:slc/:month.pdf',
    {
      schema: {
        tags: ['reports'],
        summary: 'Service report as a PDF (A4)',
        description,
        params,
        produces: ['application/pdf'],
        response: { 200: { type: 'string', format: 'binary', description: 'application/pdf' }, ...errors },
      },
    },
    async (request, reply) => {
      const report = await buildReport(store, currentUser(request), request.params.slc, request.params.month);
      const pdf = await reportPdf(report);
      return reply
        .type('application/pdf')
        .header('content-disposition', `attachment; filename="${reportFileName(report, 'pdf')}"`)
        .header('cache-control', 'private, no-store')
        .send(pdf);
    },
  );

  app.get<ReportRoute>(
    '/api/reports/:slc/:month.csv',
    {
      schema: {
        tags: ['reports'],
        summary: 'Service report as CSV: one table, a `section` column per kind of row (RFC 4180)',
        description: `${description} Cells that a spreadsheet would read as a formula start with '.`,
        params,
        produces: ['text/csv'],
        response: { 200: { type: 'string', description: 'text/csv' }, ...errors },
      },
    },
    async (request, reply) => {
      const report = await buildReport(store, currentUser(request), request.params.slc, request.params.month);
      return reply
        .type('text/csv; charset=utf-8; header=present')
        .header('content-disposition', `attachment; filename="${reportFileName(report, 'csv')}"`)
        .header('cache-control', 'private, no-store')
        .send(reportCsv(report));
    },
  );

  app.get<{ Querystring: { slc?: string } }>(
    '/api/report-subscriptions',
    {
      schema: {
        tags: ['reports'],
        summary: 'Monthly report subscriptions: a reseller its own, NOC and admin every one',
        querystring: { type: 'object', additionalProperties: false, properties: { slc: { type: 'string', maxLength: 64 } } },
        response: {
          200: {
            type: 'object',
            required: ['subscriptions', 'mailConfigured'],
            properties: { subscriptions: { type: 'array', items: subscriptionSchema }, mailConfigured: { type: 'boolean' } },
          },
          ...errors,
        },
      },
    },
    async (request) => ({ subscriptions: mailer.listFor(currentUser(request), request.query.slc), mailConfigured: mailer.mailConfigured }),
  );

  app.post<{ Body: SubscriptionInput }>(
    '/api/report-subscriptions',
    {
      schema: {
        tags: ['reports'],
        summary: 'Subscribe an installation’s monthly report to e-mail addresses or to one of the caller’s e-mail alert channels',
        description: 'Sent on the 1st of each month (UTC) for the month before, once.',
        body: {
          type: 'object',
          required: ['slc'],
          additionalProperties: false,
          properties: {
            slc: { type: 'string', minLength: 1, maxLength: 64 },
            to: { type: 'array', maxItems: 50, items: { type: 'string', maxLength: 254 } },
            channelId: { type: 'integer', minimum: 1 },
          },
        },
        response: { 201: subscriptionSchema, ...errors },
      },
    },
    async (request, reply) => reply.code(201).send(mailer.create(currentUser(request), request.body)),
  );

  app.delete<{ Params: { id: number } }>(
    '/api/report-subscriptions/:id',
    { schema: { tags: ['reports'], summary: 'Remove a report subscription', params: idParams, response: { 204: { type: 'null' }, ...errors } } },
    async (request, reply) => {
      mailer.remove(currentUser(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.post<{ Params: { id: number }; Body: { month?: string } }>(
    '/api/report-subscriptions/:id/send',
    {
      schema: {
        tags: ['reports'],
        summary: 'Send the report now (default: last month’s), to check the subscription; answers it with the outcome (lastError)',
        params: idParams,
        body: { type: 'object', additionalProperties: false, properties: { month: params.properties.month } },
        response: { 200: subscriptionSchema, ...errors },
      },
    },
    async (request) => mailer.sendNow(currentUser(request), request.params.id, request.body?.month),
  );
}
