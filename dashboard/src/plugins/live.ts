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

/**
 * Live updates: the ingestor publishes each state change on vigil/v1/state/{id}; this plugin
 * relays them as server-sent events to the open pages allowed to see that recorder.
 */
export async function livePlugin(app: FastifyInstance, options: LiveOptions) {
  const subscribers = new Set<Subscriber>();
  const client: MqttClient = connect(options.brokerUrl, {
    clientId: `service:dashboard:${randomBytes(4).toString('hex')}`,
    protocolVersion: 4,
    clean: true,
    reconnectPeriod: 1_000,
    cert: readFileSync(options.tls.cert),
    key: readFileSync(options.tls.key),
    ca: readFileSync(options.tls.ca),
  });
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

  app.get(
    '/api/events',
    {
      schema: {
        tags: ['live'],
        summary: 'Server-sent events: state changes of the recorders the caller may see',
        description:
          'A text/event-stream. Each change is `event: state` with data {id, state, since, lastSeen}; a comment line every 15 s keeps proxies from closing it.',
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
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
      request.raw.on('close', () => {
        clearInterval(keepAlive);
        subscribers.delete(subscriber);
      });
    },
  );

  app.addHook('onClose', async () => {
    for (const subscriber of subscribers) subscriber.write('event: bye\ndata: {}\n\n');
    subscribers.clear();
    await client.endAsync(true);
  });
}
