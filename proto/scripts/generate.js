#!/usr/bin/env node
// Regenerates proto/src/gen/vigil.{js,d.ts} from proto/vigil.proto with protobufjs-cli.
// With --check it generates into a temp dir and fails when the committed files differ,
// so CI proves the generated code is up to date.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const here = dirname(fileURLToPath(import.meta.url));
const protoDir = resolve(here, '..');
const genDir = join(protoDir, 'src', 'gen');
const check = process.argv.includes('--check');
const require = createRequire(import.meta.url);
const cliDir = dirname(require.resolve('protobufjs-cli/package.json'));

const out = mkdtempSync(join(tmpdir(), 'vigil-proto-'));
try {
  const js = join(out, 'vigil.js');
  const dts = join(out, 'vigil.d.ts');
  const run = (bin, args) => execFileSync(process.execPath, [join(cliDir, 'bin', bin), ...args], { cwd: protoDir, stdio: ['ignore', 'ignore', 'inherit'] });
  run('pbjs', ['-t', 'static-module', '-w', 'esm', '--force-number', '--no-service', '-o', js, 'vigil.proto']);
  run('pbts', ['-o', dts, js]);
  const files = ['vigil.js', 'vigil.d.ts'];
  if (check) {
    const stale = files.filter((f) => {
      try {
        return readFileSync(join(genDir, f), 'utf8') !== readFileSync(join(out, f), 'utf8');
      } catch {
        return true;
      }
    });
    if (stale.length > 0) {
      console.error(`proto/src/gen is out of date (${stale.join(', ')}): run "npm run proto:gen" and commit the result.`);
      process.exit(1);
    }
    console.log('proto/src/gen is up to date with proto/vigil.proto');
  } else {
    mkdirSync(genDir, { recursive: true });
    for (const f of files) copyFileSync(join(out, f), join(genDir, f));
    console.log(`generated ${files.map((f) => join('proto/src/gen', f)).join(', ')}`);
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
