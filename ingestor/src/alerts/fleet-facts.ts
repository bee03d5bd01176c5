import type Database from 'better-sqlite3';
import type { RecorderStateName } from '../registry/fleet-db.js';

export interface Problem {
  code: string;
  subject: string;
  severity: string;
  message: string;
  since: number;
}

/** What rules are judged on for one recorder, read from fleet.db as it stands after a commit. */
export interface RecorderFacts {
  id: string;
  name: string;
  state: RecorderStateName;
  installationSlc: string;
  installationName: string;
  siteId: string;
  siteName: string;
  coveredBy: string | null;
  failoverPartner: string;
  cameraCount: number;
  licensedCameras: number;
  /** Active conditions, and events within their lifetime. */
  problems: Problem[];
  disks: Array<{ path: string; usedPercent: number }>;
  siteUnreachable: boolean;
}

export interface SiteFacts {
  key: string;
  installationSlc: string;
  siteId: string;
  installationName: string;
  siteName: string;
  unreachableSince: number | null;
  members: Array<{ id: string; name: string }>;
}

export const siteKeyOf = (installationSlc: string, siteId: string) => `${installationSlc}/${siteId}`;

/**
 * Reads fleet.db for the alert engine. Given a connection of its own (read-only, in WAL mode) it
 * sees only committed groups, never the one the pipeline has open.
 */
export class FleetFacts {
  private readonly q;

  constructor(db: Database.Database) {
    this.q = {
      recorder: db.prepare(`SELECT id, name, state, installation_slc AS installationSlc, installation_name AS installationName, site_id AS siteId,
        site_name AS siteName, covered_by AS coveredBy, failover_partner AS failoverPartner, camera_count AS cameraCount,
        licensed_cameras AS licensedCameras FROM recorders WHERE id = ?`),
      conditions: db.prepare('SELECT code, subject, severity, message, since FROM conditions WHERE recorder_id = ? AND active = 1'),
      events: db.prepare('SELECT code, subject, severity, message, since FROM event_problems WHERE recorder_id = ? AND expires_at > ?'),
      disks: db.prepare('SELECT path, total_bytes AS total, free_bytes AS free FROM latest_disks WHERE recorder_id = ?'),
      siteState: db.prepare('SELECT unreachable_since AS since FROM site_states WHERE installation_slc = ? AND site_id = ?'),
      members: db.prepare(`SELECT id, name, installation_name AS installationName, site_name AS siteName FROM recorders
        WHERE installation_slc = ? AND site_id = ? ORDER BY id`),
      allRecorders: db.prepare('SELECT id FROM recorders').pluck(),
      unreachableSites: db.prepare('SELECT installation_slc AS installationSlc, site_id AS siteId FROM site_states'),
      partners: db.prepare(`SELECT id, failover_partner AS partner FROM recorders WHERE failover_partner != ''`),
      names: db.prepare('SELECT name, installation_name AS installationName, site_name AS siteName FROM recorders WHERE id = ?'),
      anyMember: db.prepare(
        'SELECT installation_name AS installationName, site_name AS siteName FROM recorders WHERE installation_slc = ? AND site_id = ? LIMIT 1',
      ),
    };
  }

  recorder(id: string, now: number): RecorderFacts | undefined {
    const row = this.q.recorder.get(id) as Omit<RecorderFacts, 'problems' | 'disks' | 'siteUnreachable'> | undefined;
    if (!row) return undefined;
    const problems = [...(this.q.conditions.all(id) as Problem[]), ...(this.q.events.all(id, now) as Problem[])];
    const disks = (this.q.disks.all(id) as Array<{ path: string; total: number; free: number }>)
      .filter((disk) => disk.total > 0)
      .map((disk) => ({ path: disk.path, usedPercent: ((disk.total - disk.free) / disk.total) * 100 }));
    const siteUnreachable = row.siteId !== '' && this.q.siteState.get(row.installationSlc, row.siteId) !== undefined;
    return { ...row, problems, disks, siteUnreachable };
  }

  site(installationSlc: string, siteId: string): SiteFacts {
    const members = this.q.members.all(installationSlc, siteId) as Array<{ id: string; name: string; installationName: string; siteName: string }>;
    const state = this.q.siteState.get(installationSlc, siteId) as { since: number } | undefined;
    return {
      key: siteKeyOf(installationSlc, siteId),
      installationSlc,
      siteId,
      installationName: members[0]?.installationName ?? '',
      siteName: members[0]?.siteName ?? '',
      unreachableSince: state?.since ?? null,
      members: members.map(({ id, name }) => ({ id, name })),
    };
  }

  recorderIds(): string[] {
    return this.q.allRecorders.all() as string[];
  }

  unreachableSites(): Array<{ installationSlc: string; siteId: string }> {
    return this.q.unreachableSites.all() as Array<{ installationSlc: string; siteId: string }>;
  }

  /** Failover partner -> the recorders it covers. */
  coverage(): Map<string, Set<string>> {
    const covers = new Map<string, Set<string>>();
    for (const { id, partner } of this.q.partners.all() as Array<{ id: string; partner: string }>) {
      const set = covers.get(partner) ?? new Set<string>();
      set.add(id);
      covers.set(partner, set);
    }
    return covers;
  }

  /** Names for a notification: the recorder's own, and its customer's and site's. */
  namesOf(recorderId: string): { name: string; installationName: string; siteName: string } | undefined {
    return this.q.names.get(recorderId) as { name: string; installationName: string; siteName: string } | undefined;
  }

  siteNames(installationSlc: string, siteId: string): { installationName: string; siteName: string } | undefined {
    return this.q.anyMember.get(installationSlc, siteId) as { installationName: string; siteName: string } | undefined;
  }
}
