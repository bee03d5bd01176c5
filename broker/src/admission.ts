import { readFileSync, statSync } from 'node:fs';
import { type DeviceRegistryFile, registrySerialStanding, retirePreviousSerial } from '@vigil/proto/pki';

/**
 * Which recorders may connect: those in the fleet's device registry (written by "vigil pki issue"),
 * presenting their current certificate, and not revoked. The registry file is re-read when it
 * changes, so "vigil pki revoke" reaches live connections within a second or two.
 */
export class DeviceAdmission {
  private registry: DeviceRegistryFile = { recorders: {} };
  private mtimeMs = -1;
  /**
   * Set by every re-read, consumed by the watch: a connect that re-reads the file first (or a
   * renewal retired here) must not hide the change from the re-check of live connections.
   */
  private unseenChange = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly registryPath: string) {
    this.reload();
  }

  /**
   * Undefined when admitted, else the reason (logged by the broker, never sent to the client).
   * The certificate a renewal replaced is admitted until the new one connects (docs/DESIGN.md
   * "Enrolment"); `connecting` says this is a new connection, whose current certificate retires it.
   */
  refusal(recorderId: string, certSerial: string, connecting = false): string | undefined {
    // Issued, reissued or revoked a moment ago: a stat per connect tells whether to re-read.
    this.reload();
    const entry = this.registry.recorders[recorderId];
    if (!entry) return `recorder "${recorderId}" is not in the fleet registry (issue it with "vigil pki issue")`;
    if (entry.revokedAt) return `recorder "${recorderId}" was revoked at ${entry.revokedAt}`;
    const standing = registrySerialStanding(entry, certSerial);
    if (standing === undefined) return `certificate serial ${certSerial} is not the current one of "${recorderId}" (it was reissued or renewed)`;
    if (connecting && standing === 'current' && entry.previousSerial !== undefined) {
      // The renewed certificate is in use: the one it replaced is let go. The watch then closes
      // any connection still on it. A failed write only keeps the old one admitted a while longer.
      try {
        if (retirePreviousSerial(this.registryPath, recorderId, certSerial)) this.reload();
      } catch {
        // tried again at this recorder's next connect
      }
    }
    return undefined;
  }

  /** Calls `changed` after the registry file changes on disk. */
  watch(changed: () => void, intervalMs = 1_000): void {
    this.timer = setInterval(() => {
      this.reload();
      if (!this.unseenChange) return;
      this.unseenChange = false;
      changed();
    }, intervalMs);
    this.timer.unref();
  }

  close(): void {
    clearInterval(this.timer);
  }

  private reload(): boolean {
    let mtimeMs: number;
    try {
      mtimeMs = statSync(this.registryPath).mtimeMs;
    } catch {
      mtimeMs = 0;
    }
    if (mtimeMs === this.mtimeMs) return false;
    this.mtimeMs = mtimeMs;
    this.unseenChange = true;
    try {
      this.registry = JSON.parse(readFileSync(this.registryPath, 'utf8')) as DeviceRegistryFile;
    } catch {
      // Missing or half-written: keep what we had rather than refusing the whole fleet.
      if (mtimeMs === 0) this.registry = { recorders: {} };
    }
    return true;
  }
}
