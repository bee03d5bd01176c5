import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..', '..');

/**
 * Library code takes its settings as typed options; only the CLI (cli/src/main.ts) reads the
 * environment and parses it, once per process. Any process.env in these trees is a setting that
 * escaped that parse.
 */
const LIBRARY_SOURCES = ['broker/src', 'dashboard/src', 'proto/src'];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|js|mjs)$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
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
