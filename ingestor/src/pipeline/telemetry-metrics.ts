import { Counter, Gauge, Histogram, type Registry } from 'prom-client';

/** Prometheus metrics of the path from the outbox to the TelemetryStore, on the ingestor's registry. */
export class TelemetryMetrics {
  readonly written: Counter;
  readonly writeFailures: Counter;
  readonly rejected: Counter;
  readonly batchPoints: Histogram;
  readonly writeSeconds: Histogram;

  constructor(registry: Registry, store: string, outboxDepth: () => number) {
    const labels = { store };
    this.written = new Counter({
      name: 'vigil_ingestor_telemetry_points_written_total',
      help: 'Points the time-series store confirmed',
      labelNames: ['store'],
      registers: [registry],
    });
    this.writeFailures = new Counter({
      name: 'vigil_ingestor_telemetry_write_failures_total',
      help: 'Store writes that failed and will be retried',
      labelNames: ['store'],
      registers: [registry],
    });
    this.rejected = new Counter({
      name: 'vigil_ingestor_telemetry_points_rejected_total',
      help: 'Points the store refused as invalid, kept in telemetry_rejected in fleet.db',
      labelNames: ['store'],
      registers: [registry],
    });
    this.batchPoints = new Histogram({
      name: 'vigil_ingestor_telemetry_batch_points',
      help: 'Points per store write (grows with load)',
      labelNames: ['store'],
      buckets: [1, 10, 100, 1_000, 5_000, 20_000],
      registers: [registry],
    });
    this.writeSeconds = new Histogram({
      name: 'vigil_ingestor_telemetry_write_seconds',
      help: 'Time for the store to confirm a write',
      labelNames: ['store'],
      buckets: [0.001, 0.005, 0.02, 0.1, 0.5, 2, 10],
      registers: [registry],
    });
    new Gauge({
      name: 'vigil_ingestor_telemetry_outbox_points',
      help: 'Points acknowledged but not yet confirmed by the time-series store (fleet.db outbox)',
      labelNames: ['store'],
      registers: [registry],
      collect() {
        this.set(labels, outboxDepth());
      },
    });
    for (const metric of [this.written, this.writeFailures, this.rejected]) metric.inc(labels, 0);
    this.labels = labels;
  }

  private readonly labels: { store: string };

  wrote(points: number, ms: number): void {
    this.written.inc(this.labels, points);
    this.batchPoints.observe(this.labels, points);
    this.writeSeconds.observe(this.labels, ms / 1000);
  }

  failed(): void {
    this.writeFailures.inc(this.labels);
  }

  refused(points: number): void {
    this.rejected.inc(this.labels, points);
  }
}
