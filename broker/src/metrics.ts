import { Counter, Gauge, Registry } from 'prom-client';

/** What the broker counts itself, read when /metrics is scraped. */
export interface BrokerCounts {
  /** QoS 1 messages queued or in flight for persistent sessions. */
  queueDepth(): number;
  messagesIn(): number;
  messagesOut(): number;
}

/**
 * A Prometheus counter that follows a plain number, caught up at scrape time. For counts bumped
 * on every message: prom-client's inc() allocates two objects per call.
 */
function followingCounter(registry: Registry, name: string, help: string, read: () => number): Counter {
  let reported = 0;
  return new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      const now = read();
      if (now > reported) this.inc(now - reported);
      reported = now;
    },
  });
}

/** Prometheus metrics of one broker (its own registry, so several brokers can share a process in tests). */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({ name: 'vigil_broker_connections', help: 'Connected MQTT clients', registers: [this.registry] });
  readonly messagesIn: Counter;
  readonly messagesOut: Counter;
  readonly drops = new Counter({
    name: 'vigil_broker_drops_total',
    help: 'Packets acknowledged and dropped, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly refused = new Counter({
    name: 'vigil_broker_connections_refused_total',
    help: 'Connections refused or closed by the broker, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly enrollmentRefused = new Counter({
    name: 'vigil_broker_enrollment_refused_total',
    help: 'Requests to the enrolment endpoint refused, by reason',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly enrollments = new Counter({
    name: 'vigil_broker_enrollments_total',
    help: 'Recorders enrolled with a one-time token',
    registers: [this.registry],
  });
  readonly renewals = new Counter({
    name: 'vigil_broker_renewals_total',
    help: 'Recorder certificates renewed (POST /renew)',
    registers: [this.registry],
  });
  readonly queued: Gauge;

  constructor(counts: BrokerCounts = { queueDepth: () => 0, messagesIn: () => 0, messagesOut: () => 0 }) {
    this.messagesIn = followingCounter(this.registry, 'vigil_broker_messages_in_total', 'PUBLISH packets accepted from clients', counts.messagesIn);
    this.messagesOut = followingCounter(this.registry, 'vigil_broker_messages_out_total', 'PUBLISH packets delivered to subscribers', counts.messagesOut);
    this.queued = new Gauge({
      name: 'vigil_broker_queue_depth',
      help: 'QoS 1 messages queued or in flight for persistent sessions (the ingestor)',
      registers: [this.registry],
      collect() {
        this.set(counts.queueDepth());
      },
    });
  }
}
