import { vigil } from '@vigil/proto/wire';
import { codeName, severityName } from '../../codes.js';
import type { FleetDb } from '../../registry/fleet-db.js';
import type { FleetState, StateChange } from '../../state/fleet-state.js';
import type { PostCommitEffects } from '../effects.js';
import type { FleetTagsCache } from '../fleet-tags.js';
import type { Applied, Deduplicated, GroupStage } from '../message.js';
import { drivePathTag } from '../points.js';
import { UndoableMap, type UndoLog } from '../undo-log.js';

export interface ApplyDeps {
  db: FleetDb;
  state: FleetState;
  tags: FleetTagsCache;
  effects: PostCommitEffects;
  undo: UndoLog;
  /** The state changes FleetState reported while this stage ran (pipeline/build.ts collects them). */
  takeStateChanges(): readonly StateChange[];
}

/**
 * The message's facts into fleet.db (registry row, latest readings, conditions, events) and the
 * fleet state (sessions, heartbeats, deaths, problems). A data batch already stored changes
 * nothing here but "last heard".
 */
export function applyFleetState(deps: ApplyDeps): GroupStage<Deduplicated, Applied> {
  const { db, state, tags, effects } = deps;
  /** The agent's discard counters we have warned about, per recorder (they only grow within a spool). */
  const spoolDiscardsSeen = new UndoableMap<string, number>(deps.undo);

  const applyBatch = (id: string, batch: vigil.v1.DataBatch, now: number): boolean => {
    for (const d of batch.disks as vigil.v1.DiskReading[]) {
      db.recordDisk({ recorderId: id, path: drivePathTag(d.path), totalBytes: Number(d.totalBytes), freeBytes: Number(d.freeBytes), at: d.at || now });
    }
    for (const s of batch.services as vigil.v1.ServiceReading[]) db.recordService({ recorderId: id, name: s.name, running: s.running, at: s.at || now });
    for (const l of batch.licences as vigil.v1.LicenceReading[]) db.recordLicence(id, l.cameraCount, l.licensedCameras, l.at || now);
    let conditionsChanged = false;
    for (const c of batch.conditions as vigil.v1.Condition[]) {
      conditionsChanged =
        db.applyCondition({
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
    const discarded = batch.droppedReadings + batch.droppedEvents;
    if (discarded > (spoolDiscardsSeen.get(id) ?? 0)) {
      spoolDiscardsSeen.set(id, discarded);
      effects.spoolOverflowed(id, batch.droppedReadings, batch.droppedEvents);
    }
    return conditionsChanged;
  };

  return {
    name: 'apply to fleet state',
    inGroup: true,
    run: (message) => {
      const { recorderId: id, receivedAt: now, envelope } = message;
      const payload = envelope.payload;
      // Whatever an earlier message that threw left behind is not this message's.
      deps.takeStateChanges();
      let problemsChanged = false;
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
          tags.forget(id);
          state.birth(id, birth.bdSeq, birth.heartbeatSeconds, now);
          db.touch(id, now, envelope.seq);
          break;
        }
        case 'heartbeat': {
          const heartbeat = payload.heartbeat as vigil.v1.Heartbeat;
          state.heartbeat(id, heartbeat.bdSeq, now);
          db.touch(id, now, envelope.seq);
          break;
        }
        case 'death': {
          const death = payload.death as vigil.v1.Death;
          const applied = state.death(id, death.bdSeq, death.reason === vigil.v1.DeathReason.DEATH_REASON_GRACEFUL, now);
          if (!applied) effects.staleDeath(id, death.bdSeq);
          db.touch(id, now, envelope.seq);
          break;
        }
        case 'data': {
          // Last seen and the spool position are written together by the acknowledge stage.
          if (!message.duplicate) problemsChanged = applyBatch(id, payload.data as vigil.v1.DataBatch, now);
          state.activity(id, now);
          break;
        }
        default:
          throw new Error(`unhandled payload kind for ${message.kind}`);
      }
      return { ...message, changes: deps.takeStateChanges(), problemsChanged };
    },
  };
}
