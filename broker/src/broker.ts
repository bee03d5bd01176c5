import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createServer, type Server, type TLSSocket } from 'node:tls';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import { pino, type Logger } from 'pino';
import { RateLimitedWarning, parseRecorderTopic, type TlsIdentityFiles } from '@vigil/proto';
import { SERVICE_CLIENT_PREFIX, canPublish, canSubscribe, isKnownService, type Identity } from './acl.js';


export interface BrokerOptions {
  tls: TlsIdentityFiles;
  port: number;
  /** Default 127.0.0.1; set 0.0.0.0 to face the fleet. */
  host?: string;
  logger?: Logger;
}

export type DropReason = 'publish-denied' | 'subscribe-denied';

export interface BrokerStats {
  connections: number;
  messagesIn: number;
  drops: Record<DropReason, number>;
}

export interface RunningBroker {
  port: number;
  stats: BrokerStats;
  aedes: Aedes;
  close(): Promise<void>;
}

/** Where a publish outside the sender's rights goes: a topic no client may subscribe to. */
const DROPPED_TOPIC = '$vigil/dropped';

const identities = new WeakMap<Client, Identity>();

function refuse(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** The identity in a verified client certificate: CN is the id, OU the role. */
export function identityFromCertificate(socket: TLSSocket): Identity | string {
  const cert = socket.getPeerCertificate();
  if (!cert || !cert.subject) return 'no client certificate';
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined>;
  const cn = subject.CN;
  const ou = subject.OU;
  if (typeof cn !== 'string' || cn.length === 0) return 'certificate has no single CN';
  if (ou === 'recorder') return { role: 'recorder', id: cn };
  if (ou === 'service' && isKnownService(cn)) return { role: 'service', id: cn };
  return `certificate role ${JSON.stringify(ou)} for ${JSON.stringify(cn)} is not a recorder or a known service`;
}

/**
 * The fleet's MQTT front door: aedes over TLS with client certificates from the fleet CA.
 * A device may only publish under its own vigil/v1/rec/{id}/ and subscribe to its own ack/ and
 * cmd/ topics. A publish outside its rights is acknowledged and dropped (MQTT 3.1.1 offers only
 * that or a disconnect, and a disconnect makes the client resend forever).
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const log = options.logger ?? pino({ name: 'broker' });
  const stats: BrokerStats = { connections: 0, messagesIn: 0, drops: { 'publish-denied': 0, 'subscribe-denied': 0 } };
  const dropWarning = new RateLimitedWarning(log, 10_000);

  const aedesOptions: AedesOptions = {
    authenticate(client, _username, _password, done) {
      const identity = identityFromCertificate(client.conn as TLSSocket);
      if (typeof identity === 'string') {
        log.warn({ clientId: client.id, reason: identity }, 'connection refused');
        return done(refuse(identity, 5), false);
      }
      if (identity.role === 'recorder' && client.id !== identity.id) {
        const reason = `client id "${client.id}" must equal the certificate's recorder id "${identity.id}"`;
        log.warn({ clientId: client.id, recorderId: identity.id, reason }, 'connection refused');
        return done(refuse(reason, 2), false);
      }
      if (identity.role === 'service' && !client.id.startsWith(SERVICE_CLIENT_PREFIX)) {
        const reason = `service client ids must start with "${SERVICE_CLIENT_PREFIX}"`;
        log.warn({ clientId: client.id, service: identity.id, reason }, 'connection refused');
        return done(refuse(reason, 2), false);
      }
      identities.set(client, identity);
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      // Without a client this is a will persisted by a broker node that has since died.
      if (!client) {
        if (parseRecorderTopic(packet.topic)?.kind === 'death') return done(null);
        packet.topic = DROPPED_TOPIC;
        return done(null);
      }
      const identity = identities.get(client);
      if (identity && canPublish(identity, packet.topic)) {
        if (identity.role === 'recorder') packet.retain = false;
        stats.messagesIn++;
        return done(null);
      }
      stats.drops['publish-denied']++;
      dropWarning.warn(`publish-denied:${client.id}`, { clientId: client.id, topic: packet.topic }, 'publish outside the client\'s rights acknowledged and dropped');
      packet.topic = DROPPED_TOPIC;
      packet.retain = false;
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      const identity = identities.get(client);
      if (identity && canSubscribe(identity, subscription.topic)) return done(null, subscription);
      stats.drops['subscribe-denied']++;
      dropWarning.warn(`subscribe-denied:${client.id}`, { clientId: client.id, filter: subscription.topic }, 'subscription outside the client\'s rights refused');
      done(null, null);
    },
  };
  const aedes = await Aedes.createBroker(aedesOptions);

  aedes.on('client', () => { stats.connections++; });
  aedes.on('clientDisconnect', () => { stats.connections--; });
  aedes.on('clientError', (client, error) => log.debug({ clientId: client.id, err: error.message }, 'client error'));
  aedes.on('connectionError', (client, error) => log.debug({ clientId: client?.id, err: error.message }, 'connection error'));

  const server: Server = createServer(
    {
      cert: readFileSync(options.tls.cert),
      key: readFileSync(options.tls.key),
      ca: readFileSync(options.tls.ca),
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.2',
    },
    (socket) => aedes.handle(socket),
  );
  server.on('tlsClientError', (error, socket) => {
    log.warn({ remote: socket.remoteAddress, reason: error.message }, 'TLS handshake refused');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port, host: options.host ?? '127.0.0.1' }, 'broker listening (MQTT over TLS, client certificates required)');

  return {
    port,
    stats,
    aedes,
    async close() {
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
