import type { FleetDb } from '../registry/fleet-db.js';
import type { FleetTags } from '../stores/telemetry-store.js';
import { UndoableMap, type UndoLog } from './undo-log.js';

/**
 * Fleet tags per recorder, read from its registry row (written by its birth) and kept: every point
 * carries them. Undoable, because a row read inside a group may be one the group wrote.
 */
export class FleetTagsCache {
  private readonly tags: UndoableMap<string, FleetTags>;

  constructor(
    private readonly db: FleetDb,
    undo: UndoLog,
  ) {
    this.tags = new UndoableMap(undo);
  }

  of(recorderId: string): Readonly<FleetTags> {
    let tags = this.tags.get(recorderId);
    if (!tags) {
      const row = this.db.recorder(recorderId);
      // The reseller is a dashboard notion (who registered the SLC); the ingestor does not know it.
      tags = { recorder: recorderId, installation: row?.installationSlc ?? '', site: row?.siteId ?? '', reseller: '' };
      this.tags.set(recorderId, tags);
    }
    return tags;
  }

  /** A birth may have changed them. */
  forget(recorderId: string): void {
    this.tags.delete(recorderId);
  }

  /** Every cached entry (tests compare memory with fleet.db). */
  cached(): Array<Readonly<FleetTags>> {
    return [...this.tags.values()];
  }
}
