import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConditionChange, DiskReading, Observation } from '../../../src/collectors/types.js';
import { DisksCollector, disksConfigSchema, type DisksConfigInput, type StatfsFunction } from '../../../src/collectors/disks/index.js';
import { until } from '../support.js';

// Filling a real disk to 95% or making it grow at a set rate is not possible on a test machine,
// so thresholds, hysteresis and the trend are played through an injected statfs. One test below
// reads a real temporary directory with the real fs.promises.statfs.

const T0 = Date.UTC(2025, 0, 1);
const MIN = 60_000;
const BLOCK = 4096;
const TOTAL_BLOCKS = 1_000_000;
const silent = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'vigil-disks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function recorder() {
  const observations: Observation[] = [];
  return {
    sink: { emit: (o: Observation) => void observations.push(o) },
    readings: () => observations.filter((o): o is DiskReading => o.kind === 'disk'),
    conditions: (code: string) => observations.filter((o): o is ConditionChange => o.kind === 'condition' && o.code === code),
    observations,
  };
}

/**
 * A drive that answers each statfs with the next step of a script and moves the clock to that
 * step's time. When the script is over it never answers again, so the collector (which does not
 * stack calls on a pending statfs) emits nothing more and the test sees exactly the script.
 */
function scriptedDrive(stepMinutes: number, usedBlocks: number[]) {
  let now = T0;
  let step = 0;
  const statfs: StatfsFunction = async () => {
    const used = usedBlocks[step];
    if (used === undefined) return new Promise(() => {});
    now = T0 + step * stepMinutes * MIN;
    step++;
    return { bsize: BLOCK, blocks: TOTAL_BLOCKS, bavail: TOTAL_BLOCKS - used };
  };
  return { statfs, clock: () => now, timeOfStep: (i: number) => T0 + i * stepMinutes * MIN };
}

const config = (overrides: Partial<DisksConfigInput> = {}) =>
  disksConfigSchema.parse({ intervalSeconds: 0.01, paths: [{ path: '/media', role: 'recording' }], ...overrides });

async function play(drive: ReturnType<typeof scriptedDrive>, steps: number, overrides: Partial<DisksConfigInput> = {}) {
  const seen = recorder();
  const collector = new DisksCollector(config(overrides), { baseDir: dir, clock: drive.clock, statfs: drive.statfs, logger: silent });
  await collector.start(seen.sink);
  await until(() => seen.readings().length === steps, `${steps} readings`);
  await collector.stop();
  return seen;
}

describe('disks collector: drive-full', () => {
  it('raises at fullPercent, holds until below clearPercent, and emits each change once', async () => {
    const percents = [90, 95, 96, 92, 91, 89.9, 89, 96];
    // Two hours between samples with a 60 min window: never enough samples for a trend.
    const drive = scriptedDrive(
      120,
      percents.map((p) => p * 10_000),
    );
    const seen = await play(drive, percents.length);

    const full = seen.conditions('drive-full');
    expect(full.map((c) => [c.active, c.at])).toEqual([
      [true, drive.timeOfStep(1)],
      [false, drive.timeOfStep(5)],
      [true, drive.timeOfStep(7)],
    ]);
    expect(full[0]).toMatchObject({ subject: '/media', severity: 'critical', attributes: { usedPercent: '95.0', role: 'recording' } });
    expect(full[0]!.message).toContain('95.0% full');
    expect(seen.conditions('drive-filling')).toEqual([]);
  });

  it('emits a reading per interval carrying the time it was taken', async () => {
    const drive = scriptedDrive(1, [100_000, 200_000, 300_000]);
    const seen = await play(drive, 3);
    expect(seen.readings()).toEqual(
      [0, 1, 2].map((i) => ({
        kind: 'disk',
        path: '/media',
        at: drive.timeOfStep(i),
        totalBytes: TOTAL_BLOCKS * BLOCK,
        freeBytes: (TOTAL_BLOCKS - (i + 1) * 100_000) * BLOCK,
      })),
    );
  });
});

describe('disks collector: drive-filling', () => {
  it('raises with the time to full when the trend reaches 100% within the horizon, clears when growth stops', async () => {
    // +0.5% per 10 min from 50%, then flat at 52.5%.
    const used = [...Array.from({ length: 6 }, (_, i) => 500_000 + 5_000 * i), ...Array(9).fill(525_000)];
    const drive = scriptedDrive(10, used);
    // 20 min of history is enough here (the default asks for 30), so the third sample forecasts.
    const seen = await play(drive, used.length, { filling: { minSpanMinutes: 20 } });

    const filling = seen.conditions('drive-filling');
    expect(filling.map((c) => c.active)).toEqual([true, false]);
    // Third sample (the first with a trend): 490,000 blocks left at 500 blocks/min = 980 min.
    expect(filling[0]).toMatchObject({ at: drive.timeOfStep(2), subject: '/media', severity: 'warning', attributes: { hoursToFull: '16.3' } });
    expect(filling[0]!.message).toContain('16.3 h');
    expect(filling[1]!.at).toBeGreaterThan(drive.timeOfStep(5));
    expect(seen.conditions('drive-full')).toEqual([]);
  });

  it('keeps the condition while the projection is between the horizon and 1.2 x horizon, clears beyond', async () => {
    // A 20 min window holds exactly 3 samples 10 min apart, so each rate shows cleanly.
    const used = [500_000];
    const rates = [...Array(2).fill(4_200), ...Array(4).fill(3_200), ...Array(4).fill(2_000)];
    for (const rate of rates) used.push(used.at(-1)! + rate);
    const drive = scriptedDrive(10, used);
    const seen = await play(drive, used.length, { filling: { horizonHours: 24, windowMinutes: 20 } });

    // Step 2: 19.5 h to full -> raise. Steps 4-6: 24.9-25.3 h, above the horizon but within
    // 1.2 x 24 = 28.8 h -> still raised. Step 7: 30.6 h -> clear, and it stays clear after.
    const filling = seen.conditions('drive-filling');
    expect(filling.map((c) => [c.active, c.at])).toEqual([
      [true, drive.timeOfStep(2)],
      [false, drive.timeOfStep(7)],
    ]);
    expect(Number(filling[0]!.attributes!.hoursToFull)).toBeCloseTo(19.5, 1);
  });
});

describe('disks collector: drive-filling needs enough history', () => {
  // 1 min samples of a drive gaining 0.5% a minute from 50%: 100 min to full, well within the horizon.
  const fast = (count: number) => Array.from({ length: count }, (_, i) => 500_000 + 5_000 * i);

  it('forecasts nothing before the samples span the minimum (default 30 min), however many there are', async () => {
    const drive = scriptedDrive(1, fast(40));
    const seen = await play(drive, 40, { intervalSeconds: 0.01 });
    const filling = seen.conditions('drive-filling');
    // Samples at minutes 0..29 span less than 30 min: the first forecast comes with the 31st.
    expect(filling.map((c) => [c.active, c.at])).toEqual([[true, drive.timeOfStep(30)]]);
    expect(filling[0]!.message).toMatch(/at the rate of the last 30 min \(/);
    expect(filling[0]!.attributes).toMatchObject({ trendMinutes: '30' });
  });

  it('names the span it used, not the window, and takes the minimum from the config', async () => {
    const drive = scriptedDrive(1, fast(50));
    const seen = await play(drive, 50, { filling: { windowMinutes: 60, minSpanMinutes: 42 } });
    const filling = seen.conditions('drive-filling');
    expect(filling.map((c) => c.at)).toEqual([drive.timeOfStep(42)]);
    expect(filling[0]!.message).toContain('at the rate of the last 42 min');
    expect(filling[0]!.message).not.toContain('60 min');
  });

  it('with a window shorter than 30 min, asks for the window', async () => {
    const drive = scriptedDrive(1, fast(20));
    const seen = await play(drive, 20, { filling: { windowMinutes: 10 } });
    expect(seen.conditions('drive-filling').map((c) => c.at)).toEqual([drive.timeOfStep(10)]);
  });
});

describe('disks collector: real statfs', () => {
  it('reads a real temporary directory, and reports a missing one without stopping the others', async () => {
    const present = join(dir, 'present');
    const missing = join(dir, 'missing');
    mkdirSync(present);
    const logLines: Array<{ level: number; msg: string }> = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          logLines.push(JSON.parse(String(chunk)));
          done();
        },
      }),
    );
    const now = T0 + 42;
    const seen = recorder();
    // fullPercent 100: whatever the test machine's disk holds, it must not trip drive-full here.
    const collector = new DisksCollector(
      disksConfigSchema.parse({
        intervalSeconds: 0.01,
        fullPercent: 100,
        clearPercent: 99,
        paths: [{ path: './present' }, { path: missing, role: 'archive' }],
      }),
      { baseDir: dir, clock: () => now, logger },
    );
    expect(collector.inventory()).toEqual({ drives: [present, missing] });

    await collector.start(seen.sink);
    await until(() => seen.readings().length >= 5, 'five readings of the present directory');
    const reading = seen.readings()[0]!;
    expect(reading.path).toBe(present);
    expect(reading.at).toBe(now);
    expect(reading.totalBytes).toBeGreaterThan(0);
    expect(reading.freeBytes).toBeGreaterThan(0);
    expect(reading.freeBytes).toBeLessThanOrEqual(reading.totalBytes);
    expect(seen.readings().every((r) => r.path === present)).toBe(true);

    // The clock stands still, so five failures of the missing path are one warning, not five.
    const warnings = () => logLines.filter((l) => l.level === 40 && l.msg.includes(missing));
    expect(warnings()).toHaveLength(1);
    expect(warnings()[0]!.msg).toContain('ENOENT');

    const report = await collector.check();
    expect(report.collector).toBe('disks');
    expect(report.ok).toBe(false);
    expect(report.lines[0]).toMatch(new RegExp(`^${present} \\(recording\\): [\\d.]+% used, .* free of `));
    expect(report.lines[1]).toContain(`${missing} (archive): cannot read free space: ENOENT`);

    mkdirSync(missing);
    await until(() => seen.readings().some((r) => r.path === missing), 'a reading of the directory once it exists');
    expect(logLines.some((l) => l.level === 30 && l.msg.includes(`${missing} is readable again`))).toBe(true);
    expect((await collector.check()).ok).toBe(true);
    await collector.stop();
  });

  it('emits nothing after stop()', async () => {
    const seen = recorder();
    const collector = new DisksCollector(config({ paths: [{ path: dir }], fullPercent: 100, clearPercent: 99 }), { baseDir: dir, logger: silent });
    await collector.start(seen.sink);
    await until(() => seen.readings().length >= 2, 'two readings');
    await collector.stop();
    const count = seen.observations.length;
    await new Promise((r) => setTimeout(r, 100));
    expect(seen.observations.length).toBe(count);
  });
});

describe('disks config', () => {
  const issues = (input: unknown) => {
    const result = disksConfigSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('applies the defaults', () => {
    expect(disksConfigSchema.parse({ paths: [{ path: '/x' }] })).toEqual({
      intervalSeconds: 60,
      fullPercent: 95,
      clearPercent: 90,
      filling: { horizonHours: 24, windowMinutes: 60 },
      paths: [{ path: '/x', role: 'recording' }],
    });
  });

  it('names the field that is wrong', () => {
    expect(issues({ paths: [{ path: '/x', role: 'backup' }] })[0]).toMatch(/^paths\.0\.role: /);
    expect(issues({ paths: [] })).toEqual(['paths: list at least one drive path to watch']);
    expect(issues({ fullPercent: 80, clearPercent: 85, paths: [{ path: '/x' }] })[0]).toMatch(/^clearPercent: must not be above fullPercent \(80\)/);
    expect(issues({ intervalSeconds: 60, filling: { windowMinutes: 2 }, paths: [{ path: '/x' }] })[0]).toMatch(
      /^filling\.windowMinutes: must span at least 3 samples/,
    );
    expect(issues({ paths: [{ path: '/x' }, { path: '/x' }] })).toEqual(['paths.1.path: "/x" is listed twice']);
    expect(issues({ filling: { windowMinutes: 20, minSpanMinutes: 30 }, paths: [{ path: '/x' }] })).toEqual([
      expect.stringMatching(/^filling\.minSpanMinutes: must not be above filling\.windowMinutes \(20\)/),
    ]);
  });

  it('accepts its sample.yaml', () => {
    const sample = parseYaml(readFileSync(new URL('../../../src/collectors/disks/sample.yaml', import.meta.url), 'utf8')) as { disks: unknown };
    expect(disksConfigSchema.parse(sample.disks).paths).toHaveLength(2);
  });
});
