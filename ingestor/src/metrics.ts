import { Counter, Gauge, Registry } from 'prom-client';
import { RECORDER_STATES, type RecorderStateName } from './registry/fleet-db.js';

export interface FleetCounts {
  recorders(): Record<RecorderStateName, number>;
  unreachableSites(): number;
}

/** Prometheus metrics of one ingestor (its own registry, so several can share a process in tests). */
export class IngestorMetrics {
  readonly registry = new Registry();
  readonly received = new Counter({ name: 'vigil_ingestor_messages_received_total', help: 'Messages received from the broker', registers: [this.registry] });
  readonly processed = new Counter({ name: 'vigil_ingestor_messages_processed_total', help: 'Messages applied and committed', registers: [this.registry] });
  readonly dropped = new Counter({
    name: 'vigil_ingestor_messages_dropped_total',
    help: 'Messages counted and dropped, by reason (bad topic, envelope refusals, malformed, oversized, ...)',
    labelNames: ['reason'],
    registers: [this.registry],
  });
  readonly duplicates = new Counter({
    name: 'vigil_ingestor_duplicate_batches_total',
    help: 'Data batches received again and not applied twice',
    registers: [this.registry],
  });
  readonly agentDropped = new Counter({
    name: 'vigil_ingestor_agent_dropped_observations_total',
    help: 'Observations agents reported dropping from their spools, by reason (spool-full, disk-full) and kind (reading, event)',
    labelNames: ['reason', 'kind'],
    registers: [this.registry],
  });
  readonly adjusted = new Counter({
    name: 'vigil_ingestor_observations_adjusted_total',
    help: "Observations of stored batches whose times are not the agent's, by reason: clock-offset (shifted by the agent's clock offset, once per observation), future-timestamp (a time moved to the receive time, once per time), past-timestamp (left out as older than any retention)",
    labelNames: ['reason'],
    registers: [this.registry],
  });

  constructor(fleet: FleetCounts) {
    new Gauge({
      name: 'vigil_ingestor_recorders',
      help: 'Recorders by state',
      labelNames: ['state'],
      registers: [this.registry],
      collect() {
        const counts = fleet.recorders();
        for (const state of RECORDER_STATES) this.set({ state }, counts[state]);
      },
    });
    new Gauge({
      name: 'vigil_ingestor_sites_unreachable',
      help: 'Sites whose every recorder went unavailable within one window',
      registers: [this.registry],
      collect() {
        this.set(fleet.unreachableSites());
      },
    });
  }
}
