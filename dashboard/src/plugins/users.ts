import type { FastifyInstance } from 'fastify';
import { errors, errorSchema } from '../schemas.js';
import type { DashboardStore, Role } from '../store.js';
import { currentUser } from './auth.js';

const usernameSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' } as const;
const userViewSchema = {
  type: 'object',
  required: ['username', 'role', 'createdAt'],
  properties: { username: { type: 'string' }, role: { type: 'string', enum: ['admin', 'noc', 'reseller'] }, createdAt: { type: 'integer' } },
} as const;

/** User management, for admins only (the store refuses everyone else). Password hashes never leave the store. */
export async function usersPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const { store } = options;

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Every user (admin only)',
        response: {
          200: { type: 'object', required: ['users'], properties: { users: { type: 'array', items: userViewSchema } } },
          401: errors[401],
          403: errors[403],
        },
      },
    },
    async (request) => ({ users: store.usersFor(currentUser(request)) }),
  );

  app.post<{ Body: { username: string; role: Role; password: string } }>(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (admin only)',
        body: {
          type: 'object',
          required: ['username', 'role', 'password'],
          additionalProperties: false,
          properties: {
            username: usernameSchema,
            role: { type: 'string', enum: ['admin', 'noc', 'reseller'] },
            password: { type: 'string', minLength: 12, maxLength: 1000, description: 'at least 12 characters' },
          },
        },
        response: { 201: { type: 'object', required: ['user'], properties: { user: userViewSchema } }, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { username, role, password } = request.body;
      const user = await store.addUser(currentUser(request), username, role, password);
      return reply.code(201).send({ user });
    },
  );

  app.delete<{ Params: { username: string } }>(
    '/api/users/:username',
    {
      schema: {
        tags: ['users'],
        summary: "Remove a user with its sessions and registrations (admin only; not one's own account)",
        params: { type: 'object', required: ['username'], properties: { username: { type: 'string', minLength: 1, maxLength: 64 } } },
        response: { 204: { type: 'null' }, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      store.removeUser(currentUser(request), request.params.username);
      return reply.code(204).send();
    },
  );
}
