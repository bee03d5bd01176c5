import type { FastifyInstance } from 'fastify';
import { sessionDigest } from '../accounts.js';
import { errors, errorSchema } from '../schemas.js';
import type { DashboardStore, Role } from '../store.js';
import { currentUser, SESSION_COOKIE } from './auth.js';

const usernameSchema = { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9._@-]+$' } as const;
const roleSchema = { type: 'string', enum: ['admin', 'noc', 'reseller'] } as const;
const passwordSchema = { type: 'string', minLength: 12, maxLength: 1000, description: 'at least 12 characters' } as const;
const contactEmailSchema = {
  type: ['string', 'null'],
  maxLength: 254,
  description: 'where e-mail alert channels that name this user send (docs/CHANNELS.md); null or "" clears it',
} as const;
const userViewSchema = {
  type: 'object',
  required: ['username', 'role', 'createdAt', 'lastLoginAt', 'contactEmail'],
  properties: {
    username: { type: 'string' },
    role: roleSchema,
    createdAt: { type: 'integer' },
    lastLoginAt: { type: ['integer', 'null'], description: 'the last successful login; null: never' },
    contactEmail: { type: ['string', 'null'] },
  },
} as const;
const oneUser = { type: 'object', required: ['user'], properties: { user: userViewSchema } } as const;
const usernameParams = { type: 'object', required: ['username'], properties: { username: { type: 'string', minLength: 1, maxLength: 64 } } } as const;

/** Wrong current passwords per user before POST /api/account/password answers 429 (a stolen session must not guess on). */
const PASSWORD_GUESSES = { max: 5, timeWindow: 15 * 60_000 };

/**
 * User management for admins (the store refuses everyone else), and each user's own account:
 * password and contact e-mail. Password hashes never leave the store; changes are audited.
 */
export async function usersPlugin(app: FastifyInstance, options: { store: DashboardStore }) {
  const { store } = options;
  const { accounts } = store;
  const guesses = app.createRateLimit({ ...PASSWORD_GUESSES, keyGenerator: (request) => `password:${request.user?.username ?? request.ip}` });

  app.get(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Every user with role, last login and contact e-mail (admin only)',
        response: {
          200: { type: 'object', required: ['users'], properties: { users: { type: 'array', items: userViewSchema } } },
          401: errors[401],
          403: errors[403],
        },
      },
    },
    async (request) => ({ users: accounts.list(currentUser(request)) }),
  );

  app.post<{ Body: { username: string; role: Role; password: string; contactEmail?: string | null } }>(
    '/api/users',
    {
      schema: {
        tags: ['users'],
        summary: 'Create a user (admin only)',
        body: {
          type: 'object',
          required: ['username', 'role', 'password'],
          additionalProperties: false,
          properties: { username: usernameSchema, role: roleSchema, password: passwordSchema, contactEmail: contactEmailSchema },
        },
        response: { 201: oneUser, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const { username, role, password, contactEmail } = request.body;
      const user = await store.addUser(currentUser(request), username, role, password, contactEmail ?? null);
      return reply.code(201).send({ user });
    },
  );

  app.patch<{ Params: { username: string }; Body: { role?: Role; contactEmail?: string | null; password?: string } }>(
    '/api/users/:username',
    {
      schema: {
        tags: ['users'],
        summary: "Change a user's role or contact e-mail, or set a new password, which ends the user's sessions (admin only)",
        description: 'The last admin keeps its role (409); a reseller holding installations or alerting keeps its role until they are reassigned (409).',
        params: usernameParams,
        body: {
          type: 'object',
          additionalProperties: false,
          minProperties: 1,
          properties: { role: roleSchema, contactEmail: contactEmailSchema, password: passwordSchema },
        },
        response: { 200: oneUser, ...errors, 409: errorSchema },
      },
    },
    async (request) => ({ user: await accounts.update(currentUser(request), request.params.username, request.body) }),
  );

  app.delete<{ Params: { username: string } }>(
    '/api/users/:username',
    {
      schema: {
        tags: ['users'],
        summary: "Remove a user with its sessions and registrations (admin only; not one's own account, never the last admin)",
        params: usernameParams,
        response: { 204: { type: 'null' }, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      store.removeUser(currentUser(request), request.params.username);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/channel-users',
    {
      schema: {
        tags: ['users'],
        summary: 'Whom your e-mail channels may address by user name: NOC and admin every user, a reseller itself; whether each has a contact e-mail',
        response: {
          200: {
            type: 'object',
            required: ['users'],
            properties: {
              users: {
                type: 'array',
                items: {
                  type: 'object',
                  required: ['username', 'role', 'hasContactEmail'],
                  properties: { username: { type: 'string' }, role: roleSchema, hasContactEmail: { type: 'boolean' } },
                },
              },
            },
          },
          401: errors[401],
        },
      },
    },
    async (request) => ({ users: accounts.addressable(currentUser(request)) }),
  );

  app.get(
    '/api/account',
    {
      schema: {
        tags: ['users'],
        summary: 'Your own account: role, last login, contact e-mail (every user)',
        response: { 200: oneUser, 401: errors[401] },
      },
    },
    async (request) => ({ user: accounts.own(currentUser(request)) }),
  );

  app.patch<{ Body: { contactEmail: string | null } }>(
    '/api/account',
    {
      schema: {
        tags: ['users'],
        summary: 'Set or clear your own contact e-mail (every user)',
        body: { type: 'object', required: ['contactEmail'], additionalProperties: false, properties: { contactEmail: contactEmailSchema } },
        response: { 200: oneUser, ...errors },
      },
    },
    async (request) => ({ user: accounts.setOwnContact(currentUser(request), request.body.contactEmail) }),
  );

  app.post<{ Body: { currentPassword: string; newPassword: string } }>(
    '/api/account/password',
    {
      schema: {
        tags: ['users'],
        summary: 'Change your own password: the current one is required; your other sessions end, this one stays',
        description: `After ${PASSWORD_GUESSES.max} wrong current passwords within 15 minutes, answers 429 until the window is over.`,
        body: {
          type: 'object',
          required: ['currentPassword', 'newPassword'],
          additionalProperties: false,
          properties: { currentPassword: { type: 'string', minLength: 1, maxLength: 1000 }, newPassword: passwordSchema },
        },
        response: { 204: { type: 'null' }, ...errors, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const limit = await guesses(request, { increment: false });
      if (!limit.isAllowed && limit.remaining === 0) {
        reply.header('retry-after', String(Math.max(1, limit.ttlInSeconds)));
        return reply.code(429).send({ error: `too many wrong current passwords; try again in ${Math.max(1, limit.ttlInSeconds)} s` });
      }
      const token = request.cookies[SESSION_COOKIE] ?? '';
      const changed = await accounts.changeOwnPassword(currentUser(request), request.body.currentPassword, request.body.newPassword, sessionDigest(token));
      if (!changed) {
        await guesses(request);
        return reply.code(403).send({ error: 'currentPassword: not your current password' });
      }
      return reply.code(204).send();
    },
  );
}
