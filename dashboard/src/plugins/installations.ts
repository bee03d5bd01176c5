import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errors, errorSchema, slcSchema } from '../schemas.js';
import type { DashboardStore } from '../store.js';
import { currentUser } from './auth.js';

const registrationSchema = {
  type: 'object',
  required: ['slc', 'status'],
  properties: { slc: { type: 'string' }, status: { type: 'string', enum: ['pending', 'already-yours'] } },
} as const;

const claimSchema = {
  type: 'object',
  required: ['id', 'slc', 'name', 'via', 'recorderId', 'status', 'requestedAt', 'decidedAt'],
  properties: {
    id: { type: 'integer' },
    slc: { type: 'string' },
    name: { type: 'string' },
    via: { type: 'string', enum: ['slc', 'enrollment'] },
    recorderId: { type: ['string', 'null'] },
    status: { type: 'string', enum: ['pending', 'approved', 'rejected'] },
    requestedAt: { type: 'integer' },
    decidedAt: { type: ['integer', 'null'] },
    reseller: { type: 'string', description: 'admin only: who asks' },
    holder: { type: ['string', 'null'], description: 'admin only: who holds the installation now' },
  },
} as const;

const tokenProperties = {
  id: { type: 'integer' },
  slc: { type: 'string' },
  installationName: { type: 'string' },
  recorderId: { type: 'string' },
  createdAt: { type: 'integer' },
  expiresAt: { type: 'integer' },
  status: { type: 'string', enum: ['pending', 'expired', 'revoked', 'enrolled', 'granted', 'claim-pending'] },
  enrolledAt: { type: ['integer', 'null'] },
} as const;
const tokenRequired = ['id', 'slc', 'installationName', 'recorderId', 'createdAt', 'expiresAt', 'status', 'enrolledAt'] as const;

const idParams = { type: 'object', required: ['id'], properties: { id: { type: 'integer', minimum: 1 } } } as const;
const slcParams = { type: 'object', required: ['slc'], properties: { slc: { type: 'string', minLength: 1, maxLength: 64 } } } as const;
const limited = { 429: errorSchema } as const;

/** Registration and claim requests (claims by SLC, enrolment tokens) allowed per reseller and per address within a window. */
export interface RegistrationLimits {
  perUser: { max: number; windowMs: number };
  perAddress: { max: number; windowMs: number };
}

/** Enough to onboard a customer's recorders in one sitting; too few to walk through SLCs. */
export const DEFAULT_REGISTRATION_LIMITS: RegistrationLimits = { perUser: { max: 20, windowMs: 15 * 60_000 }, perAddress: { max: 60, windowMs: 15 * 60_000 } };

export interface InstallationsOptions {
  store: DashboardStore;
  /** The enrolment endpoint installers reach (https://host:port), for the command line shown with a new token. */
  enrollUrl?: string;
  /** The fleet CA certificate (PEM), given with a new token: the installer needs it to trust the endpoint. */
  caCertificate?: string;
  limits?: Partial<RegistrationLimits>;
}

/**
 * Ownership of installations (docs/DESIGN.md "Tenancy"): a reseller's enrolment tokens, claims by
 * SLC that an admin decides, and an admin's direct assignment.
 */
export async function installationsPlugin(app: FastifyInstance, options: InstallationsOptions) {
  const { store } = options;
  const limits: RegistrationLimits = { ...DEFAULT_REGISTRATION_LIMITS, ...options.limits };
  const perUser = app.createRateLimit({
    max: limits.perUser.max,
    timeWindow: limits.perUser.windowMs,
    // With the name: SQLite may give a removed user's id to the next one, who should not inherit its count.
    keyGenerator: (request) => `user:${request.user?.id ?? 'none'}:${request.user?.username ?? ''}`,
  });
  const perAddress = app.createRateLimit({ max: limits.perAddress.max, timeWindow: limits.perAddress.windowMs, keyGenerator: (request) => `ip:${request.ip}` });

  /** Counts one registration request; answers 429 with Retry-After (and returns false) once the caller or its address has had its share. */
  const withinLimits = async (request: FastifyRequest, reply: FastifyReply): Promise<boolean> => {
    for (const [limit, who] of [
      [perUser, 'for your account'],
      [perAddress, 'from this address'],
    ] as const) {
      const result = await limit(request);
      // isAllowed means "on the allow list"; over the limit is isExceeded.
      if (!result.isAllowed && result.isExceeded) {
        const seconds = Math.max(1, result.ttlInSeconds);
        reply.header('retry-after', String(seconds));
        await reply.code(429).send({ error: `too many installation requests ${who}; try again in ${seconds} s` });
        return false;
      }
    }
    return true;
  };

  app.get(
    '/api/installations',
    {
      schema: {
        tags: ['installations'],
        summary: 'Installations: a reseller its own, NOC and admin all (with their holder)',
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
                    registeredAt: { type: ['integer', 'null'], description: 'when it became its holder’s; null when no reseller holds it' },
                    recorders: { type: 'integer' },
                    owner: { type: ['string', 'null'], description: 'NOC and admin only: the reseller holding it' },
                    source: {
                      type: ['string', 'null'],
                      enum: ['registration', 'enrollment', 'admin', 'approved-claim', null],
                      description: 'how it became its holder’s',
                    },
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
        summary: 'Claim an installation by its SLC alone: a request an admin approves',
        description:
          '202 pending (whoever holds or claims the SLC: the answer is the same), 200 when it is yours already. Nothing of it is readable until an admin approves. Rate-limited per user and per address (429 with Retry-After).',
        body: { type: 'object', required: ['slc'], additionalProperties: false, properties: { slc: slcSchema } },
        response: { 200: registrationSchema, 202: registrationSchema, ...errors, ...limited },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (user.role !== 'reseller') return reply.code(403).send({ error: 'only resellers claim installations' });
      if (!(await withinLimits(request, reply))) return reply;
      const status = store.claimInstallation(user, request.body.slc);
      return reply.code(status === 'pending' ? 202 : 200).send({ slc: request.body.slc, status });
    },
  );

  app.delete<{ Params: { slc: string } }>(
    '/api/installations/:slc',
    {
      schema: {
        tags: ['installations'],
        summary: 'Give up one of your own installations',
        params: slcParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      store.unregisterInstallation(currentUser(request), request.params.slc);
      return reply.code(204).send();
    },
  );

  app.put<{ Params: { slc: string }; Body: { reseller: string } }>(
    '/api/installations/:slc/owner',
    {
      schema: {
        tags: ['installations'],
        summary: 'Assign an installation to a reseller (admin only)',
        description: 'Takes it from the reseller holding it, if any. 404 for a user who is not a reseller.',
        params: slcParams,
        body: {
          type: 'object',
          required: ['reseller'],
          additionalProperties: false,
          properties: { reseller: { type: 'string', minLength: 1, maxLength: 64 } },
        },
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      store.assignInstallation(currentUser(request), request.params.slc, request.body.reseller);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/claims',
    {
      schema: {
        tags: ['installations'],
        summary: 'Claims: an admin every pending one (and those decided in the last 30 days), a reseller its own',
        response: {
          200: { type: 'object', required: ['claims'], properties: { claims: { type: 'array', items: claimSchema } } },
          401: errors[401],
          403: errors[403],
        },
      },
    },
    async (request) => ({ claims: store.claimsFor(currentUser(request)) }),
  );

  app.post<{ Params: { id: number }; Body: { decision: 'approved' | 'rejected' } }>(
    '/api/claims/:id/decision',
    {
      schema: {
        tags: ['installations'],
        summary: 'Decide a pending claim (admin only): approved, the installation becomes the claimant’s',
        description: 'Other pending claims for the same installation stay pending. 409 for a claim decided already.',
        params: idParams,
        body: {
          type: 'object',
          required: ['decision'],
          additionalProperties: false,
          properties: { decision: { type: 'string', enum: ['approved', 'rejected'] } },
        },
        response: { 204: { type: 'null' }, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      const admin = currentUser(request);
      if (request.body.decision === 'approved') store.approveClaim(admin, request.params.id);
      else store.rejectClaim(admin, request.params.id);
      return reply.code(204).send();
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/api/claims/:id',
    {
      schema: {
        tags: ['installations'],
        summary: 'Withdraw one of your pending claims (resellers); anyone else’s answers like a missing one',
        params: idParams,
        response: { 204: { type: 'null' }, ...errors },
      },
    },
    async (request, reply) => {
      store.withdrawClaim(currentUser(request), request.params.id);
      return reply.code(204).send();
    },
  );

  app.get(
    '/api/enrollment-tokens',
    {
      schema: {
        tags: ['installations'],
        summary: 'Your enrolment tokens (resellers): unused and used ones, and those expired in the last 30 days (not revoked ones)',
        response: {
          200: {
            type: 'object',
            required: ['tokens'],
            properties: { tokens: { type: 'array', items: { type: 'object', required: tokenRequired, properties: tokenProperties } } },
          },
          401: errors[401],
          403: errors[403],
        },
      },
    },
    async (request) => ({ tokens: store.enrollmentTokensFor(currentUser(request)) }),
  );

  app.post<{ Body: { slc: string; installationName: string; recorderId: string; ttlHours?: number } }>(
    '/api/enrollment-tokens',
    {
      schema: {
        tags: ['installations'],
        summary: 'Make a one-time enrolment token for a new recorder of an installation (resellers)',
        description:
          'The token is in this answer only, with the "vigil agent enroll" command line. Once the recorder has enrolled with it and reported this SLC, the installation is yours; if another reseller holds or claims it, an admin decides instead. Rate-limited with claims (429 with Retry-After).',
        body: {
          type: 'object',
          required: ['slc', 'installationName', 'recorderId'],
          additionalProperties: false,
          properties: {
            slc: slcSchema,
            installationName: { type: 'string', minLength: 1, maxLength: 200 },
            recorderId: { type: 'string', minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$' },
            ttlHours: { type: 'integer', minimum: 1, maximum: 720, description: 'default 168 (a week)' },
          },
        },
        response: {
          201: {
            type: 'object',
            required: [...tokenRequired, 'token', 'command', 'agentConfig', 'ca'],
            properties: {
              ...tokenProperties,
              token: { type: 'string', description: 'shown once' },
              command: { type: 'string', description: 'what the installer runs on the recorder host, with the fleet CA saved as ca.crt' },
              agentConfig: { type: 'string', description: 'the lines of agent.yaml that name the installation' },
              ca: { type: 'string', description: 'the fleet CA certificate (PEM; public)' },
            },
          },
          ...errors,
          409: errorSchema,
          ...limited,
        },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      if (user.role !== 'reseller') return reply.code(403).send({ error: 'only resellers make enrolment tokens here (operators: "vigil pki token")' });
      if (!(await withinLimits(request, reply))) return reply;
      const { slc, installationName, recorderId, ttlHours } = request.body;
      const made = store.createEnrollmentToken(user, { slc, installationName, recorderId, ttlMs: ttlHours === undefined ? undefined : ttlHours * 3_600_000 });
      const url = options.enrollUrl ?? 'https://<fleet host>:8885';
      return reply.code(201).send({
        ...made,
        command: `vigil agent enroll --url ${url} --token ${made.token} --recorder-id ${recorderId} --ca ca.crt --out ./${recorderId}`,
        agentConfig: `recorderId: ${recorderId}\nbundleDir: ./${recorderId}\ninventory:\n  installation:\n    slc: ${slc}\n    name: ${JSON.stringify(installationName)}\n`,
        ca: options.caCertificate ?? '',
      });
    },
  );

  app.delete<{ Params: { id: number } }>(
    '/api/enrollment-tokens/:id',
    {
      schema: {
        tags: ['installations'],
        summary: 'Revoke one of your unused enrolment tokens: the broker refuses it from now on',
        params: idParams,
        response: { 204: { type: 'null' }, ...errors, 409: errorSchema },
      },
    },
    async (request, reply) => {
      store.revokeEnrollmentToken(currentUser(request), request.params.id);
      return reply.code(204).send();
    },
  );
}
