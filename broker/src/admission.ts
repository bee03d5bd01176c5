import { readFileSync, statSync } from 'node:fs';
import type { DeviceRegistryFile } from '@vigil/proto/pki';

const normalSerial = (serial: string) => serial.toLowerCase().replace(/^0+/, '');

/**
 * Which recorders may connect: those in the fleet's device registry (written by "vigil pki issue"),
 * presenting their current certificate, and not revoked. The registry file is re-read when it
 * changes, so "vigil pki revoke" reaches live connections within a second or two.
 */
export class DeviceAdmission {
  private registry: DeviceRegistryFile = { recorders: {} };
  private mtimeMs = -1;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly registryPath: string) {
    this.reload();
  }

  /** Undefined when admitted, else the reason (logged by the broker, never sent to the client). */
  refusal(recorderId: string, certSerial: string): string | undefined {
    // Issued, reissued or revoked a moment ago: a stat per connect tells whether to re-read.
    this.reload();
    const entry = this.registry.recorders[recorderId];
    if (!entry) return `recorder "${recorderId}" is not in the fleet registry (issue it with "vigil pki issue")`;
    if (entry.revokedAt) return `recorder "${recorderId}" was revoked at ${entry.revokedAt}`;
    if (normalSerial(entry.serial) !== normalSerial(certSerial))
      return `certificate serial ${certSerial} is not the current one of "${recorderId}" (it was reissued)`;
    return undefined;
  }

  /** Calls `changed` after the registry file changes on disk. */
  watch(changed: () => void, intervalMs = 1_000): void {
    this.timer = setInterval(() => {
      if (this.reload()) changed();
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
    try {
      this.registry = JSON.parse(readFileSync(this.registryPath, 'utf8')) as DeviceRegistryFile;
    } catch {
      // Missing or half-written: keep what we had rather than refusing the whole fleet.
      if (mtimeMs === 0) this.registry = { recorders: {} };
    }
    return true;
  }
}
