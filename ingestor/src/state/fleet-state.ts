import type { FleetDb, RecorderStateName } from '../registry/fleet-db.js';
import { UndoableIndex, UndoableMap, UndoableSet, UndoLog } from '../pipeline/undo-log.js';

export interface StateChange {
  recorderId: string;
  state: RecorderStateName;
  previous: RecorderStateName | undefined;
  since: number;
  lastSeen: number | null;
  activeProblems: number;
}

/** A site became unreachable as a whole (`unreachable`), or one of its recorders was heard again. */
export interface SiteChange {
  installationSlc: string;
  siteId: string;
  unreachable: boolean;
  at: number;
}

export interface FleetStateSnapshot {
  recorders: Record<
    string,
    {
      state: RecorderStateName;
      since: number;
      bdSeq: number;
      epoch: string;
      earlierEpochs: readonly string[];
      heartbeatSeconds: number;
      activeProblems: number;
      site: string;
      lastSeen: number | null;
    }
  >;
  /** Recorder ids by `installationSlc/siteId`. */
  sites: Record<string, string[]>;
  unreachableSites: string[];
}

export interface FleetStateOptions {
  onSiteChange?: (change: SiteChange) => void;
  /** Recorders of one site that all went unavailable within this window make the site unreachable. */
  siteWindowMs?: number;
  /**
   * Where changes made inside a message group record how to undo them (the group's `undo`). Every
   * cache here is an UndoableMap/UndoableSet on it, so no change escapes the log.
   */
  undo?: UndoLog;
}

/**
 * One session of a recorder's agent: the spool epoch names the agent instance (a new one when its
 * data directory is new, e.g. after a reinstall, and then bdSeq starts at 1 again), bdSeq the
 * session within it. '' when the message does not say (agents older than the field).
 */
export interface SessionId {
  bdSeq: number;
  epoch: string;
}

interface Runtime {
  /** `installationSlc/siteId`, or '' when the recorder has not said which site it is at. */
  site: string;
  /**
   * A last will of the current session waiting out its grace: a message of a newer session (the
   * birth after a takeover or quick reconnect) cancels it.
   */
  pendingWill?: { at: number };
  state: RecorderStateName;
  since: number;
  /** The current session. */
  bdSeq: number;
  epoch: string;
  /** Epochs of earlier agent instances of this recorder, newest first: their messages are stale. */
  earlierEpochs: readonly string[];
  /**
   * Where its heartbeat clock runs from, on our clock (agents' clocks may be wrong): when we last
   * heard it, or later (our restart), never earlier.
   */
  lastHeard: number;
  /**
   * When the recorder itself last reached us (fleet.db last_seen): what it sent, never a will the
   * broker published for it nor our own restart.
   */
  lastSeen: number | null;
  heartbeatSeconds: number;
  activeConditions: number;
}

/**
 * A heartbeat counts as missed once its interval has passed plus this slack for network jitter.
 * The promise is "unavailable within three heartbeats plus two seconds"; the sweep's period (250 ms)
 * and the commit that records the change take the rest of those two seconds.
 */
const GRACE_MS = 1_500;
export const MISSED_HEARTBEATS_FOR_UNAVAILABLE = 3;
/**
 * On a session takeover the broker publishes the old connection's will before the new session's
 * birth can arrive; holding a will this long lets that birth cancel it instead of showing a
 * recorder offline for a moment.
 */
export const WILL_GRACE_MS = 1_500;
/**
 * Recorders of one site detect the same outage up to a heartbeat interval apart (each misses its
 * own third heartbeat); three minutes covers the default 30 s interval with room to spare, while two
 * unrelated failures minutes apart are still told apart.
 */
export const SITE_WINDOW_MS = 180_000;
/** How many earlier agent instances of one recorder are remembered (reinstalls are rare). */
export const EARLIER_EPOCHS_KEPT = 8;

const siteKey = (row: { installationSlc: string; siteId: string }) => (row.siteId ? `${row.installationSlc}/${row.siteId}` : '');

/**
 * The live state of every recorder (docs/DESIGN.md "Fleet state"):
 * online / degraded while it talks to us, unavailable after 3 missed heartbeats, offline on its
 * last will, stopped on a graceful death. Every message names its session (spool epoch, bdSeq):
 * one of an older session is ignored, so a late will from an old connection never marks a new
 * session offline, and one of a newer session (a new agent instance: whatever its bdSeq) is
 * adopted, so a reinstalled agent comes back.
 */
export class FleetState {
  /** Replaced, never changed in place: `changing()` hands out the copy a message may change. */
  private readonly recorders: UndoableMap<string, Runtime>;
  /** Sites currently unreachable as a whole, by site key. */
  private readonly unreachableSites: UndoableSet<string>;
  /** Recorder ids by site key, so correlation looks at one site, not the fleet. */
  private readonly sites: UndoableIndex<string, string>;
  private readonly siteWindowMs: number;
  /**
   * No heartbeat clock runs from earlier than this: our start, or the moment we last reached the
   * broker again. What we could not hear while we or the broker were down is not the recorders' fault.
   */
  private clocksFrom: number;
  /** False while we cannot hear the fleet (no subscription): nobody goes unavailable then. */
  private hearing = true;

  constructor(
    private readonly db: FleetDb,
    private readonly onChange: (change: StateChange) => void,
    now = Date.now(),
    private readonly options: FleetStateOptions = {},
  ) {
    this.siteWindowMs = options.siteWindowMs ?? SITE_WINDOW_MS;
    this.clocksFrom = now;
    const undo = options.undo ?? new UndoLog();
    this.recorders = new UndoableMap(undo);
    this.unreachableSites = new UndoableSet(undo);
    this.sites = new UndoableIndex(undo);
    for (const site of db.unreachableSites()) this.unreachableSites.add(siteKey(site));
    // Active conditions and severe events in their lifetime: what makes a recorder degraded.
    const conditionCounts = db.activeProblemCounts();
    for (const row of db.recorders()) {
      const runtime: Runtime = {
        site: '',
        state: row.state,
        since: row.stateSince,
        bdSeq: row.bdSeq,
        epoch: row.sessionEpoch,
        earlierEpochs: parseEpochs(row.earlierEpochs),
        // Restart heartbeat clocks: our own downtime is not the recorders' fault.
        lastHeard: now,
        lastSeen: row.lastSeen,
        heartbeatSeconds: row.heartbeatSeconds,
        activeConditions: conditionCounts.get(row.id) ?? 0,
      };
      this.recorders.set(row.id, runtime);
      this.placeAt(row.id, runtime, siteKey(row));
    }
  }

  get size(): number {
    return this.recorders.size;
  }

  countsByState(): Record<RecorderStateName, number> {
    const counts: Record<RecorderStateName, number> = { online: 0, degraded: 0, unavailable: 0, offline: 0, stopped: 0 };
    for (const runtime of this.recorders.values()) counts[runtime.state]++;
    return counts;
  }

  get unreachableSiteCount(): number {
    return this.unreachableSites.size;
  }

  /** The recorder's state as it stands, in the shape of a change (previous = current). */
  current(recorderId: string): StateChange | undefined {
    const runtime = this.recorders.get(recorderId);
    if (!runtime) return undefined;
    return {
      recorderId,
      state: runtime.state,
      previous: runtime.state,
      since: runtime.since,
      lastSeen: runtime.lastSeen,
      activeProblems: runtime.activeConditions,
    };
  }

  /**
   * What this state holds that fleet.db holds too, in a plain shape: a rollback must leave it equal
   * to a FleetState freshly loaded from the database (tests compare the two).
   */
  snapshot(): FleetStateSnapshot {
    const recorders: FleetStateSnapshot['recorders'] = {};
    for (const [id, runtime] of this.recorders) {
      recorders[id] = {
        state: runtime.state,
        since: runtime.since,
        bdSeq: runtime.bdSeq,
        epoch: runtime.epoch,
        earlierEpochs: runtime.earlierEpochs,
        heartbeatSeconds: runtime.heartbeatSeconds,
        activeProblems: runtime.activeConditions,
        site: runtime.site,
        lastSeen: runtime.lastSeen,
      };
    }
    const sites: FleetStateSnapshot['sites'] = {};
    for (const [site, members] of this.sites) sites[site] = [...members].sort();
    return { recorders, sites, unreachableSites: [...this.unreachableSites].sort() };
  }

  stateOf(recorderId: string): RecorderStateName | undefined {
    return this.recorders.get(recorderId)?.state;
  }

  /** Whether a message of this session says nothing about the recorder now (an older session's). */
  isStale(recorderId: string, bdSeq: number, epoch = ''): boolean {
    const runtime = this.recorders.get(recorderId);
    return runtime !== undefined && judge(runtime, { bdSeq, epoch }) === 'older';
  }

  /** False for a stale birth (an older session's, arriving late): nothing changes. */
  birth(recorderId: string, bdSeq: number, heartbeatSeconds: number, now: number, epoch = ''): boolean {
    const runtime = this.changing(recorderId, now);
    if (!this.follow(recorderId, runtime, { bdSeq, epoch })) return false;
    runtime.heartbeatSeconds = heartbeatSeconds > 0 ? heartbeatSeconds : runtime.heartbeatSeconds;
    // The birth may have moved it to another site or given it another failover partner.
    const row = this.db.recorder(recorderId);
    if (row) this.placeAt(recorderId, runtime, siteKey(row));
    this.db.refreshCover(recorderId);
    this.heard(recorderId, runtime, now);
    return true;
  }

  /**
   * False for a heartbeat of an older session: it says nothing about the current one. One of a
   * newer session means we missed its birth (it predates us, or came while we were away): adopted.
   */
  heartbeat(recorderId: string, bdSeq: number, now: number, epoch = ''): boolean {
    const runtime = this.changing(recorderId, now);
    if (!this.follow(recorderId, runtime, { bdSeq, epoch })) return false;
    this.heard(recorderId, runtime, now);
    return true;
  }

  /** Any other message (data) proves the recorder is alive too. */
  activity(recorderId: string, now: number): void {
    const runtime = this.changing(recorderId, now);
    if (runtime.state === 'offline' || runtime.state === 'stopped') {
      runtime.lastSeen = now; // it did reach us (a batch held for us, say), but only a birth reopens it
      return;
    }
    this.heard(recorderId, runtime, now);
  }

  /**
   * False, ignored: the death of an older session (a will published after the agent came back), and
   * the will of a session we never heard a word of. A will is registered at CONNECT, so a connection
   * attempt that fails before its birth (the CONNACK late under a reconnect storm, the agent giving
   * up and trying the next broker node) has its will published although that session never began:
   * it says nothing about the recorder, whose own silence the heartbeat clock judges.
   */
  death(recorderId: string, bdSeq: number, graceful: boolean, now: number, epoch = ''): boolean {
    const known = this.recorders.get(recorderId);
    if (!graceful && known !== undefined && judge(known, { bdSeq, epoch }) === 'newer') return false;
    const runtime = this.changing(recorderId, now);
    if (!this.follow(recorderId, runtime, { bdSeq, epoch })) return false;
    if (graceful) {
      delete runtime.pendingWill;
      runtime.lastSeen = now; // its own last word; a will is the broker's, so it leaves last seen alone
      this.transition(recorderId, runtime, 'stopped', now);
    } else {
      runtime.pendingWill = { at: now };
    }
    return true;
  }

  /**
   * Where a message's session stands: false for an older one (the message is stale). A newer one
   * becomes the current session, and a will of the one before it no longer applies.
   */
  private follow(recorderId: string, runtime: Runtime, session: SessionId): boolean {
    const verdict = judge(runtime, session);
    if (verdict === 'older') return false;
    if (verdict === 'same') return true;
    if (session.epoch && session.epoch !== runtime.epoch) {
      if (runtime.epoch) runtime.earlierEpochs = [runtime.epoch, ...runtime.earlierEpochs].slice(0, EARLIER_EPOCHS_KEPT);
      runtime.epoch = session.epoch;
    }
    runtime.bdSeq = session.bdSeq;
    delete runtime.pendingWill;
    this.db.setSession(recorderId, runtime.bdSeq, runtime.epoch, runtime.earlierEpochs);
    return true;
  }

  /** `activeConditions`: its problems that make it degraded, conditions and severe events alike (FleetDb.activeProblemCount). */
  conditionsChanged(recorderId: string, activeConditions: number, now: number): void {
    const runtime = this.changing(recorderId, now);
    runtime.activeConditions = activeConditions;
    if (runtime.state === 'online' || runtime.state === 'degraded') {
      this.transition(recorderId, runtime, activeConditions > 0 ? 'degraded' : 'online', now);
    }
  }

  /**
   * We lost the broker (or have not reached it yet): while we cannot hear the fleet, no recorder is
   * marked unavailable for heartbeats we could not have received.
   */
  stopHearing(): void {
    this.hearing = false;
  }

  /**
   * We hear the fleet again (subscribed, after our start or the broker's restart): every heartbeat
   * clock starts again now, so each recorder has its three heartbeats plus slack, counted from the
   * moment the broker took connections again, to reconnect and be heard.
   */
  hearingFrom(now: number): void {
    this.hearing = true;
    this.clocksFrom = Math.max(this.clocksFrom, now);
  }

  /** Marks recorders unavailable whose heartbeats stopped; call about once a second. */
  sweep(now: number): void {
    const due: Array<[string, RecorderStateName]> = [];
    for (const [id, runtime] of this.recorders) {
      if (runtime.pendingWill && now - runtime.pendingWill.at >= WILL_GRACE_MS) {
        due.push([id, 'offline']);
        continue;
      }
      if (!this.hearing || (runtime.state !== 'online' && runtime.state !== 'degraded')) continue;
      const clockStart = Math.max(runtime.lastHeard, this.clocksFrom);
      const deadline = clockStart + MISSED_HEARTBEATS_FOR_UNAVAILABLE * runtime.heartbeatSeconds * 1000 + GRACE_MS;
      if (now > deadline) due.push([id, 'unavailable']);
    }
    // Changed after the walk: a change replaces the recorder's entry in the map being walked.
    for (const [id, state] of due) {
      const runtime = this.changing(id, now);
      if (state === 'offline') delete runtime.pendingWill;
      this.transition(id, runtime, state, now);
    }
  }

  /**
   * Site correlation (docs/DESIGN.md "Fleet state"): when every recorder of a site (two or more) was lost (unavailable,
   * or offline by its will) within one window, the site is unreachable, probably its network; it
   * recovers when any of them is heard again.
   */
  private correlateSite(site: string, now: number): void {
    const members: Array<Readonly<Runtime>> = [];
    for (const id of this.sites.members(site) ?? []) {
      const member = this.recorders.get(id);
      if (member) members.push(member);
    }
    // A cut network reaches the broker as keepalive timeouts, which fire the wills (offline) before
    // three heartbeats are missed (unavailable); from here the two look alike, so both count.
    const allLost = members.length >= 2 && members.every((r) => r.state === 'unavailable' || r.state === 'offline');
    const within = allLost && Math.max(...members.map((r) => r.since)) - Math.min(...members.map((r) => r.since)) <= this.siteWindowMs;
    const [installationSlc = '', siteId = ''] = splitSiteKey(site);
    if (within && !this.unreachableSites.has(site)) {
      this.unreachableSites.add(site);
      this.db.markSiteUnreachable(installationSlc, siteId, now);
      this.options.onSiteChange?.({ installationSlc, siteId, unreachable: true, at: now });
    } else if (!allLost && this.unreachableSites.has(site)) {
      this.unreachableSites.delete(site);
      this.db.clearSiteUnreachable(installationSlc, siteId);
      this.options.onSiteChange?.({ installationSlc, siteId, unreachable: false, at: now });
    }
  }

  /** `runtime`: the recorder's entry being changed (from `changing()`, or new). */
  private placeAt(recorderId: string, runtime: Runtime, site: string): void {
    if (runtime.site === site) return;
    if (runtime.site) this.sites.delete(runtime.site, recorderId);
    runtime.site = site;
    if (site) this.sites.add(site, recorderId);
  }

  isSiteUnreachable(installationSlc: string, siteId: string): boolean {
    return this.unreachableSites.has(siteKey({ installationSlc, siteId }));
  }

  private heard(recorderId: string, runtime: Runtime, now: number): void {
    runtime.lastSeen = now;
    if (runtime.pendingWill) return; // its connection is gone; only a newer birth revives it
    runtime.lastHeard = now;
    this.transition(recorderId, runtime, runtime.activeConditions > 0 ? 'degraded' : 'online', now);
  }

  /**
   * The recorder's entry a message is about to change: a copy that replaces the stored one, so the
   * map records the way back (a group may roll back). The only way to a changeable Runtime.
   */
  private changing(recorderId: string, now: number): Runtime {
    const current = this.recorders.get(recorderId);
    if (!current) this.db.ensureRecorder(recorderId, now);
    const runtime: Runtime = current
      ? { ...current }
      : {
          site: '',
          state: 'offline',
          since: now,
          bdSeq: 0,
          epoch: '',
          earlierEpochs: [],
          lastHeard: now,
          lastSeen: null,
          heartbeatSeconds: 30,
          activeConditions: 0,
        };
    this.recorders.set(recorderId, runtime);
    return runtime;
  }

  private transition(recorderId: string, runtime: Runtime, state: RecorderStateName, now: number): void {
    if (runtime.state === state) return;
    const previous = runtime.state;
    runtime.state = state;
    runtime.since = now;
    this.db.setState(recorderId, state, now);
    // Before the recorder's own change goes out, so whoever reacts to it reads the site's state too.
    if (runtime.site) this.correlateSite(runtime.site, now);
    this.onChange({ recorderId, state, previous, since: now, lastSeen: runtime.lastSeen, activeProblems: runtime.activeConditions });
  }
}

/**
 * A session against the recorder's current one. The epoch names the agent instance: one we have
 * not seen is a new install (newer, whatever its bdSeq: a wiped data directory counts from 1 again,
 * and no bdSeq an instance once sent, even 2^64-1, can lock its successors out); one we saw before
 * is an older instance. Within one instance, or when either side does not say, bdSeq orders them.
 */
function judge(current: Readonly<Runtime>, session: SessionId): 'older' | 'same' | 'newer' {
  if (session.epoch && current.epoch && session.epoch !== current.epoch) {
    return current.earlierEpochs.includes(session.epoch) ? 'older' : 'newer';
  }
  if (session.bdSeq > current.bdSeq) return 'newer';
  return session.bdSeq < current.bdSeq ? 'older' : 'same';
}

/** recorders.earlier_epochs: a JSON array of strings; anything else reads as none. */
function parseEpochs(json: string): readonly string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((e): e is string => typeof e === 'string') : [];
  } catch {
    return [];
  }
}

/** Site ids are unique within an installation; the SLC may not contain '/', the site id may. */
function splitSiteKey(key: string): [string, string] {
  const slash = key.indexOf('/');
  return [key.slice(0, slash), key.slice(slash + 1)];
}
