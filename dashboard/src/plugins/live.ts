import { followServerNames, mqttServers, splitBrokerUrls } from '@vigil/proto/broker-urls';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { connect, type MqttClient } from 'mqtt';
import { parseStateTopic, topics, vigil } from '@vigil/proto/wire';
import type { TlsIdentityFiles } from '@vigil/proto/pki';
import { errorSchema } from '../schemas.js';
import type { DashboardStore, User } from '../store.js';
import { currentUser } from './auth.js';

export interface LiveOptions {
  store: DashboardStore;
  brokerUrl: string;
  tls: TlsIdentityFiles;
}

const STATE_NAMES: Record<number, string> = {
  [vigil.v1.RecorderStatus.RECORDER_STATUS_ONLINE]: 'online',
  [vigil.v1.RecorderStatus.RECORDER_STATUS_DEGRADED]: 'degraded',
  [vigil.v1.RecorderStatus.RECORDER_STATUS_UNAVAILABLE]: 'unavailable',
  [vigil.v1.RecorderStatus.RECORDER_STATUS_OFFLINE]: 'offline',
  [vigil.v1.RecorderStatus.RECORDER_STATUS_STOPPED]: 'stopped',
};

interface Subscriber {
  user: User;
  write: (chunk: string) => void;
}

/** How often alerts.db is looked at for changes (its data_version) while a page is open. */
const ALERTS_POLL_MS = 500;

/**
 * Live updates: the ingestor publishes each state change on vigil/v1/state/{id}; this plugin
 * relays them as server-sent events to the open pages allowed to see that recorder.
 */
export async function livePlugin(app: FastifyInstance, options: LiveOptions) {
  const subscribers = new Set<Subscriber>();
  // Several broker nodes (VIGIL_BROKER_URL with commas): mqtt.js moves to the next at each reconnect.
  const brokerUrls = splitBrokerUrls(options.brokerUrl);
  const servers = mqttServers(brokerUrls);
  const client: MqttClient = connect(brokerUrls[0] ?? options.brokerUrl, {
    ...(servers ? { servers } : {}),
    clientId: `service:dashboard:${randomBytes(4).toString('hex')}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1_000,
    cert: readFileSync(options.tls.cert),
    key: readFileSync(options.tls.key),
    ca: readFileSync(options.tls.ca),
  });
  if (servers) followServerNames(client);
  client.on('connect', () => client.subscribe(topics.allStates, { qos: 1 }));
  client.on('error', (error) => app.log.warn({ err: error.message }, 'broker connection error'));
  client.on('message', (topic, payload) => {
    const recorderId = parseStateTopic(topic);
    if (!recorderId) return;
    options.store.noteStateChange();
    if (subscribers.size === 0) return;
    let state: vigil.v1.RecorderState;
    try {
      state = vigil.v1.RecorderState.decode(payload);
    } catch {
      app.log.warn({ topic }, 'ignored a state message that is not a RecorderState');
      return;
    }
    const event = `event: state\ndata: ${JSON.stringify({ id: recorderId, state: STATE_NAMES[state.status] ?? 'unknown', since: state.since, lastSeen: state.lastSeen })}\n\n`;
    for (const subscriber of subscribers) {
      if (options.store.canSee(subscriber.user, recorderId)) subscriber.write(event);
    }
  });

  // Alerts: the engine writes alerts.db, people acknowledge and silence here; either way every open
  // page gets its own summary (the nav badge) and refetches its alert views.
  let alertsVersion: string | undefined;
  const sendAlerts = () => {
    if (subscribers.size === 0) return;
    let version: string;
    try {
      version = options.store.alertsVersion();
    } catch (error) {
      app.log.warn({ err: (error as Error).message }, 'alerts.db could not be read (tried again in a moment)');
      return;
    }
    if (version === alertsVersion) return;
    alertsVersion = version;
    for (const subscriber of subscribers) {
      try {
        subscriber.write(`event: alerts\ndata: ${JSON.stringify(options.store.alertSummaryFor(subscriber.user))}\n\n`);
      } catch (error) {
        app.log.warn({ err: (error as Error).message }, 'alert summary not sent');
      }
    }
  };
  const alertsPoll = setInterval(sendAlerts, ALERTS_POLL_MS);
  alertsPoll.unref();
  options.store.alertListeners.add(sendAlerts);

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Server-sent events: state changes of the recorders the caller may see',
        description:
          "A text/event-stream. Each change is `event: state` with data {id, state, since, lastSeen}; whenever alerts change (the engine, an acknowledgement, a silence), `event: alerts` with data {firing, firingUnacknowledged} (the caller's GET /api/alerts/summary). A comment line every 15 s keeps proxies from closing it.",
        response: { 200: { type: 'string', description: 'text/event-stream' }, 401: errorSchema },
      },
    },
    async (request, reply) => {
      const user = currentUser(request);
      reply.hijack();
      const res = reply.raw;
      res.writeHead(200, {
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      res.write(': connected\n\n');
      const subscriber: Subscriber = { user, write: (chunk) => res.write(chunk) };
      subscribers.add(subscriber);
      // The badge at once, without waiting for a change.
      try {
        res.write(`event: alerts\ndata: ${JSON.stringify(options.store.alertSummaryFor(user))}\n\n`);
      } catch (error) {
        app.log.warn({ err: (error as Error).message }, 'alert summary not sent');
      }
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(keepAlive);
        subscribers.delete(subscriber);
      });
    },
  );

  app.addHook('onClose', async () => {
    clearInterval(alertsPoll);
    options.store.alertListeners.delete(sendAlerts);
    for (const subscriber of subscribers) subscriber.write('event: bye\ndata: {}\n\n');
    subscribers.clear();
    await client.endAsync(true);
  });
}
