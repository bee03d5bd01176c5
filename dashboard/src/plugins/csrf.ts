import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { errorSchema } from '../schemas.js';
import { routePath, SESSION_COOKIE } from './auth.js';

export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);
const EXEMPT = new Set(['/api/login']);

/**
 * The CSRF token of a session: an HMAC keyed by the session's own secret token. It is tied to
 * that session (a new login makes a new one), needs no storage, survives restarts, and cannot be
 * computed without the httpOnly cookie, which another site's page can never read.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('vigil dashboard csrf v1').digest('base64url');
}

function matches(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * CSRF protection for every state-changing /api route but login: header `x-csrf-token` must
 * carry the session's token from GET /api/csrf, else 403. Runs after the session check, so a
 * request without a session still gets its 401 first. (SameSite=Strict already stops most
 * cross-site requests; this also covers same-site subdomains and older browsers.)
 * Hand-written rather than @fastify/csrf-protection: that library salts every token anew (GET
 * /api/csrf would answer a different token each time, where API clients rely on one per session)
 * and keeps its secret in a cookie or session store of its own, which we would have to fake with
 * our session cookie to bind tokens to the session. An HMAC of the session token does both in a
 * few lines.
 */
export const csrfPlugin = fp(async function csrf(app: FastifyInstance) {
  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (SAFE_METHODS.has(request.method)) return;
    const path = routePath(request);
    if (!path.startsWith('/api/') || EXEMPT.has(path)) return;
    const session = request.cookies[SESSION_COOKIE];
    const given = request.headers[CSRF_HEADER];
    if (!session || typeof given !== 'string' || !matches(given, csrfTokenFor(session))) {
      return reply.code(403).send({ error: `missing or wrong CSRF token: send header ${CSRF_HEADER} with the token from GET /api/csrf` });
    }
  });

  app.get(
    '/api/csrf',
    {
      schema: {
        tags: ['session'],
        summary: 'The CSRF token of this session',
        description: `Send it as header \`${CSRF_HEADER}\` on every POST, PUT, PATCH and DELETE except POST /api/login.`,
        response: { 200: { type: 'object', required: ['token'], properties: { token: { type: 'string' } } }, 401: errorSchema },
      },
    },
    async (request) => ({ token: csrfTokenFor(request.cookies[SESSION_COOKIE] ?? '') }),
  );
});
