import { readFileSync } from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { logsConfigSchema, type LogsConfigInput } from '../../../src/collectors/logs/config.js';

const SAMPLE = new URL('../../../src/collectors/logs/sample.yaml', import.meta.url);

function issues(raw: unknown): Array<{ path: string; message: string }> {
  const result = logsConfigSchema.safeParse(raw);
  if (result.success) return [];
  return result.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message }));
}

describe('logs config', () => {
  it('fills in defaults', () => {
    expect(logsConfigSchema.parse({ files: [{ glob: '/var/log/xprotect/*.log' }] })).toEqual({
      files: [{ glob: '/var/log/xprotect/*.log', encoding: 'auto' }],
      presets: ['milestone-xprotect'],
      startAt: 'end',
      maxLineBytes: 65_536,
      rescanSeconds: 5,
      watch: 'poll',
      pollSeconds: 1,
    });
  });

  it('lets the caller name the field of every problem', () => {
    const found = issues({
      files: [{ glob: 'relative/*.log', encoding: 'latin1' }],
      presets: ['genetec'],
      startAt: 'middle',
      maxLineBytes: 10,
      extra: true,
    });
    expect(found.map((issue) => issue.path).sort()).toEqual(['', 'files.0.encoding', 'files.0.glob', 'maxLineBytes', 'presets.0', 'startAt']);
    expect(found.find((issue) => issue.path === 'files.0.glob')?.message).toMatch(/absolute path/);
  });

  it('needs at least one file and at least one source of rules', () => {
    expect(issues({ files: [] }).map((issue) => issue.path)).toEqual(['files']);
    expect(issues({ files: [{ glob: '/x/*.log' }], presets: [] })).toEqual([
      { path: 'presets', message: 'enable at least one preset or give a rulesFile, otherwise nothing can match' },
    ]);
    expect(issues({ files: [{ glob: '/x/*.log' }], presets: [], rulesFile: 'extra.yaml' })).toEqual([]);
  });

  it('accepts the sample config (its Windows glob only on Windows)', () => {
    const sample = (parseYaml(readFileSync(SAMPLE, 'utf8')) as { logs: LogsConfigInput }).logs;
    const files = process.platform === 'win32' ? sample.files : sample.files.filter((file) => file.glob.startsWith('/'));
    expect(issues({ ...sample, files })).toEqual([]);
  });
});
