/**
 * `npm run proof`: runs the fault suite, the hostile-input suite and the refusal tests named in
 * test/security/README.md (strict: a missing system program fails, never skips), then writes
 * docs/PROOF.md from what they measured. Exits non-zero when any of them failed; the report is
 * written either way, saying so at the top.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, platform, release, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import type { FaultResult } from './faults/support/report.js';

const ROOT = resolve(import.meta.dirname, '..');
/** Where the refusals the issue names are proven outside test/security (see its README's table). */
const REFUSAL_TESTS = [
  'broker/test/acl.test.ts',
  'broker/test/broker.test.ts',
  'broker/test/interop.test.ts',
  'ingestor/test/bad-input.test.ts',
  'dashboard/test/tenancy.test.ts',
  'dashboard/test/security.test.ts',
];
const SUITES = ['test/faults', 'test/security', ...REFUSAL_TESTS];

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  startTime: number;
  testResults: Array<{ name: string; status: string; assertionResults: Array<{ fullName: string; status: string; duration?: number }> }>;
}

interface FuzzResult {
  seed: number;
  envelopes: number;
  rawPackets: number;
  seconds: number;
  ingestorDropped: Record<string, number>;
  brokerRefused: Record<string, number>;
  rawConnectionsClosed: number;
  rawConnections: number;
  rssBeforeBytes: number;
  rssAfterBytes: number;
  memoryGrowthLimitBytes: number;
}

const results = mkdtempSync(join(tmpdir(), 'vigil-proof-'));
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [
    join(ROOT, 'node_modules', 'vitest', 'vitest.mjs'),
    'run',
    ...SUITES,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${join(results, 'vitest.json')}`,
  ],
  { cwd: ROOT, stdio: 'inherit', env: { ...process.env, VIGIL_STRICT: '1', VIGIL_PROOF_DIR: results } },
);
const minutes = (Date.now() - started) / 60_000;

const read = <T>(name: string): T | undefined => {
  const path = join(results, name);
  return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as T) : undefined;
};
const vitest = read<VitestJson>('vitest.json');
const faults = readdirSync(results)
  .filter((f) => f.startsWith('fault-'))
  .map((f) => read<FaultResult>(f)!)
  .sort((a, b) => a.name.localeCompare(b.name));
const fuzz = read<FuzzResult>('fuzz.json');

const git = (...args: string[]) => execFileSync('git', args, { cwd: ROOT, encoding: 'utf8' }).trim();
const commit = git('rev-parse', '--short=12', 'HEAD');
const dirty = git('status', '--porcelain', '--untracked-files=no') !== '';
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const passed = run.status === 0 && vitest !== undefined && vitest.numFailedTests === 0;

const lines: string[] = [];
lines.push('# Proof');
lines.push('');
lines.push(
  'What `npm run proof` measured: the fault suite (`test/faults/`), the hostile-input suite (`test/security/`) and the refusal tests named in [test/security/README.md](../test/security/README.md), run with real processes on loopback. Regenerate it with `npm run proof`; do not edit it by hand.',
);
lines.push('');
lines.push(
  `- **Result: ${passed ? 'all passed' : 'FAILED'}** — ${vitest?.numPassedTests ?? 0} tests passed, ${vitest?.numFailedTests ?? '?'} failed, ${vitest?.numPendingTests ?? 0} skipped, in ${minutes.toFixed(1)} min.`,
);
lines.push(`- Commit \`${commit}\`${dirty ? ' with uncommitted changes' : ''}, ${new Date(started).toISOString().slice(0, 16).replace('T', ' ')} UTC.`);
lines.push(
  `- Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${mib(totalmem())} RAM, ${platform()} ${release()}, Node.js ${process.version}.`,
);
lines.push('');
lines.push('## Faults');
lines.push('');
lines.push(
  'Each scenario produces uniquely numbered observations (log lines a real `vigil agent` reads), injects its fault, waits for recovery and counts exactly what the stores hold. *Lost* is what vanished without a word: an observation the agent dropped by design (its disk full) and reported is not lost, and is listed with the details.',
);
lines.push('');
lines.push('| Scenario | Sent | Stored | Lost | Doubled | Recovered in | Details |');
lines.push('| --- | ---: | ---: | ---: | ---: | ---: | --- |');
for (const f of faults) {
  const details = Object.entries(f.details ?? {})
    .map(([k, v]) => `${k}: ${v}`)
    .join('; ');
  lines.push(`| ${f.name} | ${f.sent} | ${f.stored} | ${f.lost} | ${f.doubled} | ${f.recoveredSeconds.toFixed(1)} s | ${details} |`);
}
if (faults.length === 0) lines.push('| (no scenario reported: see the failures below) | | | | | | |');
lines.push('');
lines.push('## Hostile input');
lines.push('');
if (fuzz) {
  lines.push(
    `${fuzz.envelopes.toLocaleString('en')} envelopes and ${fuzz.rawPackets.toLocaleString('en')} raw MQTT packets in ${fuzz.seconds.toFixed(0)} s (seed ${fuzz.seed}; replay with \`VIGIL_FUZZ_SEED=${fuzz.seed} npx vitest run test/security/fuzz.test.ts\`). The broker + ingestor process never exited and the well-behaved recorder stayed connected.`,
  );
  lines.push('');
  lines.push('| Ingestor dropped, by reason | Count |');
  lines.push('| --- | ---: |');
  for (const [reason, n] of Object.entries(fuzz.ingestorDropped).sort((a, b) => b[1] - a[1])) lines.push(`| ${reason} | ${n} |`);
  lines.push('');
  lines.push('| Broker closed the connection, by reason | Count |');
  lines.push('| --- | ---: |');
  for (const [reason, n] of Object.entries(fuzz.brokerRefused).sort((a, b) => b[1] - a[1])) lines.push(`| ${reason} | ${n} |`);
  lines.push('');
  lines.push(
    `${fuzz.rawConnectionsClosed} of ${fuzz.rawConnections} raw connections closed by the broker, each counted once. Memory (RSS after a forced GC): ${mib(fuzz.rssBeforeBytes)} before, ${mib(fuzz.rssAfterBytes)} after (limit: growth under ${mib(fuzz.memoryGrowthLimitBytes)}).`,
  );
} else {
  lines.push('The fuzz run reported nothing: see the failures below.');
}
lines.push('');
lines.push('## Every test run');
lines.push('');
for (const file of vitest?.testResults ?? []) {
  lines.push(`### \`${relative(ROOT, file.name)}\``);
  lines.push('');
  for (const test of file.assertionResults)
    lines.push(`- ${test.status === 'passed' ? '✓' : test.status === 'failed' ? '✗ FAILED:' : `(${test.status})`} ${test.fullName}`);
  lines.push('');
}
writeFileSync(join(ROOT, 'docs', 'PROOF.md'), `${lines.join('\n').trimEnd()}\n`);
rmSync(results, { recursive: true, force: true });
console.log(`docs/PROOF.md written: ${passed ? 'all passed' : 'FAILURES'} (${faults.length} fault scenarios, fuzz ${fuzz ? 'reported' : 'missing'})`);
process.exit(passed ? 0 : 1);
