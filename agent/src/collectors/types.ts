/**
 * The one small interface every collector implements (Telegraf-style: one folder per input, with
 * its own config schema, sample config and tests). Collectors emit typed observations into a
 * sink; the agent spools them durably and ships them. Collectors never talk to MQTT.
 */

/** Seed-list codes as the agent speaks them; the spool maps them onto vigil.v1.Code. */
export type ProblemCode =
  | 'camera-unreachable'
  | 'drive-full'
  | 'drive-filling'
  | 'media-db-write-failure'
  | 'licence-overrun'
  | 'archive-delete-failed'
  | 'file-delete-failed'
  | 'archive-fatal-error'
  | 'archive-operation-failed'
  | 'archive-move-failed'
  | 'service-stopped';

export type Severity = 'info' | 'warning' | 'error' | 'critical';

/** A condition is raised and later cleared; emit only on a change. */
export interface ConditionChange {
  kind: 'condition';
  code: ProblemCode;
  /** What it is about: camera name, drive path, service name; '' when the recorder itself. */
  subject: string;
  active: boolean;
  /** When it was observed (ms since epoch), not when it is sent. */
  at: number;
  severity: Severity;
  message: string;
  attributes?: Record<string, string>;
}

/** An event happens; identical ones within a window are folded into one with a count. */
export interface EventOccurrence {
  kind: 'event';
  code: ProblemCode;
  subject: string;
  firstSeen: number;
  lastSeen: number;
  count: number;
  severity: Severity;
  message: string;
  attributes?: Record<string, string>;
}

export interface DiskReading {
  kind: 'disk';
  path: string;
  at: number;
  totalBytes: number;
  freeBytes: number;
}

export interface ServiceReading {
  kind: 'service';
  name: string;
  at: number;
  running: boolean;
}

export interface LicenceReading {
  kind: 'licence';
  at: number;
  cameraCount: number;
  licensedCameras: number;
}

export type Observation = ConditionChange | EventOccurrence | DiskReading | ServiceReading | LicenceReading;

export interface CollectorSink {
  emit(observation: Observation): void;
}

/** What `vigil agent check` prints for a collector: what it sees right now, without connecting. */
export interface CheckReport {
  collector: string;
  ok: boolean;
  lines: string[];
}

/** Facts a collector contributes to the birth inventory. */
export interface InventoryFacts {
  services?: string[];
  drives?: string[];
  cameraCount?: number;
  licensedCameras?: number;
}

export interface Collector {
  readonly name: string;
  /** Begin observing; emit into the sink until stop() resolves. */
  start(sink: CollectorSink): Promise<void>;
  stop(): Promise<void>;
  /** One look, no side effects on saved state; used by `vigil agent check`. */
  check(): Promise<CheckReport>;
  inventory?(): InventoryFacts;
}

/** Injected clock so tests (and the demo) control time. */
export type Clock = () => number;
