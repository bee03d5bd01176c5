import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Library code takes its settings as typed options; only the CLIs (cli/src/main.ts, and the
 * agent's own agent/src/cli/) read the environment and parse it, once per process. Any
 * process.env in these trees is a setting that escaped that parse.
 */
const LIBRARY_SOURCES = ['broker/src', 'dashboard/src', 'proto/src', 'ingestor/src', 'agent/src'];
const CLI_SOURCES = [resolve(ROOT, 'agent/src/cli')];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name))
    .filter((file) => !CLI_SOURCES.some((cli) => file.startsWith(`${cli}/`)));
}

describe('library code never reads the environment', () => {
  it.each(LIBRARY_SOURCES)('%s', (tree) => {
    const hits = sourceFiles(resolve(ROOT, tree)).flatMap((file) =>
      readFileSync(file, 'utf8')
        .split('\n')
        .flatMap((line, index) => (line.includes('process.env') ? [`${relative(ROOT, file)}:${index + 1}: ${line.trim()}`] : [])),
    );
    expect(hits).toEqual([]);
  });
});
