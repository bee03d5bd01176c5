import { appendFileSync, copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CandidateScanner } from '../../../src/collectors/logs/byte-filter/candidate-scanner.js';
import { logsConfigSchema, type LogsConfigInput } from '../../../src/collectors/logs/config.js';
import { LineMatcher, LogsCollector, loadPreset, MemoryOffsetStore, scanFile } from '../../../src/collectors/logs/index.js';
import type { ConditionChange, EventOccurrence, Observation } from '../../../src/collectors/types.js';
import { CollectingSink, makeTempDir, removeDir, waitFor } from './helpers.js';

const FIXTURE = new URL('./fixtures/xprotect-sample.log', import.meta.url);
const NOW = Date.UTC(2024, 4, 1, 8, 0, 0);

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function tempDir(): Promise<string> {
  const dir = await makeTempDir();
  cleanups.push(() => removeDir(dir));
  return dir;
}

function collector(dir: string, config: Partial<LogsConfigInput> = {}, offsets = new MemoryOffsetStore()): LogsCollector {
  const parsed = logsConfigSchema.parse({ files: [{ glob: `${dir}/logs/*.log` }], rescanSeconds: 0.2, ...config });
  const logs = new LogsCollector(parsed, { offsets, baseDir: dir, clock: () => NOW });
  cleanups.push(() => logs.stop());
  return logs;
}

const line = (time: string, text: string) => `2024-05-01 ${time}.000+02:00 [   41] ERROR      - ${text}\r\n`;

describe('LogsCollector', () => {
  it('turns appended XProtect lines into observations, sending a condition only when it changes', async () => {
    const dir = await tempDir();
    mkdirSync(`${dir}/logs`);
    writeFileSync(`${dir}/logs/RecordingServer.log`, line('09:00:00', "Camera 'Old' (10.0.0.9): Unable to connect to camera"));
    const sink = new CollectingSink();
    const logs = collector(dir);
    expect(logs.name).toBe('logs');
    await logs.start(sink);

    appendFileSync(
      `${dir}/logs/RecordingServer.log`,
      line('10:00:00', "Camera 'Gate 3' (10.0.0.13): Unable to connect to camera") +
        line('10:00:10', "Camera 'Gate 3' (10.0.0.13): Unable to connect to camera") +
        line('10:00:20', "Unable to add data to the media database for device 'Gate 3'. Error: DiskFull") +
        line('10:00:21', "Unable to add data to the media database for device 'Gate 3'. Error: DiskFull") +
        line('10:01:00', "Camera 'Gate 3' (10.0.0.13): Connection restored"),
    );
    await waitFor('observations', () => sink.observations.length === 4);
    expect(sink.observations).toEqual([
      {
        kind: 'condition',
        code: 'camera-unreachable',
        subject: 'Gate 3',
        active: true,
        at: NOW,
        severity: 'error',
        message: 'Camera Gate 3 is unreachable',
        attributes: { camera: 'Gate 3', address: '10.0.0.13' },
      } satisfies ConditionChange,
      ...[1, 2].map(
        () =>
          ({
            kind: 'event',
            code: 'media-db-write-failure',
            subject: 'Gate 3',
            firstSeen: NOW,
            lastSeen: NOW,
            count: 1,
            severity: 'error',
            message: 'Unable to add data to the media database',
            attributes: { camera: 'Gate 3' },
          }) satisfies EventOccurrence,
      ),
      expect.objectContaining({ kind: 'condition', subject: 'Gate 3', active: false, message: 'Camera Gate 3 is reachable again' }),
    ]);
  });

  it('matches big appends through the byte filter once it has loaded, and misses no event in them', async () => {
    const dir = await tempDir();
    mkdirSync(`${dir}/logs`);
    const path = `${dir}/logs/RecordingServer.log`;
    writeFileSync(path, '');
    const filtered = vi.spyOn(CandidateScanner.prototype, 'candidates');
    cleanups.push(async () => filtered.mockRestore());
    const sink = new CollectingSink();
    await collector(dir).start(sink);
    const noise = line('09:00:00', "Camera 'Lobby' (10.0.0.9): Motion started").repeat(100);
    let events = 0;
    // 100 KiB appends: big enough for the filter, which loads on the first and is used from then on.
    const append = () => {
      let text = '';
      for (let i = 0; i < 10; i++) text += noise + line('09:00:01', `Fatal error processing archive 'A${events++}'`);
      appendFileSync(path, text);
    };
    for (let rounds = 0; rounds < 50 && filtered.mock.calls.length < 3; rounds++) {
      append();
      await waitFor('the events of the append', () => sink.observations.length === events);
    }
    expect(filtered.mock.calls.length).toBeGreaterThanOrEqual(3);
    expect(sink.observations.map((observation) => ('subject' in observation ? observation.subject : observation.kind))).toEqual(
      Array.from({ length: events }, (_, i) => `A${i}`),
    );
  });

  it('sends again what the sink refused, because offsets only move past emitted lines', async () => {
    const dir = await tempDir();
    mkdirSync(`${dir}/logs`);
    const accepted: unknown[] = [];
    let refusals = 1;
    const sink = {
      emit(observation: unknown) {
        if (refusals-- > 0) throw new Error('spool full');
        accepted.push(observation);
      },
    };
    await collector(dir).start(sink);
    writeFileSync(`${dir}/logs/RecordingServer.log`, line('10:00:00', "Lost connection to camera 'Lobby East' (10.0.1.7)"));
    await waitFor('condition after the refusal', () => accepted.length === 1);
    expect(accepted[0]).toMatchObject({ kind: 'condition', subject: 'Lobby East', active: true });
  });

  it('uses extra rules from a rules file relative to the config directory', async () => {
    const dir = await tempDir();
    mkdirSync(`${dir}/logs`);
    writeFileSync(
      `${dir}/extra-rules.yaml`,
      [
        'rules:',
        '  - id: service-down',
        '    pattern: "Service (?<service>\\\\S+) stopped"',
        '    code: service-stopped',
        '    type: condition',
        '    subject: "{service}"',
        '    severity: critical',
      ].join('\n'),
    );
    const sink = new CollectingSink();
    const logs = collector(dir, { presets: [], rulesFile: 'extra-rules.yaml' });
    await logs.start(sink);
    writeFileSync(`${dir}/logs/new.log`, 'Service VideoOS.Recorder stopped\n');
    await waitFor('service condition', () => sink.observations.length === 1);
    expect(sink.observations[0]).toMatchObject({ kind: 'condition', code: 'service-stopped', subject: 'VideoOS.Recorder', active: true });
  });

  it('fails to start with a rules error that names the rule and field', async () => {
    const dir = await tempDir();
    writeFileSync(`${dir}/bad.yaml`, 'rules:\n  - { id: r1, pattern: "x", code: nope, type: event, severity: error }\n');
    const logs = collector(dir, { presets: [], rulesFile: 'bad.yaml' });
    await expect(logs.start(new CollectingSink())).rejects.toThrow(/rules\[0\] \(id "r1"\)\.code/);
  });

  it('check() lists matching files with sizes and recent matches, without saving offsets', async () => {
    const dir = await tempDir();
    mkdirSync(`${dir}/logs`);
    copyFileSync(FIXTURE, `${dir}/logs/RecordingServer.log`);
    writeFileSync(`${dir}/logs/empty.log`, '');
    const offsets = new MemoryOffsetStore();
    const report = await collector(dir, { files: [{ glob: `${dir}/logs/*.log` }, { glob: `${dir}/missing/*.log` }] }, offsets).check();
    const size = statSync(`${dir}/logs/RecordingServer.log`).size;
    expect(report.collector).toBe('logs');
    expect(report.ok).toBe(true);
    expect(report.lines[0]).toBe(`${loadPreset('milestone-xprotect').length} rules loaded (preset milestone-xprotect)`);
    expect(report.lines).toContain(`${dir}/logs/*.log: 2 file(s)`);
    expect(report.lines).toContain(`  ${dir}/logs/empty.log: 0 B, 0 of the last 0 lines match`);
    expect(report.lines.find((entry) => entry.startsWith(`  ${dir}/logs/RecordingServer.log`))).toMatch(
      new RegExp(`: ${(size / 1024).toFixed(1)} KiB, 20 of the last 25 lines match \\(camera-unreachable 8, media-db-write-failure 2, `),
    );
    expect(report.lines).toContain(`${dir}/missing/*.log: no files match (yet)`);
    expect(offsets.entries()).toEqual([]);
  });

  it('check() is not ok when the rules are broken or nothing matches', async () => {
    const dir = await tempDir();
    const report = await collector(dir, { presets: [], rulesFile: 'missing.yaml' }).check();
    expect(report.ok).toBe(false);
    expect(report.lines[0]).toMatch(/^rules: .*missing\.yaml.*cannot read/s);
    expect(report.lines).toContain(`${dir}/logs/*.log: no files match (yet)`);
  });
});

describe('scanFile', () => {
  it('counts lines, matched lines and bytes, with or without building observations', async () => {
    const dir = await tempDir();
    const big = `${dir}/big.log`;
    const sample = readFileSync(FIXTURE);
    writeFileSync(big, Buffer.concat(Array.from({ length: 200 }, () => sample)));
    const matcher = new LineMatcher(loadPreset('milestone-xprotect'));
    const counted = await scanFile(big, matcher, { chunkBytes: 4096 });
    expect(counted).toEqual({ lines: 25 * 200, matched: 20 * 200, bytes: sample.length * 200 });
    const codes: string[] = [];
    const observed = await scanFile(big, matcher, { chunkBytes: 4096, onObservation: (observation) => codes.push(observation.code) });
    expect(observed).toEqual(counted);
    expect(codes).toHaveLength(20 * 200);
  });

  it('reads UTF-16LE with a BOM and counts a last line without a newline', async () => {
    const dir = await tempDir();
    const path = `${dir}/u16.log`;
    const text = "Camera 'Gate 3' (10.0.0.13): Unable to connect\r\nquiet\r\nFatal error processing archive 'A'";
    writeFileSync(path, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    const matcher = new LineMatcher(loadPreset('milestone-xprotect'));
    const subjects: string[] = [];
    const result = await scanFile(path, matcher, { onObservation: (observation) => subjects.push(observation.subject) });
    expect(result).toEqual({ lines: 3, matched: 2, bytes: statSync(path).size - 2 });
    expect(subjects).toEqual(['Gate 3', 'A']);
  });
});

describe('LogsCollector when a chunk of lines fails to commit', () => {
  it('reports its condition changes again when the chunk is read again, so none is lost', async () => {
    const dir = await tempDir();
    mkdirSync(`${dir}/logs`);
    writeFileSync(`${dir}/logs/RecordingServer.log`, '');
    // A spool in miniature: what a chunk emits is kept only if its transaction commits; the first commit fails (a full disk).
    const committed: Observation[] = [];
    let pending: Observation[] | undefined;
    let failNextCommit = true;
    const memory = new MemoryOffsetStore();
    const offsets = {
      load: (key: string) => memory.load(key),
      save: (key: string, saved: { path: string; offset: number; size?: number }) => memory.save(key, saved),
      atomically<T>(work: () => T): T {
        pending = [];
        try {
          const result = work();
          if (failNextCommit) {
            failNextCommit = false;
            throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
          }
          committed.push(...pending);
          return result;
        } finally {
          pending = undefined;
        }
      },
    };
    const sink = { emit: (observation: Observation) => (pending ?? committed).push(observation) };
    const logs = collector(dir, {}, offsets as unknown as MemoryOffsetStore);
    await logs.start(sink);
    appendFileSync(`${dir}/logs/RecordingServer.log`, line('10:00:00', "Camera 'Gate 3' (10.0.0.13): Unable to connect to camera"));
    await waitFor('the chunk committed on its second reading', () => committed.length > 0);
    expect(failNextCommit).toBe(false);
    expect(committed).toEqual([expect.objectContaining({ kind: 'condition', code: 'camera-unreachable', subject: 'Gate 3', active: true })]);
  });
});
