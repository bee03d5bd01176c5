import type { FastifyInstance } from 'fastify';
import { RECORDER_STATES } from '@vigil/ingestor';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';

const problemSchema = {
  type: 'object',
  required: ['kind', 'code', 'subject', 'severity', 'message', 'since'],
  properties: {
    kind: { type: 'string', enum: ['condition', 'event', 'state'] },
    code: { type: 'string' },
    subject: { type: 'string' },
    severity: { type: 'string' },
    message: { type: 'string' },
    since: { type: 'integer' },
    count: { type: 'integer' },
    lastSeen: { type: 'integer' },
  },
} as const;

export const recorderSchema = {
  type: 'object',
  required: ['id', 'name', 'installation', 'site', 'state', 'stateSince', 'lastSeen', 'problems'],
  properties: {
    id: { type: 'string' },
    name: { type: 'string' },
    installation: { type: 'object', properties: { slc: { type: 'string' }, name: { type: 'string' } } },
    site: {
      type: 'object',
      properties: { id: { type: 'string' }, name: { type: 'string' }, latitude: { type: ['number', 'null'] }, longitude: { type: ['number', 'null'] } },
    },
    state: { type: 'string', enum: [...RECORDER_STATES] },
    stateSince: { type: 'integer' },
    lastSeen: { type: ['integer', 'null'] },
    agentVersion: { type: 'string' },
    failoverPartner: { type: 'string' },
    problems: { type: 'array', items: problemSchema },
  },
} as const;

const countsSchema = {
  type: 'object',
  properties: Object.fromEntries(RECORDER_STATES.map((s) => [s, { type: 'integer' }])),
} as const;

/** The fleet as the caller may see it: NOC and admin everything, a reseller its registered SLCs. */
export async function recordersPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const { store } = options;

  app.get(
    '/api/recorders',
    { schema: { response: { 200: { type: 'object', required: ['recorders', 'counts'], properties: { recorders: { type: 'array', items: recorderSchema }, counts: countsSchema } } } } },
    async (request) => {
      const recorders = store.recordersFor(currentUser(request));
      const counts = Object.fromEntries(RECORDER_STATES.map((s) => [s, 0])) as Record<string, number>;
      for (const r of recorders) counts[r.state] = (counts[r.state] ?? 0) + 1;
      return { recorders, counts };
    },
  );

  app.get<{ Params: { id: string } }>(
    '/api/recorders/:id',
    {
      schema: {
        params: { type: 'object', required: ['id'], properties: { id: { type: 'string', maxLength: 64 } } },
        response: { 200: recorderSchema, 404: { type: 'object', properties: { error: { type: 'string' } } } },
      },
    },
    async (request, reply) => {
      // Out of scope and nonexistent answer alike, so a reseller cannot probe other fleets.
      const recorder = store.recorderFor(currentUser(request), request.params.id);
      if (!recorder) return reply.code(404).send({ error: `no recorder "${request.params.id}"` });
      return recorder;
    },
  );

  app.post<{ Body: { slc: string } }>(
    '/api/installations',
    {
      schema: {
        body: { type: 'object', required: ['slc'], additionalProperties: false, properties: { slc: { type: 'string', minLength: 4, maxLength: 64, pattern: '^[A-Za-z0-9-]+$' } } },
        response: {
          200: { type: 'object', properties: { slc: { type: 'string' }, status: { type: 'string' } } },
          201: { type: 'object', properties: { slc: { type: 'string' }, status: { type: 'string' } } },
          403: { type: 'object', properties: { error: { type: 'string' } } },
          409: { type: 'object', properties: { error: { type: 'string' } } },
        },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (user.role !== 'reseller') return reply.code(403).send({ error: 'only resellers register installations' });
      const result = store.registerInstallation(request.body.slc, user);
      if (result === 'taken') return reply.code(409).send({ error: 'this SLC is registered to another reseller' });
      return reply.code(result === 'registered' ? 201 : 200).send({ slc: request.body.slc, status: result });
    },
  );
}
