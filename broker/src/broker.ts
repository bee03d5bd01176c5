import type { EventEmitter } from 'node:events';
import { readFileSync, unwatchFile, watchFile } from 'node:fs';
import { createServer as createHttpsServer } from 'node:https';
import { type AddressInfo, createServer as createNetServer } from 'node:net';
import { createServer, type SecureContextOptions, type Server, type TLSSocket } from 'node:tls';
import { Aedes, type AedesOptions, type AuthenticateError, type Client } from 'aedes';
import { pino, type Logger } from 'pino';
import { WebSocketServer, createWebSocketStream } from 'ws';
import { RateLimitedWarning } from '@vigil/proto/rate-limited-warning';
import { parseRecorderTopic } from '@vigil/proto/wire';
import type { FleetPki, TlsIdentityFiles } from '@vigil/proto/pki';
import { type EnrollmentLimits, startEnrollmentServer } from './enrollment.js';
import { CIPHERS } from './tls-policy.js';
import { SERVICE_CLIENT_PREFIX, canPublish, canSubscribe, isKnownService, type Identity } from './acl.js';
import { DeviceAdmission } from './admission.js';
import { boundedMemoryPersistence } from './upstream-patches/bounded-persistence.js';
import { HandshakeSlots, PacketSizeGuard, TokenBucket } from './limits.js';
import { fillPacketLengthCache } from '@vigil/proto/upstream-patches/mqtt-packet-lengths';
import { startMetricsServer, type HealthReport, type MetricsSource } from '@vigil/proto/metrics-server';
import { BrokerMetrics } from './metrics.js';
import { batchWritesPerTurn } from './upstream-patches/write-batching.js';
import { redisBackend } from './redis.js';

export interface BrokerLimits {
  /** Largest MQTT packet accepted; a bigger one closes the connection. Default 256 KiB. */
  maxPacketBytes: number;
  /**
   * Per recorder PUBLISH rate (sustained, with a burst of 4 s worth). Default 200/s. Fleet services
   * are exempt: the ingestor publishes an ack per recorder batch, so its rate grows with the fleet.
   */
  publishesPerSecond: number;
  maxConnections: number;
  /** New connections per second for the whole broker, so a reconnect storm is spread out. Default 500/s. */
  connectsPerSecond: number;
  /** QoS 1 messages kept per offline persistent session (the ingestor while it restarts). */
  offlineQueue: number;
  /** QoS 2 publishes a client may have awaiting PUBREL; past it the connection is closed. */
  inflightWindow: number;
  /**
   * TLS handshakes in progress at once; a connection past it is closed before any TLS work. In a
   * reconnect storm a node that starts every handshake falls behind by more than the clients wait
   * (mqtt.js: 30 s, the agent: 15 s) and then works for clients that have left, each of whom comes
   * back; a client shed at once backs off and finds the node caught up. Default 256.
   */
  maxPendingHandshakes: number;
  /** Of those, from one source address (an IPv6 /64): one address cannot take them all. Default 32. */
  maxPendingHandshakesPerAddress: number;
}

export const DEFAULT_LIMITS: BrokerLimits = {
  maxPacketBytes: 256 * 1024,
  publishesPerSecond: 200,
  maxConnections: 20_000,
  connectsPerSecond: 500,
  offlineQueue: 100_000,
  inflightWindow: 64,
  maxPendingHandshakes: 256,
  maxPendingHandshakesPerAddress: 32,
};

export interface BrokerOptions {
  tls: TlsIdentityFiles;
  port: number;
  /** Default 127.0.0.1; set 0.0.0.0 to face the fleet. */
  host?: string;
  /** MQTT over secure WebSocket (path /mqtt), for sites whose firewalls only pass HTTPS. */
  wssPort?: number;
  /** /healthz and /metrics (plain HTTP, same host). */
  metricsPort?: number;
  /** The fleet's device registry (pki/registry.json); without it any fleet-CA recorder certificate is admitted. */
  registryPath?: string;
  /** HTTPS POST /enroll for one-time enrollment tokens; needs the fleet PKI (its CA key signs). */
  enrollment?: { port: number; pki: FleetPki; limits?: Partial<EnrollmentLimits> };
  limits?: Partial<BrokerLimits>;
  logger?: Logger;
  /** How often certificate files and the registry are checked for changes. */
  reloadIntervalMs?: number;
  /**
   * Run as one node of several sharing Redis (VIGIL_REDIS_URL): sessions, QoS 1 queues, retained
   * messages and wills live there, and deliveries cross nodes through it. Unset: one process, in memory.
   */
  redis?: {
    url: string;
    /**
     * How often this node tells the others it is alive. A node silent for three of these is dead:
     * another node publishes its clients' wills at its next check (every four), so 3-7 times this
     * after a SIGKILL: 9-21 s at the default 3 s (aedes' own 60 s would leave a dead node's
     * recorders online for up to 7 minutes). Not much less: a node whose event loop stalls for
     * three of these would see its live clients' wills published by the others.
     */
    heartbeatIntervalMs?: number;
  };
}

export const DEFAULT_REDIS_HEARTBEAT_MS = 3_000;

export type DropReason = 'publish-denied' | 'subscribe-denied' | 'queue-full';

export interface BrokerStats {
  connections: number;
  messagesIn: number;
  /** PUBLISH packets forwarded to subscribers. */
  messagesOut: number;
  drops: Record<DropReason, number>;
  refused: Record<string, number>;
}

export interface RunningBroker {
  port: number;
  enrollPort: number | undefined;
  wssPort: number | undefined;
  metricsPort: number | undefined;
  stats: BrokerStats;
  metrics: BrokerMetrics;
  aedes: Aedes;
  /**
   * Serve another part's metrics (same process) on this broker's /metrics too, and its health, under
   * its name, in /healthz (a degraded part makes the whole answer degraded, 503).
   */
  serveMetricsOf(source: MetricsSource, health?: { name: string; report: () => HealthReport & object }): void;
  close(): Promise<void>;
}

/** Where a publish outside the sender's rights goes: a topic no client may subscribe to. */
const DROPPED_TOPIC = '$vigil/dropped';

interface ClientFacts {
  identity: Identity;
  /** Recorders only (see BrokerLimits.publishesPerSecond). */
  publishes: TokenBucket | undefined;
  /** Being disconnected for a limit: what it still sends is dropped. */
  closing: boolean;
}

function refuse(message: string, returnCode: number): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

/** The TLS socket under a client: the connection itself, or the HTTPS request's socket for WebSocket clients. */
function tlsSocketOf(client: Client): TLSSocket {
  const withReq = client as Client & { req?: { socket?: TLSSocket } };
  return withReq.req?.socket ?? (client.conn as TLSSocket);
}

/** The identity in a verified client certificate: CN is the id, OU the role. */
export function identityFromCertificate(socket: TLSSocket): Identity | string {
  const cert = socket.getPeerCertificate();
  if (!cert?.subject) return 'no client certificate';
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
 * that or a disconnect, and a disconnect makes the client resend forever). A client over a limit
 * is disconnected, with the reason logged and counted.
 */
export async function startBroker(options: BrokerOptions): Promise<RunningBroker> {
  const log = options.logger ?? pino({ name: 'broker' });
  fillPacketLengthCache();
  const limits: BrokerLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const host = options.host ?? '127.0.0.1';
  const warning = new RateLimitedWarning(log, 10_000);
  const onQueueFull = (clientId: string) => {
    stats.drops['queue-full']++;
    metrics.drops.inc({ reason: 'queue-full' });
    warning.warn(
      `queue-full:${clientId}`,
      { clientId, limit: limits.offlineQueue },
      'offline queue of a persistent session is full; message dropped (agents re-send unacknowledged data)',
    );
  };
  const redis = options.redis ? await redisBackend(options.redis.url, limits.offlineQueue, onQueueFull, log) : undefined;
  const backlog = redis ?? boundedMemoryPersistence(limits.offlineQueue, onQueueFull);
  const stats: BrokerStats = {
    connections: 0,
    messagesIn: 0,
    messagesOut: 0,
    drops: { 'publish-denied': 0, 'subscribe-denied': 0, 'queue-full': 0 },
    refused: {},
  };
  const metrics = new BrokerMetrics({ queueDepth: backlog.depth, messagesIn: () => stats.messagesIn, messagesOut: () => stats.messagesOut });
  const admission = options.registryPath ? new DeviceAdmission(options.registryPath) : undefined;
  const connects = new TokenBucket(limits.connectsPerSecond, limits.connectsPerSecond);
  const facts = new WeakMap<Client, ClientFacts>();

  /** Connections already counted as refused: one refusal per connection, however many bad packets it sent. */
  const refusedSockets = new WeakSet<object>();
  const refused = (reason: string, fields: Record<string, unknown>, message: string) => {
    stats.refused[reason] = (stats.refused[reason] ?? 0) + 1;
    metrics.refused.inc({ reason });
    warning.warn(`${reason}:${String(fields.clientId ?? '')}`, { reason, ...fields }, message);
  };
  const disconnect = (client: Client, reason: string, detail: string) => {
    refused(reason, { clientId: client.id, detail }, 'client disconnected');
    client.close();
  };

  /** Set by close(): a node shutting down takes no new sessions (their wills would outlive it). */
  let shuttingDown = false;

  const aedesOptions: AedesOptions = {
    preConnect(client, _packet, done) {
      if (shuttingDown) return done(refuse('broker node shutting down', 3), false);
      if (aedes.connectedClients >= limits.maxConnections) {
        refused('max-connections', { clientId: client.id, limit: limits.maxConnections }, 'connection refused');
        return done(refuse('server full', 3), false);
      }
      if (!connects.take()) {
        refused('connect-rate', { clientId: client.id, limit: limits.connectsPerSecond }, 'connection refused');
        return done(refuse('too many connections at once', 3), false);
      }
      done(null, true);
    },
    authenticate(client, _username, _password, done) {
      const socket = tlsSocketOf(client);
      // Gone before its CONNECT was read (it gave up waiting in a storm): not a refusal, and its
      // certificate can no longer be read.
      if (socket.destroyed) return done(refuse('connection already closed', 3), false);
      const identity = identityFromCertificate(socket);
      const deny = (reason: string, detail: string, code: number) => {
        refused(reason, { clientId: client.id, detail }, 'connection refused');
        done(refuse(detail, code), false);
      };
      if (typeof identity === 'string') return deny('bad-certificate', identity, 5);
      if (identity.role === 'recorder') {
        if (client.id !== identity.id) return deny('client-id', `client id "${client.id}" must equal the certificate's recorder id "${identity.id}"`, 2);
        const why = admission?.refusal(identity.id, socket.getPeerCertificate().serialNumber, true);
        if (why) return deny('not-admitted', why, 5);
      } else if (!client.id.startsWith(SERVICE_CLIENT_PREFIX)) {
        return deny('client-id', `service client ids must start with "${SERVICE_CLIENT_PREFIX}"`, 2);
      }
      const publishes = identity.role === 'recorder' ? new TokenBucket(limits.publishesPerSecond, limits.publishesPerSecond * 4) : undefined;
      facts.set(client, { identity, publishes, closing: false });
      done(null, true);
    },
    authorizePublish(client, packet, done) {
      // Without a client this is a will persisted by a broker node that has since died.
      if (!client) {
        if (parseRecorderTopic(packet.topic)?.kind !== 'death') packet.topic = DROPPED_TOPIC;
        return done(null);
      }
      const known = facts.get(client);
      if (known?.closing) {
        packet.topic = DROPPED_TOPIC;
        return done(null);
      }
      if (known?.publishes && !known.publishes.take()) {
        known.closing = true;
        packet.topic = DROPPED_TOPIC;
        setImmediate(() => disconnect(client, 'publish-rate', `more than ${limits.publishesPerSecond} publishes/s`));
        return done(null);
      }
      if (known && canPublish(known.identity, packet.topic)) {
        if (known.identity.role === 'recorder') packet.retain = false;
        stats.messagesIn++;
        return done(null);
      }
      stats.drops['publish-denied']++;
      metrics.drops.inc({ reason: 'publish-denied' });
      warning.warn(`publish-denied:${client.id}`, { clientId: client.id, topic: packet.topic }, "publish outside the client's rights acknowledged and dropped");
      packet.topic = DROPPED_TOPIC;
      packet.retain = false;
      done(null);
    },
    authorizeSubscribe(client, subscription, done) {
      const known = facts.get(client);
      if (known && canSubscribe(known.identity, subscription.topic)) return done(null, subscription);
      stats.drops['subscribe-denied']++;
      metrics.drops.inc({ reason: 'subscribe-denied' });
      warning.warn(`subscribe-denied:${client.id}`, { clientId: client.id, filter: subscription.topic }, "subscription outside the client's rights refused");
      done(null, null);
    },
    authorizeForward(_client, packet) {
      stats.messagesOut++;
      return packet;
    },
    persistence: backlog.persistence,
    maxInflightInbound: limits.inflightWindow,
    // aedes' default delivers 100 messages at a time and queues the rest in an array it shifts
    // from (O(n) once large). It acknowledges QoS 1 before delivery, so under 1,000 publishers
    // that queue grew without bound and throughput collapsed to ~1,500 msg/s with seconds of
    // latency (bench/broker/throughput). Unlimited: in flight is then bounded by the subscribers'
    // sockets (aedes waits for their drain), and no queue is shifted.
    concurrency: 0,
    ...(redis ? { mq: redis.mq, heartbeatInterval: options.redis?.heartbeatIntervalMs ?? DEFAULT_REDIS_HEARTBEAT_MS } : {}),
  };
  const aedes = await Aedes.createBroker(aedesOptions);
  // aedes reports persistence and emitter failures (Redis lost mid-operation) as 'error' events;
  // unheard, one would end the process.
  (aedes as unknown as EventEmitter).on('error', (error: Error) => warning.warn(`aedes-error:${error.message}`, { err: error.message }, 'broker error'));
  if (redis) log.info({ nodeId: aedes.id }, 'broker node id');
  aedes.on('client', () => {
    stats.connections++;
    metrics.connections.inc();
  });
  aedes.on('clientDisconnect', () => {
    stats.connections--;
    metrics.connections.dec();
  });
  // A connection aedes closes for what the client sent is a refusal like any other: counted once,
  // under its reason, so a malformed or out-of-order packet shows on /metrics and not only in a debug log.
  const countProtocolRefusal = (client: Client, error: Error) => {
    const reason = protocolRefusalReason(error);
    const socket = tlsSocketOf(client);
    // While the node shuts down, errors are its own (Redis closed under a client's last writes), not the client's.
    if (!reason || shuttingDown || refusedSockets.has(socket) || facts.get(client)?.closing)
      return log.debug({ clientId: client.id, err: error.message }, 'client error');
    refusedSockets.add(socket);
    refused(reason, { clientId: client.id, detail: error.message }, 'client disconnected');
  };
  // A packet only a broker sends (CONNACK, SUBACK, UNSUBACK, PINGRESP) from a connected client
  // makes aedes close it without an error event (its handler's default branch): counted from
  // aedes's own parser, so that it is a refusal like the rest.
  const handle = (stream: Parameters<Aedes['handle']>[0], req?: Parameters<Aedes['handle']>[1]) => {
    const client = aedes.handle(stream, req);
    (client as Client & { _parser?: EventEmitter })._parser?.on('packet', (packet: { cmd: string }) => {
      if (BROKER_ONLY_PACKETS.has(packet.cmd)) countProtocolRefusal(client, new Error(`${packet.cmd} is sent by brokers only`));
    });
  };
  aedes.on('clientError', (client, error) => {
    if (!error.message.startsWith('maxInflightInbound exceeded')) return countProtocolRefusal(client, error);
    const known = facts.get(client);
    if (known?.closing) return; // aedes reports each packet past the window; count the client once
    if (known) known.closing = true;
    refused('inflight-window', { clientId: client.id, limit: limits.inflightWindow }, 'client disconnected');
  });
  aedes.on('connectionError', (client, error) => countProtocolRefusal(client, error));

  // Revocation reaches live connections: re-check every connected recorder when the registry changes.
  admission?.watch(() => {
    for (const client of Object.values((aedes as Aedes & { clients: Record<string, Client> }).clients)) {
      const known = facts.get(client);
      if (known?.identity.role !== 'recorder') continue;
      const why = admission.refusal(known.identity.id, tlsSocketOf(client).getPeerCertificate().serialNumber);
      if (why && !known.closing) {
        known.closing = true;
        disconnect(client, 'revoked', why);
      }
    }
  }, options.reloadIntervalMs ?? 1_000);

  /**
   * A node that stops on purpose (SIGTERM: a restart, an upgrade) is not its recorders failing:
   * their wills are withdrawn before their connections close, from memory (aedes publishes a
   * client's will when it closes without DISCONNECT) and from the persistence (in Redis, another
   * node would publish it once this node's heartbeat stops). The recorders reconnect, to this node
   * or another, within their backoff. A node that dies (SIGKILL) withdraws nothing: the other nodes
   * publish its clients' wills.
   */
  const withdrawWills = async () => {
    const clients = Object.values((aedes as Aedes & { clients: Record<string, Client & { will?: unknown }> }).clients);
    const persistence = (aedes as Aedes & { persistence: { delWill(client: { id: string; brokerId: string }): Promise<unknown> } }).persistence;
    let withdrawn = 0;
    await Promise.all(
      clients.map(async (client) => {
        if (!client.will) return;
        client.will = null;
        withdrawn++;
        try {
          await persistence.delWill({ id: client.id, brokerId: aedes.id });
        } catch (error) {
          log.warn({ clientId: client.id, err: (error as Error).message }, 'could not withdraw a will while shutting down; another node may publish it');
        }
      }),
    );
    log.info({ clients: clients.length, withdrawn }, 'shutting down: connections close without their wills');
  };

  const secureContext = (): SecureContextOptions => ({
    cert: readFileSync(options.tls.cert),
    key: readFileSync(options.tls.key),
    ca: readFileSync(options.tls.ca),
    minVersion: 'TLSv1.2',
    ciphers: CIPHERS,
    honorCipherOrder: true,
  });
  const guard = (socket: TLSSocket) => {
    const sizes = new PacketSizeGuard(limits.maxPacketBytes);
    socket.on('data', (chunk: Buffer) => {
      const size = sizes.feed(chunk);
      if (size !== undefined) {
        if (!refusedSockets.has(socket))
          refused('packet-size', { remote: socket.remoteAddress, size, limit: limits.maxPacketBytes }, 'connection closed: packet too large');
        refusedSockets.add(socket);
        socket.destroy();
      }
    });
  };

  const handshaking = new HandshakeSlots(limits.maxPendingHandshakes, limits.maxPendingHandshakesPerAddress);
  // A handshake a peer leaves unfinished holds its place this long at most (Node's default: 120 s).
  const server: Server = createServer({ ...secureContext(), requestCert: true, rejectUnauthorized: true, handshakeTimeout: 10_000 }, (socket) => {
    handshaking.release(socket.remoteAddress, socket.remotePort);
    guard(socket);
    batchWritesPerTurn(socket);
    handle(socket);
  });
  server.on('tlsClientError', (error, socket) => {
    handshaking.release(socket.remoteAddress, socket.remotePort);
    refused('tls-handshake', { remote: socket.remoteAddress, detail: error.message }, 'TLS handshake refused');
  });
  // The TLS server listens through this one, which sheds connections past the handshake limit
  // before TLS costs either side anything.
  const front = createNetServer((raw) => {
    const { remoteAddress, remotePort } = raw;
    const full = handshaking.take(remoteAddress, remotePort);
    if (full) {
      refused('handshake-backlog', { remote: remoteAddress, limit: full }, 'connection closed: too many TLS handshakes in progress');
      raw.destroy();
      return;
    }
    raw.once('close', () => handshaking.release(remoteAddress, remotePort));
    server.emit('connection', raw);
  });
  await listen(front, options.port, host);
  const port = (front.address() as AddressInfo).port;

  let wss: { https: ReturnType<typeof createHttpsServer>; ws: WebSocketServer } | undefined;
  if (options.wssPort !== undefined) {
    const https = createHttpsServer({ ...secureContext(), requestCert: true, rejectUnauthorized: true });
    const ws = new WebSocketServer({ server: https, path: '/mqtt', maxPayload: limits.maxPacketBytes + 8 });
    ws.on('connection', (socket, req) => {
      const stream = createWebSocketStream(socket);
      stream.on('error', () => socket.terminate());
      handle(stream, req);
    });
    https.on('tlsClientError', (error, socket) => refused('tls-handshake', { remote: socket.remoteAddress, detail: error.message }, 'TLS handshake refused'));
    await listen(https, options.wssPort, host);
    wss = { https, ws };
  }

  // New certificates or CA take effect for new connections without a restart.
  const watched = [options.tls.cert, options.tls.key, options.tls.ca];
  const reload = () => {
    try {
      const context = secureContext();
      server.setSecureContext(context);
      wss?.https.setSecureContext(context);
      log.info('TLS certificates reloaded');
    } catch (error) {
      log.error({ err: (error as Error).message }, 'TLS certificates changed but could not be loaded; keeping the previous ones');
    }
  };
  for (const file of watched) watchFile(file, { interval: options.reloadIntervalMs ?? 1_000 }, reload);

  // Parts running in the same process (vigil up) add their metrics to this endpoint.
  const metricsSources: MetricsSource[] = [metrics.registry];
  const served: MetricsSource = {
    contentType: metrics.registry.contentType,
    metrics: async () => (await Promise.all(metricsSources.map((source) => source.metrics()))).join('\n'),
  };
  const healthSources: Array<{ name: string; report: () => HealthReport & object }> = [];
  const health = () => {
    const parts = healthSources.map(({ name, report }) => [name, report()] as const);
    const reasons = parts.flatMap(([, report]) => report.reasons ?? []);
    const degraded = parts.some(([, report]) => report.status === 'degraded');
    return { status: degraded ? ('degraded' as const) : ('ok' as const), reasons, connections: stats.connections, ...Object.fromEntries(parts) };
  };
  let metricsServer: Awaited<ReturnType<typeof startMetricsServer>> | undefined;
  if (options.metricsPort !== undefined) {
    metricsServer = await startMetricsServer(served, options.metricsPort, host, health);
  }
  const enrollServer = options.enrollment
    ? await startEnrollmentServer(options.enrollment.pki, { port: options.enrollment.port, host, logger: log, metrics, limits: options.enrollment.limits })
    : undefined;
  log.info(
    { port, enrollPort: enrollServer?.port, wssPort: wss ? (wss.https.address() as AddressInfo).port : undefined, metricsPort: metricsServer?.port, host },
    'broker listening (MQTT over TLS, client certificates required)',
  );

  return {
    port,
    enrollPort: enrollServer?.port,
    wssPort: wss ? (wss.https.address() as AddressInfo).port : undefined,
    metricsPort: metricsServer?.port,
    stats,
    metrics,
    aedes,
    serveMetricsOf(source, part) {
      metricsSources.push(source);
      if (part) healthSources.push(part);
    },
    async close() {
      shuttingDown = true;
      admission?.close();
      for (const file of watched) unwatchFile(file, reload);
      const listenerClosed = new Promise<void>((resolve) => front.close(() => resolve()));
      await withdrawWills();
      await new Promise<void>((resolve) => aedes.close(() => resolve()));
      await redis?.close();
      await listenerClosed;
      if (wss) {
        for (const client of wss.ws.clients) client.terminate();
        await new Promise<void>((resolve) => wss!.https.close(() => resolve()));
      }
      if (metricsServer) await new Promise<void>((resolve) => metricsServer!.server.close(() => resolve()));
      if (enrollServer) await new Promise<void>((resolve) => enrollServer.server.close(() => resolve()));
    },
  };
}

const BROKER_ONLY_PACKETS = new Set(['connack', 'suback', 'unsuback', 'pingresp']);

/**
 * Why aedes closed a connection, as a refusal reason, or undefined when it is not the client's
 * input: socket errors (the peer went away; they carry a code), CONNACK refusals (counted where
 * they are decided), and the broker's own write-side closes.
 */
export function protocolRefusalReason(error: Error & { code?: unknown; errorCode?: unknown; returnCode?: unknown }): string | undefined {
  if (error.code !== undefined) return undefined;
  if (typeof error.errorCode === 'number' && error.errorCode >= 2 && error.errorCode <= 5) return undefined;
  // Our own refusal from preConnect (connect rate, server full, shutting down), which aedes hands back as it was.
  if (typeof error.returnCode === 'number') return undefined;
  if (error.message === 'drain timeout' || error.message === 'connection closed') return undefined;
  if (error.message === 'keep alive timeout') return 'keepalive-timeout';
  if (error.message === 'connect did not arrive in time') return 'connect-timeout';
  return 'protocol-error';
}

function listen(
  server: {
    listen: (port: number, host: string, cb: () => void) => unknown;
    once: (e: 'error', cb: (err: Error) => void) => unknown;
    off: (e: 'error', cb: (err: Error) => void) => unknown;
  },
  port: number,
  host: string,
): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
