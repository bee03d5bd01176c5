import { vigil } from '@vigil/proto/wire';
import { codeName, severityName } from '../../codes.js';
import type { FleetDb } from '../../registry/fleet-db.js';
import type { FleetState, StateChange } from '../../state/fleet-state.js';
import { DEGRADING_EVENT_SEVERITIES, type ProblemLifetimes } from '../../state/problem-lifetimes.js';
import { clockOffText, isNotable, type ClockOffsetChange } from '../clock-offsets.js';
import type { AgentDrops, PostCommitEffects } from '../effects.js';
import type { FleetTagsCache } from '../fleet-tags.js';
import type { Applied, GroupStage, Timed } from '../message.js';
import { drivePathTag } from '../points.js';
import { UndoableMap, type UndoLog } from '../undo-log.js';

export interface ApplyDeps {
  db: FleetDb;
  state: FleetState;
  tags: FleetTagsCache;
  effects: PostCommitEffects;
  undo: UndoLog;
  /** How long each event code stays an active problem after its last occurrence. */
  lifetimes: ProblemLifetimes;
  /** The state changes FleetState reported while this stage ran (pipeline/build.ts collects them). */
  takeStateChanges(): readonly StateChange[];
}

/** The recorder problem an agent's drops raise (proto Code CODE_AGENT_DROPPED). */
export const AGENT_DROPPED = 'agent-dropped';
/** An agent-dropped problem clears with the first batch after this long without new drops. */
export const AGENT_DROPPED_QUIET_MS = 60 * 60 * 1000;
/** The recorder problem of an agent whose times we correct (proto Code CODE_AGENT_CLOCK_OFF). */
export const AGENT_CLOCK_OFF = 'agent-clock-off';

interface DiscardTotals {
  epoch: string;
  readings: number;
  events: number;
  readingsDiskFull: number;
  eventsDiskFull: number;
}

interface DiscardsSeen extends DiscardTotals {
  /** When the totals last grew (or were first seen). */
  lastNewAt: number;
  /** The raised problem: since when, and how many drops since then. */
  episode: { since: number; readings: number; events: number } | undefined;
}

/**
 * The message's facts into fleet.db (registry row, latest readings, conditions, events) and the
 * fleet state (sessions, heartbeats, deaths, problems). A data batch already stored changes
 * nothing here but "last heard".
 */
export function applyFleetState(deps: ApplyDeps): GroupStage<Timed, Applied> {
  const { db, state, tags, effects } = deps;
  /** The agent's discard counters we have heard of, per recorder (they only grow within a spool). */
  const spoolDiscardsSeen = new UndoableMap<string, DiscardsSeen>(deps.undo);

  /**
   * What an agent dropped becomes the recorder's "agent-dropped" problem (docs/ARCHITECTURE.md
   * "What an agent dropped"): raised when a batch's running totals grow, its message counting the
   * drops since it was raised, and cleared by the first batch that arrives when none were new for
   * AGENT_DROPPED_QUIET_MS. What was heard is kept in fleet.db (recorders.discards_seen), written
   * only when it changes, so an ingestor restart neither raises old drops again nor forgets a raised
   * problem's count.
   */
  const loadDiscardsSeen = (id: string): DiscardsSeen | undefined => {
    const json = db.discardsSeenOf(id);
    return json === undefined ? undefined : (JSON.parse(json) as DiscardsSeen);
  };
  /** In memory always (undoable); in fleet.db only when it changed, which is rare. */
  const rememberDiscards = (id: string, before: DiscardsSeen | undefined, after: DiscardsSeen): void => {
    spoolDiscardsSeen.set(id, after);
    const json = JSON.stringify(after);
    if (before === undefined || JSON.stringify(before) !== json) db.setDiscardsSeen(id, json);
  };
  const noteDiscards = (id: string, batch: vigil.v1.DataBatch, now: number): boolean => {
    const totals: DiscardTotals = {
      epoch: batch.spoolEpoch,
      readings: batch.droppedReadings,
      events: batch.droppedEvents,
      readingsDiskFull: batch.droppedReadingsDiskFull,
      eventsDiskFull: batch.droppedEventsDiskFull,
    };
    const stored = spoolDiscardsSeen.get(id) ?? loadDiscardsSeen(id);
    const seen = stored ?? {
      epoch: totals.epoch,
      readings: 0,
      events: 0,
      readingsDiskFull: 0,
      eventsDiskFull: 0,
      lastNewAt: now,
      episode: undefined,
    };
    // A new spool (a new epoch) counts from zero again.
    const base = seen.epoch === totals.epoch ? seen : { readings: 0, events: 0, readingsDiskFull: 0, eventsDiskFull: 0 };
    const diskFull = {
      readings: Math.max(0, totals.readingsDiskFull - base.readingsDiskFull),
      events: Math.max(0, totals.eventsDiskFull - base.eventsDiskFull),
    };
    const all = { readings: Math.max(0, totals.readings - base.readings), events: Math.max(0, totals.events - base.events) };
    if (all.readings + all.events === 0) {
      const quiet = now - seen.lastNewAt >= AGENT_DROPPED_QUIET_MS;
      rememberDiscards(id, stored, { ...seen, ...totals, episode: quiet ? undefined : seen.episode });
      if (!quiet) return false;
      return db.applyCondition({ recorderId: id, code: AGENT_DROPPED, subject: '', active: false, at: now, severity: 'warning', message: '' });
    }
    const dropped: AgentDrops = {
      spoolFull: { readings: Math.max(0, all.readings - diskFull.readings), events: Math.max(0, all.events - diskFull.events) },
      diskFull,
    };
    effects.spoolOverflowed(id, dropped);
    const episode = seen.episode ?? { since: now, readings: 0, events: 0 };
    const grown = { since: episode.since, readings: episode.readings + all.readings, events: episode.events + all.events };
    rememberDiscards(id, stored, { ...totals, lastNewAt: now, episode: grown });
    return db.applyCondition({
      recorderId: id,
      code: AGENT_DROPPED,
      subject: '',
      active: true,
      at: now,
      severity: 'warning',
      message: `agent dropped ${grown.readings} readings and ${grown.events} events since ${new Date(grown.since).toISOString()}`,
    });
  };

  /**
   * While the recorder's times are corrected it has the problem "agent clock 1 d 0 h ahead; its
   * times are corrected" (warning, degraded): its own recordings carry that clock too. The message
   * follows the correction; the problem clears when the clock is right again.
   */
  const noteClockOffset = (id: string, change: ClockOffsetChange, now: number): boolean => {
    if (isNotable(change)) effects.clockOffsetChanged(id, change);
    const active = change.currentMs !== 0;
    const message = active ? clockOffText(change.currentMs) : '';
    // A step of a second or two usually leaves the text as it was: nothing to tell anyone then.
    if (active && change.previousMs !== 0 && message === clockOffText(change.previousMs)) return false;
    const changed = db.applyCondition({ recorderId: id, code: AGENT_CLOCK_OFF, subject: '', active, at: now, severity: 'warning', message });
    if (changed) state.conditionsChanged(id, db.activeProblemCount(id), now);
    return changed;
  };

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
    conditionsChanged = noteDiscards(id, batch, now) || conditionsChanged;
    for (const e of batch.events as vigil.v1.Event[]) {
      const code = codeName(e.code);
      const outcome = db.recordEvent(
        {
          recorderId: id,
          code,
          subject: e.subject,
          severity: severityName(e.severity),
          message: e.message,
          firstSeen: e.firstSeen || now,
          lastSeen: e.lastSeen || e.firstSeen || now,
          count: Math.max(1, e.count),
        },
        deps.lifetimes.of(code),
        now,
      );
      // A new episode is a new problem (a severe one makes the recorder degraded until it clears);
      // a severe occurrence of a known one may have raised its severity.
      if (outcome === 'raised' || (outcome === 'extended' && DEGRADING_EVENT_SEVERITIES.includes(severityName(e.severity)))) conditionsChanged = true;
    }
    if (conditionsChanged) state.conditionsChanged(id, db.activeProblemCount(id), now);
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
      // Before the birth or heartbeat: the recorder goes straight to degraded, not through online.
      let problemsChanged = message.clockOffsetChange ? noteClockOffset(id, message.clockOffsetChange, now) : false;
      switch (payload.body) {
        case 'birth': {
          const birth = payload.birth as vigil.v1.Birth;
          const inv = (birth.inventory ?? new vigil.v1.Inventory()) as vigil.v1.Inventory;
          const installation = (inv.installation ?? new vigil.v1.Installation()) as vigil.v1.Installation;
          const site = (inv.site ?? new vigil.v1.Site()) as vigil.v1.Site;
          // A birth of an older session (an earlier instance's, arriving late) is no news: its
          // inventory is older than what we hold and its session is over.
          if (state.isStale(id, birth.bdSeq, birth.spoolEpoch)) return { ...message, changes: deps.takeStateChanges(), problemsChanged, staleBirth: true };
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
          if (state.birth(id, birth.bdSeq, birth.heartbeatSeconds, now, birth.spoolEpoch)) db.touch(id, now, envelope.seq);
          break;
        }
        case 'heartbeat': {
          const heartbeat = payload.heartbeat as vigil.v1.Heartbeat;
          if (state.heartbeat(id, heartbeat.bdSeq, now, heartbeat.spoolEpoch)) db.touch(id, now, envelope.seq);
          break;
        }
        case 'death': {
          const death = payload.death as vigil.v1.Death;
          const graceful = death.reason === vigil.v1.DeathReason.DEATH_REASON_GRACEFUL;
          const applied = state.death(id, death.bdSeq, graceful, now, death.spoolEpoch);
          if (!applied) effects.staleDeath(id, death.bdSeq);
          // Last seen is when the recorder itself last reached us: a graceful death is its own
          // message, a will is the broker's (published up to 45 s after the link went silent).
          else if (graceful) db.touch(id, now, envelope.seq);
          break;
        }
        case 'data': {
          // Last seen and the spool position are written together by the acknowledge stage.
          if (message.batch) problemsChanged = applyBatch(id, message.batch, now);
          state.activity(id, now);
          break;
        }
        default:
          throw new Error(`unhandled payload kind for ${message.kind}`);
      }
      return { ...message, changes: deps.takeStateChanges(), problemsChanged, staleBirth: false };
    },
  };
}
