import { readFileSync } from 'node:fs';
import fastifyCookie from '@fastify/cookie';
import fastifyHelmet from '@fastify/helmet';
import fastifyRateLimit from '@fastify/rate-limit';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { TelemetryStore } from '@vigil/ingestor';
import type { FleetPki, TlsIdentityFiles } from '@vigil/proto/pki';
import { authPlugin, SESSION_COOKIE } from './plugins/auth.js';
import { availabilityPlugin } from './plugins/availability.js';
import { CSRF_HEADER, csrfPlugin } from './plugins/csrf.js';
import { installationsPlugin, type RegistrationLimits } from './plugins/installations.js';
import { livePlugin } from './plugins/live.js';
import { mapConfig, mapConfigPlugin, tileSource, type MapConfig } from './plugins/map-config.js';
import { pagePlugin } from './plugins/page.js';
import { recordersPlugin } from './plugins/recorders.js';
import { reportsPlugin } from './plugins/reports.js';
import { rulesPlugin } from './plugins/rules.js';
import { shiftLogPlugin } from './plugins/shift-log.js';
import { sitesPlugin } from './plugins/sites.js';
import { usersPlugin } from './plugins/users.js';
import { ReportMailer } from './report-subscriptions.js';
import { BadRequest, Conflict, DashboardStore, Forbidden, NotFound } from './store.js';
import type { SmtpSettings } from '@vigil/ingestor';

export interface DashboardOptions {
  dashboardDbPath: string;
  fleetDbPath: string;
  /** The alert engine's alerts.db (default: beside fleet.db); read-only, once the ingestor has created it. */
  alertsDbPath?: string;
  brokerUrl: string;
  tls: TlsIdentityFiles;
  logger?: FastifyBaseLogger;
  /** Set when served over HTTPS (directly or behind a TLS proxy): Secure cookies, HSTS, upgrade-insecure-requests. */
  secureCookies?: boolean;
  /** The ingestor's time series (disk history, time to full). Without it those stay empty. */
  telemetry?: TelemetryStore;
  /** Base map settings (the CLI parses them from VIGIL_MAP_TILES_URL / VIGIL_MAP_ATTRIBUTION); default: the offline map. */
  map?: MapConfig;
  /** Failed logins per IP and minute before 429 (default 10). */
  loginFailuresPerMinute?: number;
  /** Stops waiting for the ingestor to create fleet.db. */
  signal?: AbortSignal;
  /**
   * The fleet PKI in the shared data directory, and the enrolment endpoint installers reach: with
   * it resellers make enrolment tokens, and recorders enrolled with them make installations theirs.
   */
  enrollment?: { pki: FleetPki; url?: string };
  /** Claims and enrolment tokens per reseller and per address (see DEFAULT_REGISTRATION_LIMITS). */
  registrationLimits?: Partial<RegistrationLimits>;
  /** The operator's mail server (VIGIL_SMTP_*), for monthly service reports by e-mail; without it they report that none is set. */
  smtp?: SmtpSettings;
  /** The monthly report schedule: its clock (tests move it), how often it looks (default 60 s; 0: only when asked), retry delay. */
  reports?: { now?: () => number; tickMs?: number; retryMs?: number };
}

export interface RouteInfo {
  method: string;
  url: string;
}

export interface Dashboard {
  app: FastifyInstance;
  store: DashboardStore;
  /** Every route registered, as fastify's onRoute hook saw it (the tenancy test checks each one). */
  routes: readonly RouteInfo[];
  /** Monthly service reports by e-mail. */
  reportMailer: ReportMailer;
}

const TAGS = [
  { name: 'session', description: 'Log in and out, the CSRF token' },
  { name: 'recorders', description: 'Recorders in the caller’s scope' },
  { name: 'sites', description: 'Sites for the map' },
  { name: 'installations', description: 'Ownership of installations: enrolment tokens, claims, assignment (tenancy)' },
  { name: 'users', description: 'User management (admin)' },
  { name: 'rules', description: 'Alert rules and alerts' },
  { name: 'shift-log', description: 'What happened in a period: problems, outages, acknowledgements' },
  { name: 'map', description: 'Base map settings' },
  { name: 'reports', description: 'Monthly service reports (JSON, PDF, CSV) and their e-mail subscriptions' },
  { name: 'live', description: 'Server-sent events' },
];

/** Security headers. The page has no inline scripts, so script-src stays 'self'. */
function contentSecurityPolicy(map: MapConfig, secure: boolean) {
  return {
    useDefaults: false,
    directives: {
      defaultSrc: ["'self'"],
      baseUri: ["'self'"],
      connectSrc: ["'self'"],
      fontSrc: ["'self'", 'data:'],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      imgSrc: ["'self'", 'data:', ...(map.tilesUrl ? [tileSource(map.tilesUrl)] : [])],
      objectSrc: ["'none'"],
      scriptSrc: ["'self'"],
      scriptSrcAttr: ["'none'"],
      // Leaflet and uPlot position elements with inline styles.
      styleSrc: ["'self'", "'unsafe-inline'"],
      // Only over HTTPS: on plain HTTP in a closed network it would break every same-origin request.
      ...(secure ? { upgradeInsecureRequests: [] } : {}),
    },
  };
}

interface SchemaError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Validation errors that name the field, and for an unknown one its name ("body/condition: unknown field \"cod\""). */
function schemaErrorFormatter(errors: SchemaError[], dataVar: string): Error {
  const messages = errors.map((error) => {
    const where = `${dataVar}${error.instancePath}`;
    if (error.keyword === 'additionalProperties') return `${where}: unknown field "${String(error.params.additionalProperty)}"`;
    if (error.keyword === 'enum') return `${where} must be one of ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(', ')}`;
    if (error.keyword === 'discriminator' && error.params.error === 'mapping') {
      return `${where}/${String(error.params.tag)} must be one of the kinds listed in the API (got ${JSON.stringify(error.params.tagValue)})`;
    }
    return `${where} ${error.message ?? 'is not valid'}`;
  });
  return new Error(messages.join(', '));
}

export async function buildDashboard(options: DashboardOptions): Promise<Dashboard> {
  const logger = options.logger ?? pino({ name: 'dashboard' });
  // Waits for the ingestor to publish fleet.db's read model; the dashboard never creates it.
  const store = await DashboardStore.open(options.dashboardDbPath, options.fleetDbPath, {
    telemetry: options.telemetry,
    pki: options.enrollment?.pki,
    log: logger,
    signal: options.signal,
    alertsDbPath: options.alertsDbPath,
  });
  const secure = options.secureCookies ?? false;
  const map = options.map ?? mapConfig();
  const app = Fastify({
    loggerInstance: logger,
    bodyLimit: 64 * 1024,
    ajv: {
      // An unknown field is a mistake to report, not to drop (fastify's default removes it silently);
      // `discriminator` lets a oneOf pick its branch by `kind`/`type`, so errors name that branch's field.
      customOptions: { removeAdditional: false, discriminator: true },
    },
    schemaErrorFormatter,
  });
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) routes.push({ method, url: route.url });
  });

  // Scope misses, role refusals and clashes come from the store as typed errors; nothing else leaks detail.
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof NotFound || error instanceof Forbidden || error instanceof Conflict || error instanceof BadRequest) {
      return reply.code(error.statusCode).send({ error: error.message });
    }
    if (error.validation || (error.statusCode !== undefined && error.statusCode >= 400 && error.statusCode < 500)) {
      return reply.code(error.statusCode ?? 400).send({ error: error.message });
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send({ error: 'internal error (see the dashboard log)' });
  });

  await app.register(fastifyHelmet, {
    contentSecurityPolicy: contentSecurityPolicy(map, secure),
    strictTransportSecurity: secure ? { maxAge: 180 * 86_400 } : false,
  });
  await app.register(fastifyRateLimit, { global: false });
  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'Vigil dashboard API',
        version: '1',
        description: `Fleet health, scoped by tenancy (a reseller sees only installations it holds: enrolled with its token, or assigned by an admin). Log in with POST /api/login; state-changing requests need header ${CSRF_HEADER} from GET /api/csrf. Times are ms since the epoch.`,
      },
      tags: TAGS,
      components: { securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: SESSION_COOKIE } } },
      security: [{ session: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs', uiConfig: { validatorUrl: null } });
  await app.register(fastifyCookie);
  await app.register(authPlugin, { store, secureCookies: secure, loginFailuresPerMinute: options.loginFailuresPerMinute });
  await app.register(csrfPlugin);
  await app.register(recordersPlugin, { store });
  await app.register(sitesPlugin, { store });
  await app.register(availabilityPlugin, { store });
  const reportMailer = new ReportMailer(store, { smtp: options.smtp, log: logger, ...options.reports });
  await app.register(reportsPlugin, { store, mailer: reportMailer });
  await app.register(shiftLogPlugin, { store });
  const pki = options.enrollment?.pki;
  await app.register(installationsPlugin, {
    store,
    enrollUrl: options.enrollment?.url,
    caCertificate: pki ? readFileSync(pki.caCertPath, 'utf8') : undefined,
    limits: options.registrationLimits,
  });
  await app.register(usersPlugin, { store });
  await app.register(rulesPlugin, { store });
  await app.register(mapConfigPlugin, { map });
  await app.register(livePlugin, { store, brokerUrl: options.brokerUrl, tls: options.tls });
  await app.register(pagePlugin);
  app.addHook('onReady', async () => reportMailer.start());
  app.addHook('onClose', async () => {
    await reportMailer.close();
    store.close();
  });
  return { app, store, routes, reportMailer };
}
