import { Counter, Gauge, Registry } from 'prom-client';

/** Prometheus metrics of one broker (its own registry, so several brokers can share a process in tests). */
export class BrokerMetrics {
  readonly registry = new Registry();
  readonly connections = new Gauge({ name: 'vigil_broker_connections', help: 'Connected MQTT clients', registers: [this.registry] });
  readonly messagesIn = new Counter({ name: 'vigil_broker_messages_in_total', help: 'PUBLISH packets accepted from clients', registers: [this.registry] });
  readonly messagesOut = new Counter({ name: 'vigil_broker_messages_out_total', help: 'PUBLISH packets delivered to subscribers', registers: [this.registry] });
  readonly drops = new Counter({ name: 'vigil_broker_drops_total', help: 'Packets acknowledged and dropped, by reason', labelNames: ['reason'], registers: [this.registry] });
  readonly refused = new Counter({ name: 'vigil_broker_connections_refused_total', help: 'Connections refused or closed by the broker, by reason', labelNames: ['reason'], registers: [this.registry] });
  readonly queued: Gauge;

  constructor(queueDepth: () => number = () => 0) {
    this.queued = new Gauge({
      name: 'vigil_broker_queue_depth',
      help: 'QoS 1 messages queued or in flight for persistent sessions (the ingestor)',
      registers: [this.registry],
      collect() {
        this.set(queueDepth());
      },
    });
  }
}
