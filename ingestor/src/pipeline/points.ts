import { vigil } from '@vigil/proto/wire';
import { codeName, severityName } from '../codes.js';
import type { RecorderStateName } from '../registry/fleet-db.js';
import type { StateChange } from '../state/fleet-state.js';
import type { FleetTags, TelemetryPoint } from '../stores/telemetry-store.js';
import { MAX_FUTURE_SKEW_MS } from './validate.js';

/**
 * The time-series schema (docs/DATA.md): what each message becomes in the TelemetryStore.
 * Every point carries the fleet tags; its time is when the agent observed it.
 */

/** Numbers for Grafana's state timeline (same as RecorderStatus on the wire). */
export const STATE_NUMBER: Record<RecorderStateName, number> = { online: 1, degraded: 2, unavailable: 3, offline: 4, stopped: 5 };

/**
 * A drive as a tag value: without trailing backslashes, because InfluxDB's line protocol cannot
 * end a tag value with one (`E:\` is stored as `E:`). Both stores get the same value, and so do
 * the latest readings in fleet.db, so a reader can use one for the other.
 */
export function drivePathTag(path: string): string {
  const trimmed = path.replace(/\\+$/, '');
  return trimmed === '' ? path.replace(/\\/g, '/') : trimmed;
}

/** Percent with two decimals: enough for a chart, and shorter to store. */
function percent(part: number, whole: number): number {
  return whole > 0 ? Math.round((10_000 * part) / whole) / 100 : 0;
}

/** Conditions with a measurement of their own, besides the event stream. */
const CAMERA_UNREACHABLE = codeName(vigil.v1.Code.CODE_CAMERA_UNREACHABLE);

export function batchPoints(tags: FleetTags, batch: vigil.v1.DataBatch, now: number): TelemetryPoint[] {
  const points: TelemetryPoint[] = [];
  const historical = batch.historical;
  for (const d of batch.disks as vigil.v1.DiskReading[]) {
    const total = Number(d.totalBytes);
    const free = Number(d.freeBytes);
    points.push({
      measurement: 'disk',
      tags: { ...tags, path: drivePathTag(d.path) },
      fields: { total_bytes: total, free_bytes: free, used_percent: percent(total - free, total) },
      time: d.at || now,
    });
  }
  for (const s of batch.services as vigil.v1.ServiceReading[]) {
    points.push({ measurement: 'service', tags: { ...tags, service: s.name }, fields: { running: s.running }, time: s.at || now });
  }
  for (const l of batch.licences as vigil.v1.LicenceReading[]) {
    points.push({
      measurement: 'licence',
      tags: { ...tags },
      fields: { camera_count: l.cameraCount, licensed_cameras: l.licensedCameras, unlicensed_cameras: Math.max(0, l.cameraCount - l.licensedCameras) },
      time: l.at || now,
    });
  }
  for (const c of batch.conditions as vigil.v1.Condition[]) {
    const code = codeName(c.code);
    const time = c.at || now;
    points.push({
      measurement: 'event',
      tags: { ...tags, kind: 'condition', code, subject: c.subject },
      fields: { active: c.active, severity: severityName(c.severity), message: c.message, historical },
      time,
    });
    if (code === CAMERA_UNREACHABLE) {
      points.push({ measurement: 'camera', tags: { ...tags, camera: c.subject }, fields: { reachable: !c.active }, time });
    }
  }
  for (const e of batch.events as vigil.v1.Event[]) {
    const firstSeen = e.firstSeen || now;
    points.push({
      measurement: 'event',
      tags: { ...tags, kind: 'event', code: codeName(e.code), subject: e.subject },
      fields: { count: Math.max(1, e.count), last_seen: e.lastSeen || firstSeen, severity: severityName(e.severity), message: e.message, historical },
      time: firstSeen,
    });
  }
  return points;
}

/** How many points batchPoints() makes of a batch, without making them. */
export function batchPointCount(batch: vigil.v1.DataBatch): number {
  let cameras = 0;
  for (const c of batch.conditions as vigil.v1.Condition[]) if (codeName(c.code) === CAMERA_UNREACHABLE) cameras++;
  return batch.disks.length + batch.services.length + batch.licences.length + batch.conditions.length + cameras + batch.events.length;
}

/**
 * A heartbeat at the agent's send time shifted by its clock offset (`clockOffsetMs`, 0 within
 * tolerance), unless that is still clearly wrong (then ours).
 */
export function heartbeatPoint(tags: FleetTags, heartbeat: vigil.v1.Heartbeat, now: number, clockOffsetMs = 0): TelemetryPoint {
  const sentAt = Number(heartbeat.sentAt) > 0 ? Number(heartbeat.sentAt) + clockOffsetMs : 0;
  const time = sentAt > 0 && sentAt <= now + MAX_FUTURE_SKEW_MS && sentAt >= now - 7 * 24 * 3_600_000 ? sentAt : now;
  return { measurement: 'heartbeat', tags: { ...tags }, fields: { bd_seq: Number(heartbeat.bdSeq) }, time };
}

export function statePoint(tags: FleetTags, change: StateChange): TelemetryPoint {
  return {
    measurement: 'state',
    tags: { ...tags },
    fields: { state: change.state, status: STATE_NUMBER[change.state], problems: change.activeProblems },
    time: change.since,
  };
}
