import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
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

/** /healthz and /metrics on their own port, loopback by default: operators scrape it, devices never see it. */
export async function startMetricsServer(metrics: BrokerMetrics, port: number, host: string, health: () => Record<string, unknown>): Promise<{ port: number; server: Server }> {
  const server = createServer((req, res) => {
    if (req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', ...health() }));
      return;
    }
    if (req.url === '/metrics') {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        },
        () => {
          res.writeHead(500);
          res.end();
        },
      );
      return;
    }
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('try /healthz or /metrics\n');
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, server };
}
