import type {} from '@fastify/cookie';
import type {} from '@fastify/rate-limit';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errorSchema, userSchema } from '../schemas.js';
import type { DashboardStore, User } from '../store.js';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
  }
}

export const SESSION_COOKIE = 'vigil_session';

export interface AuthOptions {
  store: DashboardStore;
  /** Set when the dashboard is served over HTTPS (directly or behind a TLS proxy). */
  secureCookies: boolean;
  /** Failed logins per IP and minute before POST /api/login answers 429 (default 10). */
  loginFailuresPerMinute?: number;
}

/** The request's user. For routes under /api, where the session hook has already answered 401 without one. */
export function currentUser(request: FastifyRequest): User {
  if (!request.user) throw new Error(`${request.url} is missing the session check`);
  return request.user;
}

/**
 * The route a request matched (its pattern, e.g. /api/recorders/:id), so that a spelling the
 * router accepts (percent-encoding, a trailing slash) cannot slip past a path check; the raw
 * path for requests that match no route.
 */
export function routePath(request: FastifyRequest): string {
  return request.routeOptions.url ?? request.url.split('?')[0] ?? '';
}

/** Routes anyone may call without a session. */
const PUBLIC_API = new Set(['/api/login', '/api/session']);

/**
 * Sessions: POST /api/login sets an httpOnly, SameSite=Strict cookie (Secure over HTTPS); every
 * other /api route answers 401 without one. Failed logins are rate-limited per IP; successful
 * ones are not counted, so a team behind one NAT address can still log in.
 */
export const authPlugin = fp(async function auth(app: FastifyInstance, options: AuthOptions) {
  const { store } = options;
  app.decorateRequest('user', null);
  const loginFailures = app.createRateLimit({ max: options.loginFailuresPerMinute ?? 10, timeWindow: 60_000 });

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    const token = request.cookies[SESSION_COOKIE];
    request.user = token ? (store.userForSession(token) ?? null) : null;
    const path = routePath(request);
    if (path.startsWith('/api/') && !PUBLIC_API.has(path) && !request.user) {
      return reply.code(401).send({ error: 'log in first: POST /api/login with {"username", "password"}' });
    }
  });

  app.post<{ Body: { username: string; password: string } }>(
    '/api/login',
    {
      schema: {
        tags: ['session'],
        summary: 'Log in; sets the session cookie',
        description: 'Rate-limited: after 10 failed attempts from one address within a minute, answers 429 until the minute is over.',
        security: [],
        body: {
          type: 'object',
          required: ['username', 'password'],
          additionalProperties: false,
          properties: { username: { type: 'string', minLength: 1, maxLength: 200 }, password: { type: 'string', minLength: 1, maxLength: 1000 } },
        },
        response: { 200: { type: 'object', required: ['user'], properties: { user: userSchema } }, 400: errorSchema, 401: errorSchema, 429: errorSchema },
      },
    },
    async (request, reply) => {
      const limit = await loginFailures(request, { increment: false });
      if (!limit.isAllowed && limit.remaining === 0) {
        reply.header('retry-after', String(Math.max(1, limit.ttlInSeconds)));
        return reply.code(429).send({ error: `too many failed logins from this address; try again in ${Math.max(1, limit.ttlInSeconds)} s` });
      }
      const session = await store.login(request.body.username, request.body.password);
      if (!session) {
        await loginFailures(request);
        request.log.info({ username: request.body.username, ip: request.ip }, 'failed login');
        return reply.code(401).send({ error: 'wrong username or password' });
      }
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

  app.post(
    '/api/logout',
    { schema: { tags: ['session'], summary: 'Log out: ends the session', response: { 204: { type: 'null' }, 401: errorSchema, 403: errorSchema } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) store.logout(token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send();
    },
  );

  // The page's first question. Without a session it is answered 200 with no user, not 401:
  // a logged-out visit is normal, and a 401 would be an error in every browser console.
  app.get(
    '/api/session',
    {
      schema: {
        tags: ['session'],
        summary: 'Who is logged in on this browser, if anyone (never 401)',
        response: { 200: { type: 'object', required: ['user'], properties: { user: { anyOf: [userSchema, { type: 'null' }] } } } },
      },
    },
    async (request) => ({ user: request.user ? { username: request.user.username, role: request.user.role } : null }),
  );

  app.get(
    '/api/me',
    {
      schema: {
        tags: ['session'],
        summary: 'The logged-in user',
        description:
          "For NOC and admin users, `telemetryStall` is set while the ingestor cannot deliver time series to its store (docs/DEPLOY.md, Health): since when, how many points waited then, the store's last error.",
        response: {
          200: {
            type: 'object',
            required: ['user'],
            properties: {
              user: userSchema,
              telemetryStall: {
                type: 'object',
                required: ['since', 'points', 'lastError'],
                properties: { since: { type: 'integer' }, points: { type: 'integer' }, lastError: { type: ['string', 'null'] } },
              },
            },
          },
          401: errorSchema,
        },
      },
    },
    async (request) => {
      const user = currentUser(request);
      const telemetryStall = store.telemetryStallFor(user);
      return { user: { username: user.username, role: user.role }, ...(telemetryStall ? { telemetryStall } : {}) };
    },
  );
});
