import { mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { parse as parseYaml } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import type { ConditionChange, LicenceReading, Observation } from '../../../src/collectors/types.js';
import { LicencesCollector, licencesConfigSchema, parseLicenceDocument, type LicencesConfigInput } from '../../../src/collectors/licences/index.js';
import { until } from '../support.js';

const silent = pino({ level: 'silent' });
const dir = mkdtempSync(join(tmpdir(), 'vigil-licences-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const T0 = Date.UTC(2025, 0, 1);

function recorder() {
  const observations: Observation[] = [];
  return {
    sink: { emit: (o: Observation) => void observations.push(o) },
    readings: () => observations.filter((o): o is LicenceReading => o.kind === 'licence'),
    conditions: () => observations.filter((o): o is ConditionChange => o.kind === 'condition'),
    observations,
  };
}

/** Replaces the file in one step, so a read in between never sees it half written. */
function writeAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

function capturingLogger() {
  const lines: Array<{ level: number; msg: string }> = [];
  const logger = pino(
    { level: 'info' },
    new Writable({
      write(chunk, _encoding, done) {
        lines.push(JSON.parse(String(chunk)));
        done();
      },
    }),
  );
  return { logger, lines };
}

function collector(input: LicencesConfigInput, options: { baseDir?: string; logger?: pino.Logger } = {}) {
  let now = T0;
  const instance = new LicencesCollector(licencesConfigSchema.parse(input), {
    baseDir: options.baseDir ?? dir,
    clock: () => now,
    logger: options.logger ?? silent,
  });
  return { instance, advance: (ms: number) => (now += ms) };
}

describe('licences collector with a file', () => {
  it('raises licence-overrun once with both numbers, and clears it once when back within', async () => {
    const home = mkdtempSync(join(dir, 'overrun-'));
    const file = join(home, 'licence.json');
    writeAtomically(file, JSON.stringify({ cameras: 48, licensed: 50 }));
    const { instance, advance } = collector({ intervalSeconds: 0.02, source: { file: './licence.json' } }, { baseDir: home });
    const seen = recorder();

    await instance.start(seen.sink);
    // start() waits for the first read, so the birth inventory already has the counts.
    expect(instance.inventory()).toEqual({ cameraCount: 48, licensedCameras: 50 });
    expect(seen.readings()[0]).toEqual({ kind: 'licence', at: T0, cameraCount: 48, licensedCameras: 50 });

    advance(1000);
    writeAtomically(file, JSON.stringify({ cameras: 52, licensed: 50 }));
    await until(() => seen.conditions().length === 1, 'licence-overrun raised');
    const raisedAfter = seen.readings().length;
    await until(() => seen.readings().length >= raisedAfter + 3, 'more readings while over');

    advance(1000);
    writeAtomically(file, JSON.stringify({ cameras: 50, licensed: 50 }));
    await until(() => seen.conditions().length === 2, 'licence-overrun cleared');
    const clearedAfter = seen.readings().length;
    await until(() => seen.readings().length >= clearedAfter + 3, 'more readings when within');
    await instance.stop();

    expect(seen.conditions()).toEqual([
      {
        kind: 'condition',
        code: 'licence-overrun',
        subject: '',
        active: true,
        at: T0 + 1000,
        severity: 'warning',
        message: 'more cameras than licences: 52 cameras, 50 licensed (2 over)',
        attributes: { cameras: '52', licensed: '50' },
      },
      {
        kind: 'condition',
        code: 'licence-overrun',
        subject: '',
        active: false,
        at: T0 + 2000,
        severity: 'warning',
        message: 'cameras within the licence again: 50 cameras, 50 licensed',
        attributes: { cameras: '50', licensed: '50' },
      },
    ]);
    expect(instance.inventory()).toEqual({ cameraCount: 50, licensedCameras: 50 });
    const count = seen.observations.length;
    await new Promise((r) => setTimeout(r, 60));
    expect(seen.observations.length).toBe(count);
  });

  it('reads YAML as well as JSON', async () => {
    const file = join(dir, 'licence.yaml');
    writeAtomically(file, '# written by the installer\ncameras: 12\nlicensed: 10\n');
    const { instance } = collector({ source: { file } });
    const seen = recorder();
    await instance.start(seen.sink);
    await instance.stop();
    expect(seen.readings().map((r) => [r.cameraCount, r.licensedCameras])).toEqual([[12, 10]]);
    expect(seen.conditions().map((c) => c.active)).toEqual([true]);
    expect(await instance.check()).toEqual({ collector: 'licences', ok: false, lines: [`${file}: 12 cameras, 10 licensed; 2 over the licence`] });
  });

  it('survives a bad file: logs it once, reports it in check(), keeps the last good counts', async () => {
    const home = mkdtempSync(join(dir, 'bad-'));
    const file = join(home, 'licence.json');
    writeAtomically(file, '{ "cameras": 48, "licensed": ');
    const { logger, lines } = capturingLogger();
    const { instance } = collector({ intervalSeconds: 0.02, source: { file } }, { logger });
    const seen = recorder();

    await instance.start(seen.sink);
    expect(instance.inventory()).toEqual({});
    let report = await instance.check();
    expect(report.ok).toBe(false);
    expect(report.lines[0]).toMatch(new RegExp(`^${file}: not JSON or YAML: `));
    // Several failed reads with the clock standing still: one warning.
    await new Promise((r) => setTimeout(r, 120));
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
    expect(lines[0]!.msg).toContain('cannot read the licence counts');

    writeAtomically(file, '{ "cameras": 48, "licensed": 50 }');
    await until(() => seen.readings().length > 0, 'a reading once the file is fixed');
    expect(lines.some((l) => l.level === 30 && l.msg.includes('is readable again'))).toBe(true);

    writeAtomically(file, JSON.stringify({ cameras: 'many', licensed: 50 }));
    await until(() => lines.filter((l) => l.level === 40).length === 2, 'the second outage logged');
    expect(lines.filter((l) => l.level === 40)[1]!.msg).toContain('cameras: Invalid input: expected number, received string');
    expect(instance.inventory()).toEqual({ cameraCount: 48, licensedCameras: 50 });

    rmSync(file);
    report = await instance.check();
    expect(report).toEqual({ collector: 'licences', ok: false, lines: [`cannot read ${file}: ENOENT`] });
    await instance.stop();
    expect(seen.conditions()).toEqual([]);
  });
});

describe('licences collector with a command', () => {
  it('parses the command output, run from baseDir', async () => {
    const home = mkdtempSync(join(dir, 'command-'));
    writeAtomically(join(home, 'counts.json'), '{"cameras": 3, "licensed": 8}');
    const { instance } = collector({ source: { command: 'cat counts.json' } }, { baseDir: home });
    expect(await instance.check()).toEqual({ collector: 'licences', ok: true, lines: ['cat counts.json: 3 cameras, 8 licensed'] });
  });

  it('reports a failing command and one that hangs', async () => {
    const failing = collector({ source: { command: 'echo "licence service unreachable" >&2; exit 2' } }).instance;
    expect((await failing.check()).lines).toEqual(['"echo "licence service unreachable" >&2; exit 2" exited with 2: licence service unreachable']);
    const hanging = collector({ timeoutSeconds: 0.2, source: { command: 'sleep 5' } }).instance;
    const startedAt = Date.now();
    expect((await hanging.check()).lines).toEqual(['"sleep 5" gave no answer within 0.2 s']);
    expect(Date.now() - startedAt).toBeLessThan(2000);
  });
});

describe('parseLicenceDocument', () => {
  it('reads JSON and YAML and ignores extra fields', () => {
    expect(parseLicenceDocument('{"cameras": 48, "licensed": 50, "product": "XProtect Corporate"}')).toEqual({ cameras: 48, licensed: 50 });
    expect(parseLicenceDocument('cameras: 0\nlicensed: 0')).toEqual({ cameras: 0, licensed: 0 });
  });

  it('says what is wrong', () => {
    expect(() => parseLicenceDocument('')).toThrow(/^document: /);
    expect(() => parseLicenceDocument('{"cameras": 4.5, "licensed": -1}')).toThrow('cameras: must be a whole number; licensed: must not be negative');
    expect(() => parseLicenceDocument('{"licensed": 5}')).toThrow(/^cameras: /);
  });
});

describe('licences config', () => {
  const issues = (input: unknown) => {
    const result = licencesConfigSchema.safeParse(input);
    return result.success ? [] : result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('wants exactly one source', () => {
    expect(issues({ source: {} })).toEqual(['source: set exactly one of file or command']);
    expect(issues({ source: { file: 'a', command: 'b' } })).toEqual(['source: set exactly one of file or command']);
    expect(issues({})[0]).toMatch(/^source: /);
    expect(licencesConfigSchema.parse({ source: { file: 'a' } })).toEqual({ intervalSeconds: 300, timeoutSeconds: 10, source: { file: 'a' } });
  });

  it('accepts its sample.yaml', () => {
    const sample = parseYaml(readFileSync(new URL('../../../src/collectors/licences/sample.yaml', import.meta.url), 'utf8')) as { licences: unknown };
    expect(licencesConfigSchema.parse(sample.licences).source).toEqual({ file: './licence.json' });
  });
});
