import { connectedBroker, followServerNames, mqttServers, splitBrokerUrls } from '@vigil/proto/broker-urls';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import { EnvelopeOpener } from '@vigil/proto/envelope';
import { RateLimitedWarning } from '@vigil/proto/rate-limited-warning';
import { startMetricsServer } from '@vigil/proto/metrics-server';
import { fillPacketLengthCache } from '@vigil/proto/upstream-patches/mqtt-packet-lengths';
import { topics, vigil } from '@vigil/proto/wire';
import type { TlsIdentityFiles } from '@vigil/proto/pki';
import { FleetDb, type RecorderStateName } from './registry/fleet-db.js';
import type { FleetState, StateChange } from './state/fleet-state.js';
import { ProblemLifetimes, type LifetimeOverrides } from './state/problem-lifetimes.js';
import { AckGate } from './pipeline/ack-gate.js';
import { buildPipeline, type PipelineCounters } from './pipeline/build.js';
import { offsetText } from './pipeline/clock-offsets.js';
import type { Outlets } from './pipeline/effects.js';
import type { DropReason } from './pipeline/message.js';
import { IngestorMetrics } from './metrics.js';
import { EnvelopeKeyUse } from './envelope-keys.js';
import { TimeSlice } from './time-slice.js';
import { type AlertingOptions, type RunningAlerting, startAlerting } from './alerts/index.js';
import { OutboxDrain, type DrainPlacement } from './pipeline/outbox-drain.js';
import { TelemetryMetrics } from './pipeline/telemetry-metrics.js';
import { openTelemetryStore } from './stores/open-store.js';
import type { TelemetryStore } from './stores/telemetry-store.js';

/**
 * Messages the broker held for our persistent session arrive in a burst right after we subscribe;
 * past this, what arrives was sent just now (an agent's clock sample can be believed alone).
 */
const HELD_MESSAGES_WINDOW_MS = 10_000;

export type { DropReason } from './pipeline/message.js';

export interface IngestorOptions {
  /** One broker URL, or several broker nodes separated by commas (tried in turn). */
  brokerUrl: string;
  tls: TlsIdentityFiles;
  /**
   * The envelope private keys (PEM) this ingestor opens data keys with: the current one first, then
   * previous ones a rotation kept. An agent sealing to any but the first is sent the first's public key.
   */
  recipientPrivateKeyPems: string[];
  /** A recorder's registered signing public key (PEM). */
  signingKeyOf: (recorderId: string) => string | undefined;
  dbPath: string;
  logger?: Logger;
  sweepIntervalMs?: number;
  /** Serve /healthz and /metrics here (vigil ingestor); under vigil up the broker's endpoint serves them. */
  metrics?: { port: number; host: string };
  /**
   * Where readings, events and state changes go as time series. Default: SQLite in telemetry.db
   * beside dbPath. The ingestor closes it in close().
   */
  telemetry?: TelemetryStore;
  /** The durable outbox in fleet.db between acknowledgement and the TelemetryStore. */
  outbox?: {
    /**
     * Past this many waiting points the ingestor stops taking messages (holds the PUBACK) until the
     * store catches up: the broker and the agents' spools hold the rest. Default 5,000,000.
     */
    maxPoints?: number;
    /** Most points per store write. Default 20,000. */
    maxBatchPoints?: number;
    /** How long a quiet fleet's points wait to be sent together. Default 100 ms. */
    flushIntervalMs?: number;
    /** Longest wait between retries while the store is down. Default 30 s. */
    maxRetryDelayMs?: number;
    /**
     * An outbox holding points that the store has not taken any of for this long is stalled:
     * /healthz answers 503 with the reason, and the read model's read_v1_ingestor_health says since
     * when (the dashboard shows it). Default 300 s (VIGIL_OUTBOX_STALL_SECONDS).
     */
    stallAfterMs?: number;
    /**
     * Write into the store (a file-backed SQLite store, or InfluxDB) from a worker thread, so the
     * main thread only applies messages. Default true. Other stores (in memory, or given by a
     * caller without a portable config) drain on the main thread.
     */
    worker?: boolean;
  };
  /**
   * Group commit on fleet.db: messages share one transaction, committed when it holds `maxMessages`
   * (default 256) or `maxDelayMs` after it opened (default 5 ms), and before a birth's or death's PUBACK.
   */
  groupCommit?: { maxMessages?: number; maxDelayMs?: number };
  /**
   * How long events stay active problems after their last occurrence, per code (`default` for the
   * rest), over the table in state/problem-lifetimes.ts (`vigil ingestor` reads VIGIL_PROBLEM_LIFETIMES).
   */
  problemLifetimes?: LifetimeOverrides;
  /** mqtt.js's debug tracing of every packet (it formats them even when nobody reads them). Default false. */
  traceMqtt?: boolean;
  /**
   * The alerts stage (docs/DESIGN.md "Alerting"): rules from dashboard.db judged on every committed
   * change, alerts and the notification queue in alerts.db. Off when not given.
   */
  alerting?: Omit<AlertingOptions, 'fleet' | 'logger' | 'registry'>;
  /**
   * The single-active right this ingestor holds (single-active.ts): while it is not valid (a Redis
   * lease lost or not renewed in time), no message is taken or acknowledged, so two ingestors never
   * both write. The caller exits on its loss.
   */
  activeRight?: { valid(): boolean };
}

export interface IngestorStats {
  received: number;
  processed: number;
  /** Data batches received again after a re-send, recognised by seq and not applied twice. */
  duplicates: number;
  /** Data batches the agent collected while it could not reach us (backfill). */
  historicalBatches: number;
  /** Deaths (wills) of sessions older than the current one, ignored (e.g. after a takeover). */
  staleDeaths: number;
  dropped: Partial<Record<DropReason, number>>;
}

/** What /healthz says of the ingestor (and, under vigil up, the broker's /healthz too). */
export interface IngestorHealth {
  /** A running ingestor is the active one; a standby answers /healthz with `standby` (cli). */
  role: 'active';
  /** `degraded` (HTTP 503) while the telemetry outbox is stalled. */
  status: 'ok' | 'degraded';
  /** Why it is degraded, in words for an operator; empty when ok. */
  reasons: string[];
  connected: boolean;
  recorders: number;
  outbox: {
    points: number;
    /** How long points have waited without the store taking any. */
    waitingSeconds: number;
    /** When the stall began (ms since the epoch), or null. */
    stalledSince: number | null;
    stallAfterSeconds: number;
    lastError: string | null;
  };
}

export interface RunningIngestor {
  stats: IngestorStats;
  db: FleetDb;
  state: FleetState;
  /** Prometheus registry: messages, drops by reason, recorders by state. */
  metrics: IngestorMetrics;
  /** Resolves once subscribed to the fleet's topics. */
  ready: Promise<void>;
  /** Every state change, as it is published (after the COMMIT that stored it). */
  onStateChange(listener: (change: StateChange) => void): void;
  /** After each COMMIT of a message group on fleet.db, with the number of messages it held (benchmarks). */
  onCommit(listener: (messages: number) => void): void;
  /** The time-series store, for readers in the same process (the dashboard). */
  telemetry: TelemetryStore;
  /** The alerts stage, when configured. */
  alerting: RunningAlerting | undefined;
  /** Points acknowledged but not yet confirmed by the store, and a promise for when there are none. */
  outbox: { readonly depth: number; idle(): Promise<void>; readonly lastError: string | undefined };
  /** Served as /healthz; `degraded` while the outbox is stalled. */
  health(now?: number): IngestorHealth;
  close(): Promise<void>;
}

const STATUS: Record<RecorderStateName, vigil.v1.RecorderStatus> = {
  online: vigil.v1.RecorderStatus.RECORDER_STATUS_ONLINE,
  degraded: vigil.v1.RecorderStatus.RECORDER_STATUS_DEGRADED,
  unavailable: vigil.v1.RecorderStatus.RECORDER_STATUS_UNAVAILABLE,
  offline: vigil.v1.RecorderStatus.RECORDER_STATUS_OFFLINE,
  stopped: vigil.v1.RecorderStatus.RECORDER_STATUS_STOPPED,
};

/**
 * The ingestor: the message pipeline (pipeline/build.ts) between an MQTT subscription and fleet.db,
 * the outbox drain to the TelemetryStore, the sweeper, and the metrics endpoint.
 * Input it cannot use is counted by reason and dropped; nothing a sender does can crash it.
 */
export async function startIngestor(options: IngestorOptions): Promise<RunningIngestor> {
  const log = options.logger ?? pino({ name: 'ingestor' });
  fillPacketLengthCache();
  const stats: IngestorStats = { received: 0, processed: 0, duplicates: 0, historicalBatches: 0, staleDeaths: 0, dropped: {} };
  const warning = new RateLimitedWarning(log, 10_000);
  const db = new FleetDb(options.dbPath);
  const telemetry = options.telemetry ?? openTelemetryStore({ kind: 'sqlite', path: join(dirname(options.dbPath), 'telemetry.db') });
  const commitListeners: Array<(messages: number) => void> = [];
  const stateListeners: Array<(change: StateChange) => void> = [];
  let client: MqttClient | undefined;
  // Started once the metrics exist; the outlets reach it only after a COMMIT, which comes later.
  let alerting: RunningAlerting | undefined;
  /** When our subscription last became active; undefined while disconnected. */
  let subscribedAt: number | undefined;

  const countDrop = (reason: DropReason, messages: number) => {
    stats.dropped[reason] = (stats.dropped[reason] ?? 0) + messages;
    metrics.dropped.inc({ reason }, messages);
  };
  const counters: PipelineCounters = {
    received: () => {
      stats.received++;
      metrics.received.inc();
    },
    processed: () => {
      stats.processed++;
      metrics.processed.inc();
    },
    dropped: (reason, topic, detail) => {
      countDrop(reason, 1);
      warning.warn(`${reason}:${topic}`, { reason, topic, detail }, 'message dropped');
    },
    lost: (messages) => countDrop('processing-error', messages),
  };

  /** The retained state message readers (the dashboard's live view) follow; also sent when only the problems changed. */
  const announce = (change: StateChange) => {
    const message = vigil.v1.RecorderState.encode({
      recorderId: change.recorderId,
      status: STATUS[change.state],
      since: change.since,
      lastSeen: change.lastSeen ?? 0,
      activeProblems: change.activeProblems,
    }).finish();
    client?.publish(topics.state(change.recorderId), Buffer.from(message), { qos: 1, retain: true });
  };
  const ackGate = new AckGate(
    () => db.syncToDisk(),
    (recorderId, ack) =>
      client?.publish(topics.ack(recorderId), Buffer.from(vigil.v1.Ack.encode({ seq: ack.seq, spoolEpoch: ack.epoch }).finish()), { qos: 1 }),
  );
  // Reached only through the pipeline's post-commit effects: never ahead of the COMMIT.
  const outlets: Outlets = {
    ack: (recorderId, position) => ackGate.add(recorderId, position),
    stateChanged: (change) => {
      for (const listener of stateListeners) listener(change);
      alerting?.touchRecorder(change.recorderId);
      log.info({ recorderId: change.recorderId, state: change.state, previous: change.previous }, 'recorder state changed');
      announce(change);
    },
    announceCurrent: (recorderId) => {
      const current = pipeline.state.current(recorderId);
      if (current) announce(current);
      alerting?.touchRecorder(recorderId);
    },
    dataStored: (recorderId, historical, changed) => alerting?.batchStored(recorderId, historical, changed),
    siteChanged: (change) => {
      alerting?.touchSite(change.installationSlc, change.siteId);
      log.warn(
        { installation: change.installationSlc, site: change.siteId, unreachable: change.unreachable },
        change.unreachable ? 'site unreachable: every recorder there missed its heartbeats' : 'site reachable again',
      );
    },
    spoolOverflowed: (recorderId, dropped) => {
      for (const [reason, counts] of [
        ['spool-full', dropped.spoolFull],
        ['disk-full', dropped.diskFull],
      ] as const) {
        if (counts.readings > 0) metrics.agentDropped.inc({ reason, kind: 'reading' }, counts.readings);
        if (counts.events > 0) metrics.agentDropped.inc({ reason, kind: 'event' }, counts.events);
      }
      warning.warn(`spool-full:${recorderId}`, { recorderId, ...dropped }, 'the agent dropped observations (its spool or its disk was full)');
    },
    duplicateBatch: () => {
      stats.duplicates++;
      metrics.duplicates.inc();
    },
    historicalBatch: () => stats.historicalBatches++,
    adjusted: (reasons) => {
      for (const reason of reasons) metrics.adjusted.inc({ reason });
    },
    clockOffsetChanged: (recorderId, { previousMs, currentMs }) => {
      const offset = (ms: number) => (ms === 0 ? 'within tolerance' : `${offsetText(ms)} ${ms < 0 ? 'ahead' : 'behind'}`);
      warning.warn(
        `clock-offset:${recorderId}`,
        { recorderId, clockOffsetMs: currentMs, previousClockOffsetMs: previousMs },
        currentMs === 0
          ? `the agent's clock is right again (was ${offset(previousMs)}); its times are no longer corrected`
          : `the agent's clock is ${offset(currentMs)}; its observation times are corrected by that`,
      );
    },
    staleDeath: (recorderId, bdSeq) => {
      stats.staleDeaths++;
      log.info({ recorderId, bdSeq }, 'ignored a death from an older session');
    },
  };

  const pipeline = buildPipeline({
    db,
    // Made below with the metrics; no message arrives before the MQTT client connects, after both.
    opener: { open: (topic, bytes) => envelopeKeys.open(topic, bytes) },
    outlets,
    counters,
    logger: log,
    groupCommit: options.groupCommit,
    problemLifetimes: new ProblemLifetimes(options.problemLifetimes),
    onCommitted: (messages) => {
      drain.kick();
      for (const listener of commitListeners) listener(messages);
    },
    isLive: (receivedAt) => subscribedAt !== undefined && receivedAt - subscribedAt >= HELD_MESSAGES_WINDOW_MS,
  });
  const { outbox, state } = pipeline;
  // Until subscribed we hear nothing: heartbeats we cannot receive are not missed (hearingFrom, below).
  state.stopHearing();
  const metrics = new IngestorMetrics({ recorders: () => state.countsByState(), unreachableSites: () => state.unreachableSiteCount });
  const envelopeKeys = new EnvelopeKeyUse({
    opener: new EnvelopeOpener({ recipientPrivateKeyPems: options.recipientPrivateKeyPems, signingKeyOf: options.signingKeyOf }),
    privateKeyPems: options.recipientPrivateKeyPems,
    registry: metrics.registry,
    logger: log,
    // An Ack with only the key (no spool position): nothing in it waits for a COMMIT.
    tell: (recorderId, pem) => client?.publish(topics.ack(recorderId), Buffer.from(vigil.v1.Ack.encode({ recipientPublicKey: pem }).finish()), { qos: 1 }),
  });
  if (options.alerting) {
    alerting = startAlerting({
      ...options.alerting,
      // Its own read-only connection sees committed groups only, never the one the pipeline has open.
      fleet: db.db.memory ? db.db : db.db.name,
      logger: log,
      registry: metrics.registry,
    });
  }
  const telemetryMetrics = new TelemetryMetrics(metrics.registry, telemetry.kind, () => outbox.depth);

  // The worker opens its own store from the store's portable config: a SQLite file, or InfluxDB
  // with the same settings. A store without one (in memory, a caller's) is written on this thread.
  const portable = telemetry.portableConfig?.();
  const placement: DrainPlacement =
    (options.outbox?.worker ?? true) && portable && !db.db.memory
      ? { thread: 'worker', store: portable, fleetDbPath: db.db.name }
      : { thread: 'main', store: telemetry };
  const drain = new OutboxDrain({
    outbox,
    runOn: placement,
    logger: log.child({ telemetry: telemetry.kind }),
    onWritten: (points, ms) => telemetryMetrics.wrote(points, ms),
    onFailed: () => telemetryMetrics.failed(),
    onRejected: (points) => telemetryMetrics.refused(points),
    maxBatchPoints: options.outbox?.maxBatchPoints,
    flushIntervalMs: options.outbox?.flushIntervalMs,
    maxRetryDelayMs: options.outbox?.maxRetryDelayMs,
    // The drain reads and deletes outbox rows outside any message group, and only committed ones.
    beforeDbWork: () => pipeline.commit(),
  });
  const outboxMaxPoints = options.outbox?.maxPoints ?? 5_000_000;
  const stallAfterMs = options.outbox?.stallAfterMs ?? 300_000;
  /** When the current stall began, as last written to fleet.db (undefined: none). */
  let stalledSince: number | undefined;
  const outboxHealth = (now: number) => {
    const waitingMs = drain.waitingForMs(now);
    return { waitingMs, stalledSince: waitingMs >= stallAfterMs ? now - waitingMs : undefined };
  };
  /** Writes a stall's start or end to fleet.db (for the dashboard) and the log; nothing while nothing changes. */
  const recordStall = (now: number) => {
    const current = outboxHealth(now).stalledSince;
    if ((current === undefined) === (stalledSince === undefined)) return;
    stalledSince = current;
    pipeline.commit();
    db.setOutboxHealth({ stalledSince: current, points: outbox.depth, lastError: drain.lastError }, now);
    if (current !== undefined) {
      log.error(
        { store: telemetry.kind, pending: outbox.depth, stalledSince: new Date(current).toISOString(), err: drain.lastError },
        `telemetry outbox stalled: the store has taken nothing for ${Math.round((now - current) / 1000)} s; /healthz reports degraded`,
      );
    } else {
      log.warn({ store: telemetry.kind, pending: outbox.depth }, 'telemetry outbox drains again');
    }
  };
  // A stall recorded by an earlier run is not this run's: it is measured again from now.
  db.setOutboxHealth({ stalledSince: undefined, points: outbox.depth, lastError: undefined }, Date.now());

  const mqttOptions: IClientOptions = {
    clientId: 'service:ingestor',
    protocolVersion: 4,
    clean: false, // the broker queues QoS 1 messages while we restart
    reconnectPeriod: 1_000,
    // mqtt.js waits 30 s for a CONNACK by default: moving to the surviving broker node, a CONNECT
    // left unanswered kept the ingestor away that long (test/faults/broker-node-kill, in CI).
    connectTimeout: 10_000,
    // mqtt.js traces every packet it receives and sends through the debug module, formatting
    // arguments even when nobody listens.
    log: options.traceMqtt ? undefined : () => undefined,
    cert: readFileSync(options.tls.cert),
    key: readFileSync(options.tls.key),
    ca: readFileSync(options.tls.ca),
  };
  // Several broker nodes (VIGIL_BROKER_URL with commas): mqtt.js moves to the next at each reconnect.
  const brokerUrls = splitBrokerUrls(options.brokerUrl);
  const servers = mqttServers(brokerUrls);
  client = connect(brokerUrls[0] ?? options.brokerUrl, servers ? { ...mqttOptions, servers } : mqttOptions);
  if (servers) followServerNames(client);
  // mqtt.js sends the PUBACK when `done` is called and hands us no further message before that.
  // A data batch or heartbeat is PUBACKed once applied in the open group, before its COMMIT: the
  // agent deletes a spooled batch only on the end-to-end ack, which leaves after the COMMIT and an
  // fsync, and re-sends what is not acknowledged, so a crash that loses the open group loses
  // nothing (a lost heartbeat is followed by the next). Births and deaths are session control the
  // agent does not spool (a will is published by the broker, once): they are PUBACKed only after
  // the group holding them has committed, so the broker redelivers them if we die first.
  const slice = new TimeSlice();
  client.handleMessage = (packet, done) => {
    // Not even a PUBACK: the broker keeps the message for whichever ingestor holds the right.
    if (options.activeRight && !options.activeRight.valid()) return;
    slice.begin();
    if (packet.cmd === 'publish') {
      try {
        const outcome = pipeline.process(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
        if (outcome === 'applied-commit-first') pipeline.commit();
      } catch (error) {
        log.error({ err: (error as Error).message }, 'unexpected error processing a message');
      }
    }
    // The points of the open group count too: they are in the outbox as soon as it commits.
    if (outbox.depth + outbox.stagedPoints > outboxMaxPoints) {
      // Backpressure: this message is stored, but the next waits (the broker and the agents' spools hold it) until the store catches up.
      pipeline.commit();
      warning.warn(
        'outbox-full',
        { pending: outbox.depth, max: outboxMaxPoints, store: telemetry.kind, err: drain.lastError },
        'telemetry outbox full: holding new messages until the store accepts writes again',
      );
      void waitForOutboxBelow(outboxMaxPoints * 0.9).then(() => done());
      return;
    }
    slice.handOn(() => done());
  };
  const waitForOutboxBelow = async (points: number) => {
    while (outbox.depth > points && !closing) await new Promise((resolve) => setTimeout(resolve, 200));
  };
  client.on('error', (error) => log.warn({ err: error.message }, 'broker connection error'));
  client.on('close', () => {
    subscribedAt = undefined;
    state.stopHearing();
  });

  const ready = new Promise<void>((resolve) => {
    client!.on('connect', () => {
      if (options.activeRight && !options.activeRight.valid()) {
        client!.end(true);
        return;
      }
      log.info({ broker: connectedBroker(client!.options) }, 'ingestor connected');
      client!.subscribe(topics.allRecorderMessages, { qos: 1 }, (error) => {
        if (error) log.error({ err: error.message }, 'subscription refused');
        else {
          subscribedAt = Date.now();
          log.info("subscribed: receiving the fleet's messages");
          // The broker takes connections again (its restart, or ours): the fleet's heartbeat clocks start now.
          state.hearingFrom(subscribedAt);
          resolve();
        }
      });
    });
  });

  // The fleet is promised "unavailable within three heartbeats plus two seconds" of the last one
  // heard; a sweep each second would spend up to a second of those two (test/faults/network-cut).
  const sweeper = setInterval(() => {
    const now = Date.now();
    if (pipeline.sweep(now) > 0) drain.kick();
    recordStall(now);
  }, options.sweepIntervalMs ?? 250);
  let closing = false;
  drain.start();
  const metricsServer = options.metrics ? await startMetricsServer(metrics.registry, options.metrics.port, options.metrics.host, () => health()) : undefined;

  function health(now = Date.now()): IngestorHealth {
    const { waitingMs, stalledSince: since } = outboxHealth(now);
    const reasons: string[] = [];
    if (since !== undefined) {
      reasons.push(
        `telemetry outbox stalled: ${outbox.depth} points have waited ${Math.round(waitingMs / 1000)} s (limit ${Math.round(stallAfterMs / 1000)} s) ` +
          `without the ${telemetry.kind} store taking any${drain.lastError ? `; last error: ${drain.lastError}` : ''}`,
      );
    }
    return {
      role: 'active',
      status: reasons.length > 0 ? 'degraded' : 'ok',
      reasons,
      connected: client?.connected ?? false,
      recorders: state.size,
      outbox: {
        points: outbox.depth,
        waitingSeconds: Math.round(waitingMs / 1000),
        stalledSince: since ?? null,
        stallAfterSeconds: Math.round(stallAfterMs / 1000),
        lastError: drain.lastError ?? null,
      },
    };
  }

  return {
    stats,
    db,
    state,
    metrics,
    ready,
    onStateChange(listener) {
      stateListeners.push(listener);
    },
    onCommit(listener) {
      commitListeners.push(listener);
    },
    telemetry,
    alerting,
    outbox: {
      get depth() {
        return outbox.depth;
      },
      idle: () => drain.idle(),
      get lastError() {
        return drain.lastError;
      },
    },
    health,
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(sweeper);
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.server.close(() => resolve()));
      pipeline.commit();
      ackGate.flush();
      ackGate.close();
      await client?.endAsync();
      // Messages applied while the connection closed: store them (the agents learn of them from the
      // acks of the next session, or re-send them).
      pipeline.commit();
      // What the store has not confirmed within a few seconds stays in the outbox for the next start.
      await drain.stop(5_000);
      await alerting?.close();
      await telemetry.close();
      db.close();
    },
  };
}
