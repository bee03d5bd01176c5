import fastifyCookie from '@fastify/cookie';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { pino } from 'pino';
import type { TlsIdentityFiles } from '@vigil/proto';
import { authPlugin } from './plugins/auth.js';
import { livePlugin } from './plugins/live.js';
import { pagePlugin } from './plugins/page.js';
import { recordersPlugin } from './plugins/recorders.js';
import { DashboardStore } from './store.js';

export interface DashboardOptions {
  dashboardDbPath: string;
  fleetDbPath: string;
  brokerUrl: string;
  tls: TlsIdentityFiles;
  logger?: FastifyBaseLogger;
  secureCookies?: boolean;
}

export interface Dashboard {
  app: FastifyInstance;
  store: DashboardStore;
}

export async function buildDashboard(options: DashboardOptions): Promise<Dashboard> {
  const store = new DashboardStore(options.dashboardDbPath, options.fleetDbPath);
  const app = Fastify({ loggerInstance: options.logger ?? pino({ name: 'dashboard' }), bodyLimit: 64 * 1024 });
  await app.register(fastifyCookie);
  await app.register(authPlugin, { store, secureCookies: options.secureCookies ?? false });
  await app.register(recordersPlugin, { store });
  await app.register(livePlugin, { store, brokerUrl: options.brokerUrl, tls: options.tls });
  await app.register(pagePlugin);
  app.addHook('onClose', async () => store.close());
  return { app, store };
}
