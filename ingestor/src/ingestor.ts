import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import { pino, type Logger } from 'pino';
import { EnvelopeError, EnvelopeOpener, type OpenedEnvelope } from '@vigil/proto/envelope';
import { RateLimitedWarning } from '@vigil/proto/rate-limited-warning';
import { soleDataBatchBytes, parseRecorderTopic, topics, vigil, type RecorderTopicKind } from '@vigil/proto/wire';
import { startMetricsServer } from '@vigil/proto/metrics-server';
import { fillPacketLengthCache } from '@vigil/proto/upstream-patches/mqtt-packet-lengths';
import type { TlsIdentityFiles } from '@vigil/proto/pki';
import { FleetDb, type RecorderStateName } from './registry/fleet-db.js';
import { FleetState, type StateChange } from './state/fleet-state.js';
import { codeName, severityName } from './codes.js';
import { AckTracker } from './pipeline/acks.js';
import { AckGate } from './pipeline/ack-gate.js';
import { GroupCommit, groupCommitFromEnv } from './pipeline/group-commit.js';
import { BatchRejected, validateBatch } from './pipeline/validate.js';
import { IngestorMetrics } from './metrics.js';
import { OutboxDrain, TelemetryOutbox } from './pipeline/outbox.js';
import { WorkerOutboxDrain } from './pipeline/worker-outbox-drain.js';
import { drivePathTag, heartbeatPoint, statePoint } from './pipeline/points.js';
import { TelemetryMetrics } from './pipeline/telemetry-metrics.js';
import { SqliteTelemetryStore } from './stores/sqlite/sqlite-telemetry-store.js';
import { InfluxTelemetryStore } from './stores/influx/influx-telemetry-store.js';
import type { DrainStoreConfig } from './pipeline/drain-worker-protocol.js';
import type { FleetTags, TelemetryPoint, TelemetryStore } from './stores/telemetry-store.js';

export interface IngestorOptions {
  brokerUrl: string;
  tls: TlsIdentityFiles;
  /** The envelope private keys (PEM) this ingestor opens data keys with. */
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
     * Write into the store (a file-backed SQLite store, or InfluxDB) from a worker thread, so the
     * main thread only applies messages. Default: true, unless VIGIL_INGESTOR_DRAIN_WORKER=0. Other
     * stores (in memory, or given by a caller) drain on the main thread.
     */
    worker?: boolean;
  };
  /**
   * Group commit on fleet.db: messages share one transaction, committed when it holds `maxMessages`
   * (default 256) or `maxDelayMs` after it opened (default 5 ms), and before a birth's or death's PUBACK.
   * Default: VIGIL_INGESTOR_GROUP_MESSAGES and VIGIL_INGESTOR_GROUP_MS when set.
   */
  groupCommit?: { maxMessages?: number; maxDelayMs?: number };
}

export type DropReason = EnvelopeError['reason'] | 'bad-topic' | 'wrong-payload-kind' | 'oversized-batch' | 'processing-error';

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
  /** Points acknowledged but not yet confirmed by the store, and a promise for when there are none. */
  outbox: { readonly depth: number; idle(): Promise<void>; readonly lastError: string | undefined };
  close(): Promise<void>;
}

const PAYLOAD_FOR_TOPIC: Record<RecorderTopicKind, vigil.v1.Payload['body']> = {
  birth: 'birth',
  hb: 'heartbeat',
  data: 'data',
  death: 'death',
};

const STATUS: Record<RecorderStateName, vigil.v1.RecorderStatus> = {
  online: vigil.v1.RecorderStatus.RECORDER_STATUS_ONLINE,
  degraded: vigil.v1.RecorderStatus.RECORDER_STATUS_DEGRADED,
  unavailable: vigil.v1.RecorderStatus.RECORDER_STATUS_UNAVAILABLE,
  offline: vigil.v1.RecorderStatus.RECORDER_STATUS_OFFLINE,
  stopped: vigil.v1.RecorderStatus.RECORDER_STATUS_STOPPED,
};

/**
 * MQTT consumer: subscribe -> open envelope -> validate -> fleet state -> registry -> ack.
 * Input it cannot use is counted by reason and dropped; nothing a sender does can crash it.
 */
export async function startIngestor(options: IngestorOptions): Promise<RunningIngestor> {
  const log = options.logger ?? pino({ name: 'ingestor' });
  fillPacketLengthCache();
  const stats: IngestorStats = { received: 0, processed: 0, duplicates: 0, historicalBatches: 0, staleDeaths: 0, dropped: {} };
  const dropWarning = new RateLimitedWarning(log, 10_000);
  const db = new FleetDb(options.dbPath);
  const opener = new EnvelopeOpener({ recipientPrivateKeyPems: options.recipientPrivateKeyPems, signingKeyOf: options.signingKeyOf });
  const telemetry = options.telemetry ?? new SqliteTelemetryStore(join(dirname(options.dbPath), 'telemetry.db'));
  const commitListeners: Array<(messages: number) => void> = [];
  const groupSettings = options.groupCommit ?? groupCommitFromEnv(process.env);
  const dropProcessingError = (messages: number) => {
    stats.dropped['processing-error'] = (stats.dropped['processing-error'] ?? 0) + messages;
    metrics.dropped.inc({ reason: 'processing-error' }, messages);
  };
  const group = new GroupCommit(db.db, {
    maxMessages: groupSettings.maxMessages,
    maxDelayMs: groupSettings.maxDelayMs,
    onCommitted: (messages) => {
      outbox.settle(true);
      drain.kick();
      for (const listener of commitListeners) listener(messages);
    },
    onLost: (error, messages) => {
      // Nothing of the group is stored, and memory (fleet state, spool positions) was put back as
      // fleet.db holds it. Its data batches were PUBACKed but not acknowledged end to end, so the
      // agents still hold them and send them again.
      outbox.settle(false);
      fleetTags.clear();
      dropProcessingError(messages);
      log.error({ err: error.message, messages }, 'fleet.db rolled back a message group; the agents will send its data again');
    },
    // A message failed: the group was rolled back and is applied again without it. Tags read back
    // from rows the group wrote may be gone with it.
    onRolledBack: () => fleetTags.clear(),
    onReapplyFailed: (error) => {
      dropProcessingError(1);
      log.error({ err: error.message }, 'a message failed when its group was applied again; its agent will send it again');
    },
    onActionError: (error) => log.error({ err: error.message }, 'unexpected error after a commit'),
  });
  const outbox = new TelemetryOutbox(db.db, group.undo);
  const acks = new AckTracker(db, group.undo);
  const drainSettings = {
    logger: log.child({ telemetry: telemetry.kind }),
    onWritten: (points: number, ms: number) => telemetryMetrics?.wrote(points, ms),
    onFailed: () => telemetryMetrics?.failed(),
    maxBatchPoints: options.outbox?.maxBatchPoints,
    flushIntervalMs: options.outbox?.flushIntervalMs,
    maxRetryDelayMs: options.outbox?.maxRetryDelayMs,
    // The drain reads and deletes outbox rows outside any message group, and only committed ones.
    beforeDbWork: () => group.commit(),
  };
  // The worker opens its own store: a SQLite file, or InfluxDB with the same settings.
  const workerStore: DrainStoreConfig | undefined =
    telemetry instanceof SqliteTelemetryStore && !telemetry.db.memory
      ? { kind: 'sqlite', path: telemetry.db.name }
      : telemetry instanceof InfluxTelemetryStore
        ? { kind: 'influxdb', options: telemetry.settings }
        : undefined;
  const drainInWorker = (options.outbox?.worker ?? process.env.VIGIL_INGESTOR_DRAIN_WORKER !== '0') && workerStore !== undefined && !db.db.memory;
  const onRejected = (points: number) => telemetryMetrics?.refused(points);
  const drain: OutboxDrain | WorkerOutboxDrain =
    drainInWorker && workerStore
      ? new WorkerOutboxDrain({ ...drainSettings, outbox, fleetDbPath: db.db.name, store: workerStore, onRejected })
      : new OutboxDrain({ ...drainSettings, outbox, store: telemetry, onRejected });
  const outboxMaxPoints = options.outbox?.maxPoints ?? 5_000_000;
  let telemetryMetrics: TelemetryMetrics | undefined;
  /** Fleet tags per recorder, from its birth; refreshed when a birth changes them. */
  const fleetTags = new Map<string, FleetTags>();
  const tagsOf = (id: string): FleetTags => {
    let tags = fleetTags.get(id);
    if (!tags) {
      const row = db.recorder(id);
      // The reseller is a dashboard notion (who registered the SLC); the ingestor does not know it.
      tags = { recorder: id, installation: row?.installationSlc ?? '', site: row?.siteId ?? '', reseller: '' };
      fleetTags.set(id, tags);
    }
    return tags;
  };
  const record = (points: readonly TelemetryPoint[]) => outbox.append(points);

  let client: MqttClient | undefined;
  const stateListeners: Array<(change: StateChange) => void> = [];
  const publishState = (change: StateChange) => {
    // In the transaction of the message that caused it, or on its own for the sweeper's changes.
    record([statePoint(tagsOf(change.recorderId), change)]);
    if (!db.db.inTransaction) drain.kick();
    // Nobody outside may see a change before it is committed: inside a message group this waits
    // for the group's COMMIT (changes keep their order); the sweeper's run at once.
    group.later(() => {
      for (const listener of stateListeners) listener(change);
      log.info({ recorderId: change.recorderId, state: change.state, previous: change.previous }, 'recorder state changed');
      announce(change);
    });
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
  const state = new FleetState(db, publishState, Date.now(), {
    undo: group.undo,
    onSiteChange: (change) =>
      log.warn({ installation: change.installationSlc, site: change.siteId, unreachable: change.unreachable }, change.unreachable ? 'site unreachable: every recorder there missed its heartbeats' : 'site reachable again'),
  });
  const metrics = new IngestorMetrics({ recorders: () => state.countsByState(), unreachableSites: () => state.unreachableSiteCount });
  telemetryMetrics = new TelemetryMetrics(metrics.registry, telemetry.kind, () => outbox.depth);
  const ackGate = new AckGate(
    () => db.syncToDisk(),
    (recorderId, ack) => client?.publish(topics.ack(recorderId), Buffer.from(vigil.v1.Ack.encode({ seq: ack.seq, spoolEpoch: ack.epoch }).finish()), { qos: 1 }),
  );
  /** An end-to-end ack goes to the gate (one fsync, then publish) only after the COMMIT of its message's group. */
  const sendAck = (recorderId: string, ack: { epoch: string; seq: number }) => group.later(() => ackGate.add(recorderId, ack));
  const droppedSeen = new Map<string, number>();

  const drop = (reason: DropReason, topic: string, detail: string) => {
    stats.dropped[reason] = (stats.dropped[reason] ?? 0) + 1;
    metrics.dropped.inc({ reason });
    dropWarning.warn(`${reason}:${topic}`, { reason, topic, detail }, 'message dropped');
  };

  const apply = (kind: RecorderTopicKind, opened: OpenedEnvelope, now: number) => {
    const { sender: id, payload } = opened;
    switch (payload.body) {
      case 'birth': {
        const birth = payload.birth as vigil.v1.Birth;
        const inv = (birth.inventory ?? new vigil.v1.Inventory()) as vigil.v1.Inventory;
        const installation = (inv.installation ?? new vigil.v1.Installation()) as vigil.v1.Installation;
        const site = (inv.site ?? new vigil.v1.Site()) as vigil.v1.Site;
        db.recordBirth({
          id,
          name: inv.recorderName || id,
          installationSlc: installation.slc,
          installationName: installation.name,
          siteId: site.id,
          siteName: site.name,
          latitude: site.latitude,
          longitude: site.longitude,
          failoverPartner: inv.failoverPartner,
          agentVersion: birth.agentVersion,
          vmsProduct: inv.vmsProduct,
          vmsVersion: inv.vmsVersion,
          hostname: inv.hostname,
          cameraCount: inv.cameraCount,
          licensedCameras: inv.licensedCameras,
          heartbeatSeconds: birth.heartbeatSeconds || 30,
          bdSeq: birth.bdSeq,
        });
        fleetTags.delete(id);
        state.birth(id, birth.bdSeq, birth.heartbeatSeconds, now);
        if (birth.spoolEpoch) {
          // Tell the agent at once what we hold, in case an earlier ack was lost with its connection.
          sendAck(id, { epoch: birth.spoolEpoch, seq: acks.birth(id, birth.spoolEpoch, birth.ackedThrough) });
        }
        break;
      }
      case 'heartbeat': {
        const heartbeat = payload.heartbeat as vigil.v1.Heartbeat;
        state.heartbeat(id, heartbeat.bdSeq, now);
        record([heartbeatPoint(tagsOf(id), heartbeat, now)]);
        break;
      }
      case 'death': {
        const death = payload.death as vigil.v1.Death;
        const applied = state.death(id, death.bdSeq, death.reason === vigil.v1.DeathReason.DEATH_REASON_GRACEFUL, now);
        if (!applied) {
          group.later(() => {
            stats.staleDeaths++;
            log.info({ recorderId: id, bdSeq: death.bdSeq }, 'ignored a death from an older session');
          });
        }
        break;
      }
      case 'data': {
        const batch = payload.data as vigil.v1.DataBatch;
        const epoch = batch.spoolEpoch;
        // Counted once the group commits: a group that fails applies its messages again.
        if (acks.isDuplicate(id, epoch, opened.seq)) {
          group.later(() => {
            stats.duplicates++;
            metrics.duplicates.inc();
          });
        } else {
          const adjusted = validateBatch(batch, now, (reason) => metrics.adjusted.inc({ reason }));
          if (batch.historical) group.later(() => stats.historicalBatches++);
          // Unchanged by validation, the batch is kept in the outbox as the agent encoded it.
          applyBatch(id, batch, now, adjusted ? undefined : soleDataBatchBytes(opened.plaintext));
          acks.stored(id, epoch, opened.seq, false);
        }
        const position = acks.acked(id);
        sendAck(id, position);
        state.activity(id, now);
        // The spool position (new or not) with last seen: one UPDATE of the recorder's row.
        db.touchWithSpoolPosition(id, now, opened.seq, position.epoch, position.seq);
        return;
      }
      default:
        throw new Error(`unhandled payload kind for ${kind}`);
    }
    db.touch(id, now, opened.seq);
  };

  const applyBatch = (id: string, batch: vigil.v1.DataBatch, now: number, encoded: Buffer | undefined) => {
    outbox.appendBatch(tagsOf(id), batch, now, encoded);
    for (const d of batch.disks as vigil.v1.DiskReading[]) {
      db.recordDisk({ recorderId: id, path: drivePathTag(d.path), totalBytes: Number(d.totalBytes), freeBytes: Number(d.freeBytes), at: d.at || now });
    }
    for (const s of batch.services as vigil.v1.ServiceReading[]) db.recordService({ recorderId: id, name: s.name, running: s.running, at: s.at || now });
    for (const l of batch.licences as vigil.v1.LicenceReading[]) db.recordLicence(id, l.cameraCount, l.licensedCameras, l.at || now);
    let conditionsChanged = false;
    for (const c of batch.conditions as vigil.v1.Condition[]) {
      conditionsChanged = db.applyCondition({
        recorderId: id,
        code: codeName(c.code),
        subject: c.subject,
        active: c.active,
        at: c.at || now,
        severity: severityName(c.severity),
        message: c.message,
      }) || conditionsChanged;
    }
    if (conditionsChanged) state.conditionsChanged(id, db.conditionsOf(id).length, now);
    // A new problem on a recorder whose state stays (already degraded) must still reach open pages.
    if (!batch.historical && (conditionsChanged || batch.events.length > 0)) {
      group.later(() => {
        const current = state.current(id);
        if (current) announce(current);
      });
    }
    for (const e of batch.events as vigil.v1.Event[]) {
      db.recordEvent({
        recorderId: id,
        code: codeName(e.code),
        subject: e.subject,
        severity: severityName(e.severity),
        message: e.message,
        firstSeen: e.firstSeen || now,
        lastSeen: e.lastSeen || e.firstSeen || now,
        count: Math.max(1, e.count),
      });
    }
    const dropped = batch.droppedReadings + batch.droppedEvents;
    if (dropped > (droppedSeen.get(id) ?? 0)) {
      droppedSeen.set(id, dropped);
      dropWarning.warn(`spool-full:${id}`, { recorderId: id, droppedReadings: batch.droppedReadings, droppedEvents: batch.droppedEvents }, "the agent's spool filled up and discarded old observations");
    }
  };

  /** Applies one message in the open group; true when its PUBACK must wait for the group's COMMIT. */
  const processMessage = (topic: string, bytes: Buffer): boolean => {
    stats.received++;
    metrics.received.inc();
    const parsed = parseRecorderTopic(topic);
    if (!parsed) {
      drop('bad-topic', topic, 'not a vigil/v1/rec/{recorderId}/{kind} topic');
      return false;
    }
    let opened: OpenedEnvelope;
    try {
      opened = opener.open(parsed.recorderId, bytes);
    } catch (error) {
      drop(error instanceof EnvelopeError ? error.reason : 'malformed', topic, (error as Error).message);
      return false;
    }
    if (opened.payload.body !== PAYLOAD_FOR_TOPIC[parsed.kind]) {
      drop('wrong-payload-kind', topic, `a ${opened.payload.body ?? 'empty'} payload on a ${parsed.kind} topic`);
      return false;
    }
    const now = Date.now();
    try {
      // In the open group: if it throws, it alone is rolled back, in fleet.db and in memory (its
      // acks, announcements and state publishes never happen); the group's other messages stay.
      group.apply(() => apply(parsed.kind, opened, now));
    } catch (error) {
      // Not acknowledged: the batch stays in the agent's spool, where nothing is lost.
      drop(error instanceof BatchRejected ? error.reason : 'processing-error', topic, (error as Error).message);
      return false;
    }
    stats.processed++;
    metrics.processed.inc();
    return parsed.kind === 'birth' || parsed.kind === 'death';
  };

  const mqttOptions: IClientOptions = {
    clientId: 'service:ingestor',
    protocolVersion: 4,
    clean: false, // the broker queues QoS 1 messages while we restart
    reconnectPeriod: 1_000,
    // mqtt.js traces every packet it receives and sends through the debug module, formatting
    // arguments even when nobody listens; without DEBUG set nobody could read them anyway.
    log: process.env.DEBUG ? undefined : () => undefined,
    cert: readFileSync(options.tls.cert),
    key: readFileSync(options.tls.key),
    ca: readFileSync(options.tls.ca),
  };
  client = connect(options.brokerUrl, mqttOptions);
  // mqtt.js sends the PUBACK when `done` is called and hands us no further message before that.
  // A data batch or heartbeat is PUBACKed once applied in the open group, before its COMMIT: the
  // agent deletes a spooled batch only on the end-to-end ack, which leaves after the COMMIT and an
  // fsync, and re-sends what is not acknowledged, so a crash that loses the open group loses
  // nothing (a lost heartbeat is followed by the next). Births and deaths are session control the
  // agent does not spool (a will is published by the broker, once): they are PUBACKed only after
  // the group holding them has committed, so the broker redelivers them if we die first.
  client.handleMessage = (packet, done) => {
    if (packet.cmd === 'publish') {
      try {
        const control = processMessage(packet.topic, Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload));
        if (control) group.commit();
      } catch (error) {
        log.error({ err: (error as Error).message }, 'unexpected error processing a message');
      }
    }
    // The points of the open group count too: they are in the outbox as soon as it commits.
    if (outbox.depth + outbox.stagedPoints > outboxMaxPoints) {
      // Backpressure: this message is stored, but the next waits (the broker and the agents' spools hold it) until the store catches up.
      group.commit();
      dropWarning.warn('outbox-full', { pending: outbox.depth, max: outboxMaxPoints, store: telemetry.kind, err: drain.lastError }, 'telemetry outbox full: holding new messages until the store accepts writes again');
      void waitForOutboxBelow(outboxMaxPoints * 0.9).then(() => done());
      return;
    }
    done();
  };
  const waitForOutboxBelow = async (points: number) => {
    while (outbox.depth > points && !closing) await new Promise((resolve) => setTimeout(resolve, 200));
  };
  client.on('error', (error) => log.warn({ err: error.message }, 'broker connection error'));

  const ready = new Promise<void>((resolve) => {
    client!.on('connect', () => {
      log.info({ broker: options.brokerUrl }, 'ingestor connected');
      client!.subscribe(topics.allRecorderMessages, { qos: 1 }, (error) => {
        if (error) log.error({ err: error.message }, 'subscription refused');
        else resolve();
      });
    });
  });

  const sweeper = setInterval(() => {
    // Between groups: its changes are written on their own and published at once, never ahead of a COMMIT.
    group.commit();
    state.sweep(Date.now());
  }, options.sweepIntervalMs ?? 1_000);
  let closing = false;
  drain.start();
  const metricsServer = options.metrics
    ? await startMetricsServer(metrics.registry, options.metrics.port, options.metrics.host, () => ({ connected: client?.connected ?? false, recorders: state.size }))
    : undefined;

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
    outbox: {
      get depth() {
        return outbox.depth;
      },
      idle: () => drain.idle(),
      get lastError() {
        return drain.lastError;
      },
    },
    async close() {
      if (closing) return;
      closing = true;
      clearInterval(sweeper);
      if (metricsServer) await new Promise<void>((resolve) => metricsServer.server.close(() => resolve()));
      group.commit();
      ackGate.flush();
      ackGate.close();
      await client?.endAsync();
      // Messages applied while the connection closed: store them (the agents learn of them from the
      // acks of the next session, or re-send them).
      group.commit();
      // What the store has not confirmed within a few seconds stays in the outbox for the next start.
      await drain.stop(5_000);
      await telemetry.close();
      db.close();
    },
  };
}
