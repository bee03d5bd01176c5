import { vigil } from '@vigil/proto/wire';
import type { Observation, ProblemCode, Severity } from '../collectors/types.js';

const enumValue = <T extends Record<string, number | string>>(table: T, prefix: string, name: string): number => {
  const value = table[`${prefix}${name.toUpperCase().replaceAll('-', '_')}` as keyof T];
  return typeof value === 'number' ? value : 0;
};

export const codeNumber = (code: ProblemCode): number => enumValue(vigil.v1.Code, 'CODE_', code);
export const severityNumber = (severity: Severity): number => enumValue(vigil.v1.Severity, 'SEVERITY_', severity);

/** Builds the wire batch from spooled observations; the same entries always give the same batch. */
export function toDataBatch(
  observations: Observation[],
  historical: boolean,
  spool: { epoch: string; droppedReadings: number; droppedEvents: number; droppedReadingsDiskFull?: number; droppedEventsDiskFull?: number },
): vigil.v1.IDataBatch {
  const batch = {
    historical,
    conditions: [] as vigil.v1.ICondition[],
    events: [] as vigil.v1.IEvent[],
    disks: [] as vigil.v1.IDiskReading[],
    services: [] as vigil.v1.IServiceReading[],
    licences: [] as vigil.v1.ILicenceReading[],
    droppedReadings: spool.droppedReadings,
    droppedEvents: spool.droppedEvents,
    droppedReadingsDiskFull: spool.droppedReadingsDiskFull ?? 0,
    droppedEventsDiskFull: spool.droppedEventsDiskFull ?? 0,
    spoolEpoch: spool.epoch,
  };
  for (const o of observations) {
    switch (o.kind) {
      case 'condition':
        batch.conditions.push({
          code: codeNumber(o.code),
          subject: o.subject,
          active: o.active,
          at: o.at,
          severity: severityNumber(o.severity),
          message: o.message,
          attributes: o.attributes ?? {},
        });
        break;
      case 'event':
        batch.events.push({
          code: codeNumber(o.code),
          subject: o.subject,
          firstSeen: o.firstSeen,
          lastSeen: o.lastSeen,
          count: o.count,
          severity: severityNumber(o.severity),
          message: o.message,
          attributes: o.attributes ?? {},
        });
        break;
      case 'disk':
        batch.disks.push({ path: o.path, at: o.at, totalBytes: o.totalBytes, freeBytes: o.freeBytes });
        break;
      case 'service':
        batch.services.push({ name: o.name, at: o.at, running: o.running });
        break;
      case 'licence':
        batch.licences.push({ at: o.at, cameraCount: o.cameraCount, licensedCameras: o.licensedCameras });
        break;
    }
  }
  return batch;
}
