import { appendFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { StatfsFunction } from '@vigil/agent';

/**
 * What a demo recorder host looks like to its agent: a Recording Server log the scenario writes
 * to, a stand-in media drive whose usage the scenario sets (a real disk cannot be filled on
 * demand), stand-in services that run while a marker file exists, and a licence file.
 */
export class DemoHost {
  readonly logFile: string;
  readonly driveDir: string;
  readonly servicesDir: string;
  readonly licenceFile: string;
  private usedFraction = 0.55;
  static readonly DRIVE_BYTES = 4 * 1024 ** 4;
  static readonly SERVICES = ['Recording Server', 'Event Server', 'Mobile Server'] as const;

  constructor(
    readonly recorderId: string,
    readonly dir: string,
    private readonly cameras: { count: number; licensed: number },
  ) {
    this.logFile = join(dir, 'logs', 'RecordingServer.log');
    this.driveDir = join(dir, 'drives', 'media');
    this.servicesDir = join(dir, 'services');
    this.licenceFile = join(dir, 'licence.json');
  }

  prepare(): void {
    mkdirSync(join(this.dir, 'logs'), { recursive: true });
    mkdirSync(this.driveDir, { recursive: true });
    mkdirSync(this.servicesDir, { recursive: true });
    if (!existsSync(this.logFile)) writeFileSync(this.logFile, '');
    for (const service of DemoHost.SERVICES) this.setService(service, true);
    this.setCameras(this.cameras.count);
  }

  /** The command the services collector runs: exit 0 while the marker exists. */
  serviceCommand(service: string): string {
    const marker = this.serviceMarker(service);
    return process.platform === 'win32' ? `if exist "${marker}" (exit 0) else (exit 1)` : `test -f '${marker}'`;
  }

  setService(service: string, running: boolean): void {
    const marker = this.serviceMarker(service);
    if (running) writeFileSync(marker, '');
    else rmSync(marker, { force: true });
  }

  setCameras(count: number): void {
    writeFileSync(this.licenceFile, JSON.stringify({ cameras: count, licensed: this.cameras.licensed }));
  }

  setDriveUsed(fraction: number): void {
    this.usedFraction = Math.min(1, Math.max(0, fraction));
  }

  get driveUsed(): number {
    return this.usedFraction;
  }

  readonly statfs: StatfsFunction = async () => {
    const bsize = 4096;
    const blocks = DemoHost.DRIVE_BYTES / bsize;
    return { bsize, blocks, bavail: Math.round(blocks * (1 - this.usedFraction)) };
  };

  /** Appends a line in the Recording Server's log format. */
  log(level: 'INFO' | 'WARNING' | 'ERROR' | 'FATAL', message: string): void {
    const now = new Date();
    const stamp = `${now.toISOString().replace('T', ' ').replace('Z', '')}+00:00`;
    appendFileSync(this.logFile, `${stamp} [${String(Math.floor(Math.random() * 90) + 10).padStart(5)}] ${level.padEnd(10)} - ${message}\r\n`);
  }

  private serviceMarker(service: string): string {
    return join(this.servicesDir, `${service.replaceAll(' ', '-').toLowerCase()}.running`);
  }
}
