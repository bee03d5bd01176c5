// CPU time and resident memory of a process from /proc (Linux), for benchmarks that share the machine.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

const CLK_TCK = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/** utime + stime of a process (all its threads), in seconds. */
export function cpuSeconds(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the command name, which may hold spaces; [0] is field 3 of proc(5).
  const fields = stat
    .slice(stat.lastIndexOf(')') + 2)
    .split(' ')
    .map(Number);
  return ((fields[11] ?? NaN) + (fields[12] ?? NaN)) / CLK_TCK;
}

/** VmRSS in bytes. */
export function rssBytes(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? NaN) * 1024;
}

/** CPU used by each process between start() and stop(), in % of one core. */
export class CpuMeter {
  private readonly startCpu = new Map<string, number>();
  private started = 0;

  constructor(private readonly pids: Record<string, number>) {}

  start(): void {
    this.started = performance.now();
    for (const [name, pid] of Object.entries(this.pids)) this.startCpu.set(name, cpuSeconds(pid));
  }

  stop(): Record<string, number> {
    const seconds = (performance.now() - this.started) / 1000;
    const result: Record<string, number> = {};
    for (const [name, pid] of Object.entries(this.pids)) result[name] = ((cpuSeconds(pid) - (this.startCpu.get(name) ?? 0)) / seconds) * 100;
    return result;
  }
}

/** Busy and idle seconds of the whole host (all cores) since boot, from /proc/stat. */
export function hostCpuSeconds(): { busy: number; idle: number } {
  const ticks = (/^cpu\s+(.*)$/m.exec(readFileSync('/proc/stat', 'utf8'))?.[1] ?? '').split(' ').map(Number);
  // user nice system idle iowait irq softirq steal
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  const busy = ticks.slice(0, 8).reduce((a, b) => a + b, 0) - idle;
  return { busy: busy / CLK_TCK, idle: idle / CLK_TCK };
}

/**
 * CPU seconds per group of processes whose members come and go (a broker node restarted is a new
 * pid): sample() adds each live pid's growth since its last sample to its group, so a process that
 * exits loses at most one interval of its time.
 */
export class CpuLedger {
  private readonly lastByPid = new Map<number, number>();
  private readonly totals = new Map<string, number>();

  constructor(private readonly groups: () => Record<string, Array<number | undefined>>) {}

  sample(): void {
    for (const [group, pids] of Object.entries(this.groups())) {
      for (const pid of pids) {
        if (pid === undefined) continue;
        let seconds: number;
        try {
          seconds = cpuSeconds(pid);
        } catch {
          continue; // gone between its exit and the next sample
        }
        if (!Number.isFinite(seconds)) continue;
        this.totals.set(group, (this.totals.get(group) ?? 0) + seconds - (this.lastByPid.get(pid) ?? 0));
        this.lastByPid.set(pid, seconds);
      }
    }
  }

  /** Seconds per group so far (take two and subtract for a window). */
  snapshot(): Record<string, number> {
    this.sample();
    return Object.fromEntries(this.totals);
  }
}

export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
