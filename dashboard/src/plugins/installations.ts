import type { FastifyInstance } from 'fastify';
import { errors, errorSchema, slcSchema } from '../schemas.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';

const registrationSchema = {
  type: 'object',
  required: ['slc', 'status'],
  properties: { slc: { type: 'string' }, status: { type: 'string', enum: ['registered', 'already-yours'] } },
} as const;

/** SLC registrations: how a reseller claims its customers' installations (docs/DESIGN.md "Tenancy"). */
export async function installationsPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const { store } = options;

  app.get(
    '/api/installations',
    {
      schema: {
        tags: ['installations'],
        summary: 'Installations: a reseller its registered ones, NOC and admin all',
        response: {
          200: {
            type: 'object',
            required: ['installations'],
            properties: {
              installations: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['slc', 'name', 'registeredAt', 'recorders'],
                  properties: {
                    slc: { type: 'string' },
                    name: { type: 'string', description: "'' until a recorder of it has reported" },
                    registeredAt: { type: ['integer', 'null'], description: "when the caller registered it; null in NOC's view of an unregistered one" },
                    recorders: { type: 'integer' },
                  },
                },
              },
            },
          },
          401: errors[401],
        },
      },
    },
    async (request) => ({ installations: store.installationsFor(currentUser(request)) }),
  );

  app.post<{ Body: { slc: string } }>(
    '/api/installations',
    {
      schema: {
        tags: ['installations'],
        summary: "Register an installation's SLC for the calling reseller",
        description: '201 registered, 200 already yours, 409 registered to another reseller (without saying which).',
        body: { type: 'object', required: ['slc'], additionalProperties: false, properties: { slc: slcSchema } },
        response: { 200: registrationSchema, 201: registrationSchema, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const result = store.registerInstallation(request.body.slc, currentUser(request));
      if (result === 'taken') return reply.code(409).send({ error: 'this SLC is registered to another reseller' });
      return reply.code(result === 'registered' ? 201 : 200).send({ slc: request.body.slc, status: result });
    },
  );

  app.delete<{ Params: { slc: string } }>(
    '/api/installations/:slc',
    {
      schema: {
        tags: ['installations'],
        summary: 'Give up one of your own registrations',
        params: { type: 'object', required: ['slc'], properties: { slc: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      store.unregisterInstallation(currentUser(request), request.params.slc);
      return reply.code(204).send();
    },
  );
}
