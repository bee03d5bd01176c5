import type {} from '@fastify/cookie';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { DashboardStore, User } from '../store.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

export const SESSION_COOKIE = 'vigil_session';

const userSchema = {
  type: 'object',
  required: ['username', 'role'],
  properties: { username: { type: 'string' }, role: { type: 'string', enum: ['admin', 'noc', 'reseller'] } },
} as const;

const errorSchema = { type: 'object', required: ['error'], properties: { error: { type: 'string' } } } as const;

export interface AuthOptions {
  store: DashboardStore;
  /** Set when the dashboard is served over HTTPS (directly or behind a TLS proxy). */
  secureCookies: boolean;
}

/** The request's user, or a 401 already sent. For routes behind `requireUser`. */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new Error('route is missing the requireUser hook');
  return request.user;
}

/**
 * Sessions: POST /api/login sets an httpOnly, SameSite=Strict cookie; every other /api route
 * answers 401 without one.
 */
export const authPlugin = fp(async function auth(app: FastifyInstance, options: AuthOptions) {
  const { store } = options;
  app.decorateRequest('user', null);

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    request.user = token ? (store.userForSession(token) ?? null) : null;
    const path = request.url.split('?')[0] ?? '';
    if (path.startsWith('/api/') && path !== '/api/login' && !request.user) {
      return reply.code(401).send({ error: 'log in first: POST /api/login with {"username", "password"}' });
    }
  });

  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      schema: {
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 1000 } },
        },
        response: { 200: { type: 'object', required: ['user'], properties: { user: userSchema } }, 401: errorSchema },
      },
    },
    async (request, reply) => {
      const session = await store.login(request.body.username, request.body.password);
      if (!session) return reply.code(401).send({ error: 'wrong username or password' });
      reply.setCookie(SESSION_COOKIE, session.token, {
        path: '/',
        httpOnly: true,
        sameSite: 'strict',
        secure: options.secureCookies,
        maxAge: 12 * 3600,
      });
      return { user: { username: session.user.username, role: session.user.role } };
    },
  );

  app.post('/api/logout', { schema: { response: { 204: { type: 'null' } } } }, async (request, reply) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) store.logout(token);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.code(204).send();
  });

  app.get('/api/me', { schema: { response: { 200: { type: 'object', required: ['user'], properties: { user: userSchema } } } } }, async (request) => {
    const user = currentUser(request);
    return { user: { username: user.username, role: user.role } };
  });
});
