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
import { ConditionClock } from './condition-clock.js';
import { loadCredentials } from './credentials.js';
import { CertificateRenewer, finishPendingRenewal, type RenewedCredentials } from './renewal.js';
import { loadLearntRecipientKey, recipientKeyIdOf, recipientKeyProblem, saveLearntRecipientKey } from './recipient-key.js';
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
  /** Replaced when the certificate is renewed; each session connects with what is here then. */
  private tls: { cert: Buffer; key: Buffer; ca: Buffer };
  private readonly renewer: CertificateRenewer | undefined;
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
    // A renewal a crash interrupted is finished (or undone) before the files are read.
    finishPendingRenewal(config, this.log);
    const credentials = loadCredentials(config, options.configSource ?? `agent ${config.recorderId}`);
    this.tls = credentials.tls;
    this.renewer =
      config.tls.renewBeforeDays > 0
        ? new CertificateRenewer(config, { logger: this.log, onRenewed: (renewed) => this.useRenewedCertificate(renewed) })
        : undefined;
    this.sealer = new EnvelopeSealer({
      sender: config.recorderId,
      signingKeyPem: credentials.signingKeyPem,
      // What an ingestor told us after a key rotation wins over what the bundle brought.
      recipientPublicKeyPem: loadLearntRecipientKey(config.dataDir) ?? credentials.recipientPublicKeyPem,
    });
    this.minReconnectMs = options.minReconnectMs ?? 1_000;
    this.maxReconnectMs = options.maxReconnectMs ?? 60_000;
  }

  get connected(): boolean {
    return this.client?.connected ?? false;
  }

  private readonly conditionClock = new ConditionClock();

  /** Everything a collector observes is committed to the spool before anything is sent. */
  readonly sink: CollectorSink = {
    emit: (observation) => {
      try {
        this.spool.add(this.conditionClock.order(observation), !this.connected);
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
    this.renewer?.start();
  }

  /**
   * A renewed certificate is used at once: the session ends with a clean DISCONNECT (the broker
   * discards the will, so the fleet never sees the recorder offline) after what is in flight got
   * its PUBACK, and a new session opens with the new certificate, which is what lets the broker
   * retire the old one. Unacknowledged batches are re-sent as after any reconnect; the ingestor
   * acknowledges a seq it has without applying it again.
   */
  private useRenewedCertificate(renewed: RenewedCredentials): void {
    this.tls = { cert: renewed.cert, key: renewed.key, ca: renewed.ca };
    this.reconnectWithCurrentCertificate();
  }

  private reconnectWithCurrentCertificate(): void {
    const client = this.client;
    // Not connected: the next attempt takes the new certificate (one still connecting switches once it is up).
    if (this.stopping || !client?.connected) return;
    this.log.info('reconnecting with the renewed certificate');
    clearInterval(this.heartbeatTimer);
    this.shipper.offline();
    this.client = undefined; // its close must not schedule a reconnect of its own
    const ended = new Promise<void>((resolve) => {
      const forced = setTimeout(() => {
        client.end(true);
        resolve();
      }, 10_000);
      client.end(false, {}, () => {
        clearTimeout(forced);
        resolve();
      });
    });
    void ended.then(() => {
      if (this.stopping) return;
      try {
        this.openSession();
      } catch (error) {
        this.log.error({ err: (error as Error).message }, 'could not open a broker session; retrying');
        this.scheduleReconnect();
      }
    });
  }

  /** Graceful stop: a death marked graceful, then a clean DISCONNECT so the will is not sent. */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    this.stopping = true;
    clearTimeout(this.reconnectTimer);
    clearInterval(this.heartbeatTimer);
    clearInterval(this.fullDiskTimer);
    await this.renewer?.stop();
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
    const sessionTls = this.tls;
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
      // Renewed while this session was connecting: it is on the old certificate, which stays admitted only until the new one is used.
      if (this.tls !== sessionTls) this.reconnectWithCurrentCertificate();
    });
    client.on('packetreceive', () => {
      lastHeard = Date.now();
    });
    client.on('message', (topic, payload) => {
      if (this.stopping || topic !== topics.ack(this.config.recorderId)) return;
      try {
        const ack = vigil.v1.Ack.decode(payload);
        if (ack.recipientPublicKey) this.adoptRecipientKey(client, ack.recipientPublicKey);
        if (ack.spoolEpoch === this.spool.epoch) {
          // The fleet side knows less than we have already let go of: its fleet.db went back in
          // time (restored from a backup) and it missed this session's birth, which said so. Until
          // told, it waits for batches we deleted and acknowledges nothing above them; the birth
          // (idempotent, carrying ackedThrough) tells it again.
          if (ack.seq < this.spool.ackedThrough) this.remindOfPosition(client);
          this.shipper.acknowledged(ack.seq);
        }
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
      // A session already replaced (by a renewed certificate) must not stop its successor's heartbeat and shipping.
      if (this.client !== client && this.client !== undefined) return;
      clearInterval(this.heartbeatTimer);
      this.shipper.offline();
      if (this.stopping || this.client !== client) return;
      client.removeAllListeners();
      client.end(true);
      if (this.newSessionNow) {
        this.newSessionNow = false;
        try {
          this.openSession();
          return;
        } catch (error) {
          this.log.error({ err: (error as Error).message }, 'could not open a broker session; retrying');
        }
      }
      // The node that refused or dropped us is the least likely to answer next: with several
      // (broker nodes sharing Redis) the next attempt goes to the next one, after the same backoff.
      this.brokerIndex = (this.brokerIndex + 1) % this.config.broker.urls.length;
      this.scheduleReconnect();
    });
  }

  private lastReminderAt = 0;
  /** Set when this connection ends on purpose to start the next session at once (a new envelope key). */
  private newSessionNow = false;

  /**
   * The ingestor sealed-to key changed (docs/DESIGN.md "Envelope", key rotation): only services may
   * publish on our ack/ topic, so the key is the fleet's. Saved in the data directory, then a new
   * session: its will, birth and data key are sealed to the new key, so nothing of ours needs the
   * old one any more. The clean DISCONNECT discards the old will; the birth follows at once.
   */
  private adoptRecipientKey(client: MqttClient, pem: string): void {
    const problem = recipientKeyProblem(pem);
    if (problem !== undefined) {
      this.log.warn({ problem }, 'ignored an envelope key in an ack that cannot be one');
      return;
    }
    const keyId = recipientKeyIdOf(pem);
    if (keyId === this.sealer.recipientKeyId || this.newSessionNow) return;
    try {
      saveLearntRecipientKey(this.config.dataDir, pem);
    } catch (error) {
      // Not saved: used anyway; after a restart the ingestor tells us again.
      this.log.warn({ err: (error as Error).message }, 'could not save the new envelope key');
    }
    this.log.info({ keyId, previousKeyId: this.sealer.recipientKeyId }, 'the ingestor has a new envelope key; sealing to it from a new session');
    this.sealer.setRecipient(pem);
    this.newSessionNow = true;
    client.end(false);
  }

  /** Publishes this session's birth again, at most every 5 s (acks of a burst of batches all ask for it). */
  private remindOfPosition(client: MqttClient): void {
    if (Date.now() - this.lastReminderAt < 5_000) return;
    this.lastReminderAt = Date.now();
    this.log.info({ ackedThrough: this.spool.ackedThrough }, 'the fleet side acknowledged less than we already let go of; sending the birth again');
    void this.publish(client, 'birth', { birth: this.birth() }).catch((error: Error) => this.log.warn({ err: error.message }, 'birth not sent'));
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
