import { createHash } from 'node:crypto';
import { hostname, platform, release } from 'node:os';
import { join } from 'node:path';
import { connect, type MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import { EnvelopeSealer } from '@vigil/proto/envelope';
import { topics, vigil, type RecorderTopicKind } from '@vigil/proto/wire';
import { backoffDelay } from '@vigil/proto/backoff';
import { buildCollectors, type CollectorDeps } from './collectors/index.js';
import type { Collector, CollectorSink, InventoryFacts } from './collectors/types.js';
import type { AgentConfig } from './config.js';
import { loadCredentials } from './credentials.js';
import { Shipper } from './spool/shipper.js';
import { isStorageFull, Spool } from './spool/spool.js';

export const AGENT_VERSION = '0.1.0';

export interface AgentOptions {
  logger?: Logger;
  /** Named in configuration errors (the config file's path). */
  configSource?: string;
  /** What to watch; by default one collector per section of the config (buildCollectors). */
  collectors?: (deps: CollectorDeps) => Collector[];
  /** Reconnect backoff bounds (ms). */
  minReconnectMs?: number;
  maxReconnectMs?: number;
}

/**
 * One recorder's link to the fleet. Each MQTT session gets a new bdSeq and data key; the last
 * will (a sealed death with the same bdSeq) is registered at connect so the fleet learns at once
 * when the process or host dies.
 */
export class Agent {
  private readonly log: Logger;
  readonly spool: Spool;
  readonly shipper: Shipper;
  private readonly collectors: Collector[];
  private readonly sealer: EnvelopeSealer;
  private readonly tls: { cert: Buffer; key: Buffer; ca: Buffer };
  private client: MqttClient | undefined;
  private bdSeq = 0;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  /** Which of the broker URLs the next session opens on: the next one after a failure or a drop. */
  private brokerIndex = 0;
  /** Retries spooling what a full disk made the spool hold in memory. */
  private fullDiskTimer: NodeJS.Timeout | undefined;
  private fullDiskReported = false;
  private fullDiskProgress = '';
  private failures = 0;
  private stopping = false;
  private stopped = false;
  private readonly minReconnectMs: number;
  private readonly maxReconnectMs: number;
  constructor(
    readonly config: AgentConfig,
    options: AgentOptions = {},
  ) {
    this.log = (options.logger ?? pino({ name: 'agent' })).child({ recorderId: config.recorderId });
    this.spool = new Spool(join(config.dataDir, 'spool.db'), {
      maxBytes: config.spool.maxMegabytes * 1024 * 1024,
      foldWindowMs: config.spool.foldWindowSeconds * 1000,
      maxHeldObservations: config.spool.heldWhenDiskFull,
    });
    this.shipper = new Shipper(this.spool, {
      window: config.spool.window,
      batchMaxEntries: config.spool.batchMaxEntries,
      backfillBatchesPerSecond: config.spool.backfillBatchesPerSecond,
      ackTimeoutMs: config.spool.ackTimeoutSeconds * 1000,
      logger: this.log,
    });
    const deps: CollectorDeps = {
      offsets: {
        load: (key) => this.spool.loadOffset(key),
        save: (key, saved) => {
          try {
            this.spool.saveOffset(key, saved);
          } catch (error) {
            // Inside a log chunk the offset belongs to the chunk's transaction: the chunk fails as a
            // whole and is read again. Elsewhere (a file let go) a full disk keeps the offset last saved.
            if (this.spool.inChunk || !isStorageFull(error)) throw error;
            this.log.debug({ file: key, err: (error as Error).message }, 'log offset not saved');
          }
        },
        atomically: (work) => this.spool.atomically(work),
      },
      baseDir: config.configDir,
      logger: this.log,
    };
    this.collectors = (options.collectors ?? ((d) => buildCollectors(config, d)))(deps);
    const credentials = loadCredentials(config, options.configSource ?? `agent ${config.recorderId}`);
    this.tls = credentials.tls;
    this.sealer = new EnvelopeSealer({
      sender: config.recorderId,
      signingKeyPem: credentials.signingKeyPem,
      recipientPublicKeyPem: credentials.recipientPublicKeyPem,
    });
    this.minReconnectMs = options.minReconnectMs ?? 1_000;
    this.maxReconnectMs = options.maxReconnectMs ?? 60_000;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  /** Everything a collector observes is committed to the spool before anything is sent. */
  readonly sink: CollectorSink = {
    emit: (observation) => {
      try {
        this.spool.add(observation, !this.connected);
      } catch (error) {
        // Inside a log chunk the error must reach the tailer, which reads the chunk's lines again
        // (the file keeps them), so neither they nor the offset after them are half kept.
        if (this.spool.inChunk) throw error;
        // Not a full disk (the spool holds those in memory): still no reason to end the process.
        this.log.error({ kind: observation.kind, err: (error as Error).message }, 'observation could not be spooled');
      }
      this.noticeFullDisk();
      this.shipper.wake();
    },
  };

  /**
   * A full disk is a state the agent lives through (docs/ARCHITECTURE.md "Agent spool"): it says
   * so once, retries every few seconds, and says so again when the spool takes writes again.
   */
  private noticeFullDisk(): void {
    const since = this.spool.storageFullSince;
    if (since === undefined || this.fullDiskReported) return;
    this.fullDiskReported = true;
    this.log.warn(
      { since: new Date(since).toISOString() },
      'the spool disk is full: holding observations in memory, dropping readings then events if it lasts',
    );
  }

  private retryFullDisk(): void {
    try {
      if (!this.spool.flushHeld()) {
        this.noticeFullDisk();
        const { held, droppedReadingsDiskFull, droppedEventsDiskFull } = this.spool.stats();
        const progress = { held, droppedReadingsDiskFull, droppedEventsDiskFull };
        if (JSON.stringify(progress) !== this.fullDiskProgress) {
          this.fullDiskProgress = JSON.stringify(progress);
          this.log.debug(progress, 'the spool disk is still full');
        }
        return;
      }
    } catch (error) {
      this.log.error({ err: (error as Error).message }, 'could not spool held observations');
      return;
    }
    if (!this.fullDiskReported) return;
    this.fullDiskReported = false;
    this.fullDiskProgress = '';
    const stats = this.spool.stats();
    this.log.warn(
      { droppedReadingsDiskFull: stats.droppedReadingsDiskFull, droppedEventsDiskFull: stats.droppedEventsDiskFull },
      'the spool disk takes writes again; held observations are spooled',
    );
    this.shipper.wake();
  }

  async start(): Promise<void> {
    this.stopping = false;
    for (const collector of this.collectors) {
      try {
        await collector.start(this.sink);
      } catch (error) {
        this.log.error({ collector: collector.name, err: (error as Error).message }, 'collector failed to start; the others go on');
      }
    }
    this.fullDiskTimer = setInterval(() => this.retryFullDisk(), 2_000);
    this.fullDiskTimer.unref();
    this.openSession();
  }

  /** Graceful stop: a death marked graceful, then a clean DISCONNECT so the will is not sent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeatTimer);
    clearInterval(this.fullDiskTimer);
    await Promise.all(this.collectors.map((c) => c.stop().catch(() => undefined)));
    this.shipper.offline();
    // Held observations live only in memory: one last try, and say what is lost if the disk is still full.
    try {
      if (!this.spool.flushHeld()) this.log.warn({ held: this.spool.stats().held }, 'stopping with the spool disk full: held observations are lost');
    } catch (error) {
      this.log.error({ err: (error as Error).message }, 'could not spool held observations');
    }
    const client = this.client;
    if (!client) {
      this.spool.close();
      return;
    }
    if (client.connected) {
      try {
        await this.publish(client, 'death', {
          death: { bdSeq: this.bdSeq, spoolEpoch: this.spool.epoch, reason: vigil.v1.DeathReason.DEATH_REASON_GRACEFUL, sentAt: Date.now() },
        });
      } catch (error) {
        this.log.warn({ err: (error as Error).message }, 'could not publish graceful death');
      }
    }
    await client.endAsync();
    this.spool.close();
    this.log.info('stopped');
  }

  private openSession(): void {
    this.bdSeq = this.spool.nextBdSeq();
    this.sealer.rotate();
    // The session is (spool epoch, bdSeq): a reinstalled agent starts a new epoch and counts bdSeq from 1 again.
    const will = this.seal({ death: { bdSeq: this.bdSeq, spoolEpoch: this.spool.epoch, reason: vigil.v1.DeathReason.DEATH_REASON_WILL, sentAt: Date.now() } });
    const brokerUrl = this.config.broker.urls[this.brokerIndex % this.config.broker.urls.length] ?? this.config.broker.urls.join(',');
    const client = connect(brokerUrl, {
      clientId: this.config.recorderId,
      protocolVersion: 4,
      clean: true,
      keepalive: 30,
      reconnectPeriod: 0, // each session needs a fresh bdSeq and will, so reconnects are ours
      connectTimeout: 15_000,
      // mqtt-packet would otherwise pre-build a Buffer for each of the 65,536 two-byte numbers:
      // about 7 MB of heap, a quarter of the agent's, to save a 2-byte allocation per packet.
      writeCache: false,
      ...this.tls,
      will: { topic: topics.recorder(this.config.recorderId, 'death'), payload: Buffer.from(will), qos: 1, retain: false },
    });
    this.client = client;
    let lastHeard = Date.now();

    client.on('connect', () => {
      // A CONNACK can arrive after stop() began; the spool may already be closed.
      if (this.stopping) return;
      this.failures = 0;
      this.log.info({ bdSeq: this.bdSeq, broker: brokerUrl }, 'connected');
      client.subscribe(topics.ack(this.config.recorderId), { qos: 1 });
      void this.publish(client, 'birth', { birth: this.birth() }).catch((error: Error) => this.log.warn({ err: error.message }, 'birth not sent'));
      // MQTT keeps one connection's QoS 1 messages in order, so the birth lands before any batch.
      this.shipper.online(async (seq, batch) => {
        await client.publishAsync(topics.recorder(this.config.recorderId, 'data'), Buffer.from(this.sealer.seal({ data: batch }, seq)), { qos: 1 });
      });
      clearInterval(this.heartbeatTimer);
      lastHeard = Date.now();
      this.heartbeatTimer = setInterval(() => {
        // A cut network closes nothing: without this the agent would send into a dead socket (and
        // call its data live) until TCP gave up, many minutes later. Every heartbeat is answered
        // with a PUBACK, so silence for a few of them means the link is gone.
        const silentMs = Date.now() - lastHeard;
        if (silentMs > deadLinkAfterMs(this.config.heartbeatSeconds)) {
          this.log.warn({ silentMs }, 'no answer from the broker; treating the connection as lost');
          clearInterval(this.heartbeatTimer);
          client.end(true); // emits 'close', which reconnects
          return;
        }
        void this.publish(client, 'hb', { heartbeat: { bdSeq: this.bdSeq, spoolEpoch: this.spool.epoch, sentAt: Date.now() } }).catch(() => undefined);
      }, this.config.heartbeatSeconds * 1000);
    });
    client.on('packetreceive', () => {
      lastHeard = Date.now();
    });
    client.on('message', (topic, payload) => {
      if (this.stopping || topic !== topics.ack(this.config.recorderId)) return;
      try {
        const ack = vigil.v1.Ack.decode(payload);
        if (ack.spoolEpoch === this.spool.epoch) this.shipper.acknowledged(ack.seq);
      } catch {
        this.log.warn('ignored an ack that is not an Ack message');
      }
    });
    client.on('error', (error) => {
      // The broker resetting a connection we are closing ourselves is not worth an installer's attention.
      if (this.stopping) return this.log.debug({ err: error.message }, 'broker connection error while stopping');
      this.log.warn({ err: describeConnectError(error) }, 'broker connection error');
    });
    client.on('close', () => {
      clearInterval(this.heartbeatTimer);
      this.shipper.offline();
      if (this.stopping || this.client !== client) return;
      client.removeAllListeners();
      client.end(true);
      // The node that refused or dropped us is the least likely to answer next: with several
      // (broker nodes sharing Redis) the next attempt goes to the next one, after the same backoff.
      this.brokerIndex = (this.brokerIndex + 1) % this.config.broker.urls.length;
      this.scheduleReconnect();
    });
  }

  /** Exponential backoff with full jitter, so a broker restart does not meet the whole fleet at once. */
  private scheduleReconnect(): void {
    this.failures++;
    const delay = reconnectDelay(
      this.failures,
      this.minReconnectMs,
      reconnectCeilingMs(this.config.heartbeatSeconds, this.minReconnectMs, this.maxReconnectMs),
    );
    this.log.info({ inMs: delay, attempt: this.failures, broker: this.config.broker.urls[this.brokerIndex] }, 'reconnecting');
    this.reconnectTimer = setTimeout(() => {
      // Nothing may throw out of a timer: that would end the process and the fleet would see the
      // recorder unavailable for good. A session that cannot open is retried like a refused one.
      try {
        this.openSession();
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'could not open a broker session; retrying');
        this.scheduleReconnect();
      }
    }, delay);
  }

  private inventoryFacts(): InventoryFacts {
    const facts: InventoryFacts = {};
    for (const collector of this.collectors) Object.assign(facts, collector.inventory?.() ?? {});
    return facts;
  }

  private birth(): vigil.v1.IBirth {
    const inv = this.config.inventory;
    const seen = this.inventoryFacts();
    return {
      bdSeq: this.bdSeq,
      sentAt: Date.now(),
      agentVersion: AGENT_VERSION,
      heartbeatSeconds: this.config.heartbeatSeconds,
      configDigest: createHash('sha256')
        .update(JSON.stringify({ ...this.config, tls: undefined, envelope: undefined }))
        .digest('hex')
        .slice(0, 16),
      inventory: {
        recorderName: inv.recorderName || this.config.recorderId,
        installation: inv.installation,
        site: inv.site,
        vmsProduct: inv.vmsProduct,
        vmsVersion: inv.vmsVersion,
        hostname: hostname(),
        os: `${platform()} ${release()}`,
        failoverPartner: inv.failoverPartner,
        services: seen.services ?? [],
        drives: seen.drives ?? [],
        cameraCount: seen.cameraCount ?? inv.cameraCount,
        licensedCameras: seen.licensedCameras ?? inv.licensedCameras,
      },
      spoolEpoch: this.spool.epoch,
      ackedThrough: this.spool.ackedThrough,
    };
  }

  /** Only data batches carry a seq (the spool's); births, heartbeats and deaths are idempotent. */
  private seal(payload: vigil.v1.IPayload): Uint8Array {
    return this.sealer.seal(payload, 0);
  }

  private async publish(client: MqttClient, kind: RecorderTopicKind, payload: vigil.v1.IPayload): Promise<void> {
    await client.publishAsync(topics.recorder(this.config.recorderId, kind), Buffer.from(this.seal(payload)), { qos: 1 });
  }
}

/**
 * How long the broker may stay silent (no PUBACK, no ack, nothing) before the agent gives the
 * connection up: three heartbeats, as the fleet side counts them, but never past MQTT's own
 * 1.5 keepalives (45 s) and never under 5 s, which a loaded broker can take to answer.
 */
export function deadLinkAfterMs(heartbeatSeconds: number): number {
  return Math.max(5_000, Math.min(3 * heartbeatSeconds * 1000, 45_000));
}

/**
 * The longest wait between reconnect attempts: never more than one heartbeat interval. The fleet
 * side gives a recorder three heartbeats (plus slack) after the broker is back before it calls it
 * unavailable; a backoff grown to a minute during a long outage would spend them all.
 */
export function reconnectCeilingMs(heartbeatSeconds: number, minMs: number, maxMs: number): number {
  return Math.max(minMs, Math.min(maxMs, heartbeatSeconds * 1000));
}

/**
 * Delay before reconnect attempt `failures` (1, 2, ...): the ceiling doubles from `minMs` up to
 * `maxMs`, and the delay is drawn uniformly between half of `minMs` and the ceiling, so a fleet
 * that lost its broker at the same moment comes back spread out instead of in one storm.
 */
export function reconnectDelay(failures: number, minMs: number, maxMs: number, random: () => number = Math.random): number {
  return backoffDelay(failures, { minMs, maxMs, floorMs: minMs / 2 }, random);
}

/** Turns TLS failures into something an installer can act on. */
export function describeConnectError(error: Error & { code?: string | number }): string {
  switch (error.code) {
    case 'ECONNREFUSED':
      return `${error.message}: is the broker running and the URL right?`;
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
      return `${error.message}: the broker's certificate is not signed by the CA in tls.ca`;
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `${error.message}: the broker URL's host is not in the broker certificate; reissue it with that host`;
    case 'ECONNRESET':
      return `${error.message}: the broker closed the TLS session; is this device certificate from the fleet CA and not revoked?`;
    default:
      return error.message;
  }
}
