// Log matching throughput: lines per second the agent matches against the milestone-xprotect
// preset on a 1 GiB XProtect-like log, next to `grep -cE` with the same patterns on the same file
// and the same machine. Run: npm run bench -- agent/log-throughput
//
// The agent's own path is measured: its Tailer reads the file as a backlog (startAt: beginning,
// the config defaults for the rest) and hands each block of lines to LineMatcher.scanLines, as
// the logs collector does, building every observation.
//
// BENCH_LOG_BYTES sets the file size (default 1 GiB). The generated file is kept in os.tmpdir()
// and reused by later runs of the same size, because writing it takes longer than measuring it.
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  FIRST_START_KEY,
  LineMatcher,
  loadLogRules,
  logsConfigSchema,
  MemoryOffsetStore,
  Tailer,
  type LineObservation,
  type Rule,
} from '../../agent/src/collectors/logs/index.js';
import { toPrefilterSource } from '../../agent/src/collectors/logs/prefilter.js';
import { XProtectLog } from './support/xprotect-log.js';

const BYTES = Number(process.env.BENCH_LOG_BYTES ?? 1024 ** 3);
const RUNS = 3;
const SEED = 20261122;
/** Bumped whenever the generator changes, so an old file is not reused for new content. */
const GENERATOR_VERSION = 1;

if (!Number.isSafeInteger(BYTES) || BYTES < 1024)
  throw new Error(`BENCH_LOG_BYTES must be a whole number of bytes >= 1024, not "${process.env.BENCH_LOG_BYTES}"`);

// ---------------------------------------------------------------------------------------------
// The log file

interface LogFacts {
  lines: number;
  /** Lines written from a template meant to match a rule. */
  generatedMatches: number;
}

/** Writes exactly `bytes` bytes of log lines to `path`; all ASCII, so characters are bytes. */
function generateLog(path: string, bytes: number): LogFacts {
  const log = new XProtectLog(SEED);
  const partial = `${path}.partial-${process.pid}`;
  const fd = openSync(partial, 'w');
  let written = 0;
  let lines = 0;
  let generatedMatches = 0;
  try {
    let chunk = '';
    for (;;) {
      const { text: line, expected } = log.line();
      if (written + chunk.length + line.length > bytes) {
        // Pad the last line so the file has exactly the requested size.
        const left = bytes - written - chunk.length;
        if (left > 0) {
          chunk += `${'#'.repeat(left - 1)}\n`;
          lines++;
        }
        written += writeSync(fd, chunk);
        break;
      }
      chunk += line;
      lines++;
      if (expected) generatedMatches++;
      if (chunk.length >= 4 * 1024 * 1024) {
        written += writeSync(fd, chunk);
        chunk = '';
      }
    }
    closeSync(fd);
  } catch (error) {
    closeSync(fd);
    rmSync(partial, { force: true });
    throw error;
  }
  if (written !== bytes) throw new Error(`wrote ${written} bytes instead of ${bytes}`);
  // Renamed only when complete, so an interrupted run never leaves a file that looks reusable.
  renameSync(partial, path);
  const facts = { lines, generatedMatches };
  writeFileSync(`${path}.json`, JSON.stringify(facts));
  return facts;
}

function logFile(): { path: string; facts: LogFacts; reused: boolean; seconds: number } {
  const path = join(tmpdir(), `vigil-bench-xprotect-${BYTES}-seed${SEED}-v${GENERATOR_VERSION}.log`);
  if (existsSync(path) && statSync(path).size === BYTES && existsSync(`${path}.json`)) {
    return { path, facts: JSON.parse(readFileSync(`${path}.json`, 'utf8')) as LogFacts, reused: true, seconds: 0 };
  }
  const started = performance.now();
  const facts = generateLog(path, BYTES);
  return { path, facts, reused: false, seconds: (performance.now() - started) / 1000 };
}

// ---------------------------------------------------------------------------------------------
// The rules as POSIX ERE for grep. GNU grep -E knows \s \S \w \W \b \B as extensions, but not
// \d, lookaround, named groups or JS escapes inside brackets (where a backslash is literal).
// Lookarounds are left out first (as the agent's own prefilter does), so grep then matches a
// superset of what a rule with lookarounds matches; case-insensitive rules go to grep -i, which
// is all or nothing, so they convert only when every rule is case-insensitive.

type Conversion = { ere: string } | { problem: string };

const ERE_SPECIAL = new Set(['.', '[', ']', '(', ')', '*', '+', '?', '{', '}', '|', '^', '$', '\\']);

function toPosixEre(rule: Rule, ignoreCase: boolean): Conversion {
  if (rule.flags?.includes('i') !== ignoreCase) return { problem: 'case-insensitive and case-sensitive rules mixed: grep -i is for all patterns or none' };
  const pattern = toPrefilterSource(rule.pattern, rule.flags, { lookarounds: 'drop' });
  if (pattern === undefined) return { problem: 'backreference' };
  let out = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      i++;
      if ('sSwWbB'.includes(next)) out += `\\${next}`;
      else if (next === 'd') out += '[0-9]';
      else if (next === 'D') out += '[^0-9]';
      else if (next === 't') out += '\t';
      else if (next === 'r') out += '\r';
      else if (next === 'n') return { problem: 'matches a newline, which grep never sees inside a line' };
      else if (/[1-9k]/.test(next)) return { problem: 'backreference' };
      else if (/[A-Za-z0-9]/.test(next)) return { problem: `escape \\${next} has no ERE equivalent` };
      else out += ERE_SPECIAL.has(next) ? `\\${next}` : next;
    } else if (char === '[') {
      const bracket = toBracket(pattern, i);
      if ('problem' in bracket) return bracket;
      out += bracket.ere;
      i = bracket.end;
    } else if (char === '(') {
      if (pattern[i + 1] !== '?') out += '(';
      else if (pattern.startsWith('(?:', i)) {
        out += '(';
        i += 2;
      } else if (pattern[i + 2] === '<' && pattern[i + 3] !== '=' && pattern[i + 3] !== '!') {
        out += '(';
        i = pattern.indexOf('>', i);
      } else return { problem: 'lookaround' };
    } else if ('*+?}'.includes(char) && pattern[i + 1] === '?') {
      // Lazy or greedy, a line matches or not all the same; ERE only has greedy.
      out += char;
      i++;
    } else out += char;
  }
  return { ere: out };
}

/** The bracket expression starting at `start`, rewritten for POSIX, and where it ends. */
function toBracket(pattern: string, start: number): { ere: string; end: number } | { problem: string } {
  let i = start + 1;
  const negated = pattern[i] === '^';
  if (negated) i++;
  // POSIX: a literal ] must come first and a literal - last; ^ anywhere but first.
  let body = '';
  let rightBracket = false;
  let dash = false;
  let caret = false;
  for (; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === ']') {
      if (!body && !rightBracket && !dash && !caret) return { problem: 'empty character class' };
      return { ere: `[${negated ? '^' : ''}${rightBracket ? ']' : ''}${body}${caret ? '^' : ''}${dash ? '-' : ''}]`, end: i };
    }
    if (char !== '\\') {
      if (char === '[' && ':.='.includes(pattern[i + 1] ?? '')) return { problem: `"[${pattern[i + 1]}" inside a class reads differently in POSIX` };
      if (char === '^') caret = true;
      else if (char === '-' && (body === '' || pattern[i + 1] === ']')) dash = true;
      else body += char;
      continue;
    }
    const next = pattern[++i] ?? '';
    if (next === 'd') body += '0-9';
    else if (next === 's') body += '[:space:]';
    else if (next === 'w') body += '[:alnum:]_';
    else if (next === 't') body += '\t';
    else if (next === 'r') body += '\r';
    else if (next === 'n')
      continue; // grep lines hold no newline, so leaving it out changes nothing
    else if (next === ']') rightBracket = true;
    else if (next === '-') dash = true;
    else if (next === '^') caret = true;
    else if (/[A-Za-z0-9]/.test(next)) return { problem: `\\${next} inside a class has no POSIX equivalent` };
    else body += next; // a backslash is literal inside a POSIX bracket, so \\ becomes one
  }
  return { problem: 'unterminated character class' };
}

// ---------------------------------------------------------------------------------------------
// Measuring

interface Run {
  seconds: number;
  matched: number;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

async function ours(path: string, matcher: LineMatcher): Promise<Run & { byCode: Map<string, number> }> {
  const byCode = new Map<string, number>();
  let matched = 0;
  // Something must consume the observations, or building them could be optimised away.
  const onObservation = (observation: LineObservation) => {
    matched++;
    byCode.set(observation.code, (byCode.get(observation.code) ?? 0) + 1);
  };
  // The agent's defaults for everything but where to start; no watching, the file does not grow.
  const config = logsConfigSchema.parse({ files: [{ glob: path }], startAt: 'beginning', watch: 'off' });
  const offsets = new MemoryOffsetStore();
  const tailer = new Tailer({
    files: config.files,
    offsets,
    startAt: config.startAt,
    maxLineBytes: config.maxLineBytes,
    rescanMs: config.rescanSeconds * 1000,
    watch: config.watch,
    pollMs: config.pollSeconds * 1000,
    onLines: (block) => {
      matcher.scanLines(block, Date.now(), onObservation);
    },
  });
  const started = performance.now();
  // start() resolves once the files present have been read, from the beginning here.
  await tailer.start();
  const seconds = (performance.now() - started) / 1000;
  await tailer.stop();
  const read = offsets.entries().find(([key]) => key !== FIRST_START_KEY)?.[1].offset;
  if (read !== BYTES) throw new Error(`the tailer read ${read} bytes of ${BYTES}`);
  return { seconds, matched, byCode };
}

/**
 * grep -cE with the patterns; `timeoutMs` stops it (its DFA can give up on large case-insensitive
 * alternations and fall back to matching line by line, which took minutes per 8 MB), and the run
 * then counts as timed out (matched NaN).
 */
function grep(args: string[], env: NodeJS.ProcessEnv, timeoutMs = 0): Promise<Run & { stderr: string; timedOut?: boolean }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn('grep', args, {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      ...(timeoutMs > 0 ? { timeout: timeoutMs, killSignal: 'SIGKILL' as const } : {}),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      if (signal === 'SIGKILL' && timeoutMs > 0) {
        resolve({ seconds, matched: Number.NaN, stderr, timedOut: true });
        return;
      }
      // 1 only says no line matched; 2 is an error.
      if (code !== 0 && code !== 1) reject(new Error(`grep ${args.join(' ')} exited ${code}: ${stderr.trim()}`));
      else resolve({ seconds, matched: Number(stdout.trim()), stderr });
    });
  });
}

/** Reads the whole file once so every measurement starts from the page cache. */
async function prime(path: string): Promise<number> {
  const handle = await open(path, 'r');
  const buffer = Buffer.allocUnsafe(4 * 1024 * 1024);
  const started = performance.now();
  try {
    let position = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, position);
      if (bytesRead === 0) break;
      position += bytesRead;
    }
  } finally {
    await handle.close();
  }
  return (performance.now() - started) / 1000;
}

const work = mkdtempSync(join(tmpdir(), 'vigil-bench-logs-'));
try {
  const file = logFile();
  const rules = loadLogRules({ presets: ['milestone-xprotect'] }, process.cwd());
  const matcher = new LineMatcher(rules);
  const bare = new LineMatcher([]);

  const ignoreCase = rules.every((rule) => rule.flags?.includes('i'));
  const withLookarounds = rules.filter(
    (rule) => toPrefilterSource(rule.pattern, rule.flags, { lookarounds: 'drop' }) !== toPrefilterSource(rule.pattern, rule.flags),
  ).length;
  const converted = rules.map((rule) => ({ rule, conversion: toPosixEre(rule, ignoreCase) }));
  const expressed = converted.flatMap(({ conversion }) => ('ere' in conversion ? [conversion.ere] : []));
  const patterns = join(work, 'patterns.ere');
  writeFileSync(patterns, `${expressed.join('\n')}\n`);
  // grep names no pattern when the file is bad, so each one is tried alone as well.
  const rejected: string[] = [];
  for (const { rule, conversion } of converted) {
    if (!('ere' in conversion)) continue;
    const one = join(work, 'one.ere');
    writeFileSync(one, `${conversion.ere}\n`);
    try {
      const check = await grep([ignoreCase ? '-icE' : '-cE', '-f', one, '/dev/null'], { ...process.env, LC_ALL: 'C' });
      if (check.stderr.trim()) rejected.push(`${rule.id}: grep warns: ${check.stderr.trim()}`);
    } catch (error) {
      rejected.push(`${rule.id}: grep refuses it: ${(error as Error).message}`);
    }
  }
  if (rejected.length > 0) throw new Error(`grep does not take every converted pattern:\n  ${rejected.join('\n  ')}`);

  const primeSeconds = await prime(file.path);
  const defaultLocale = process.env.LC_ALL || process.env.LC_CTYPE || process.env.LANG || 'POSIX (nothing set)';
  const cEnv = { ...process.env, LC_ALL: 'C' };
  const grepArgs = [ignoreCase ? '-icE' : '-cE', '-f', patterns, file.path];

  const names = [
    'ours (tailer + matcher, observations built)',
    'ours, read + cut lines, no rules',
    'grep -cE, LC_ALL=C',
    `grep -cE, default locale (${defaultLocale})`,
  ] as const;
  const runs: Array<Array<Run & { timedOut?: boolean }>> = names.map(() => []);
  const lines = file.facts.lines;
  let byCode = new Map<string, number>();
  // Rounds interleave the contenders so drift (thermal, neighbours) hits them all alike.
  for (let round = 0; round < RUNS; round++) {
    const full = await ours(file.path, matcher);
    byCode = full.byCode;
    runs[0]?.push(full);
    runs[1]?.push(await ours(file.path, bare));
    // grep gets ten times as long as ours took, at least 10 s.
    const grepLimitMs = Math.max(10_000, full.seconds * 10_000);
    runs[2]?.push(await grep(grepArgs, cEnv, grepLimitMs));
    runs[3]?.push(await grep(grepArgs, process.env, grepLimitMs));
  }

  const seconds = runs.map((list) => median(list.map((run) => run.seconds)));
  const matched = runs.map((list) => list.map((run) => run.matched));
  const mb = BYTES / 1e6;
  const [fullS, bareS, grepCS, grepDefaultS] = seconds as [number, number, number, number];
  const spread = (index: number) => {
    const all = (runs[index] ?? []).map((run) => run.seconds);
    return `${Math.min(...all).toFixed(2)}-${Math.max(...all).toFixed(2)}`;
  };
  const gaveUp = (index: number) => (runs[index] ?? []).some((run) => run.timedOut);
  const row = (index: number, s: number, extra = '') =>
    `  ${names[index]?.padEnd(44)} ${(mb / s).toFixed(0).padStart(5)} MB/s ${(lines / s / 1e6).toFixed(2).padStart(6)} M lines/s ${s.toFixed(2).padStart(6)} s (${spread(index)})${gaveUp(index) ? ' STOPPED at the time limit: at most this fast' : ''}${extra}`;
  const ratios = (s: number) => `  ours/grep: ${(grepCS / s).toFixed(2)} (C), ${(grepDefaultS / s).toFixed(2)} (default locale)`;

  console.log(`log matching throughput, preset milestone-xprotect (${rules.length} rules), median of ${RUNS} runs (min-max), MB = 10^6 bytes:`);
  console.log(
    `  file: ${file.path}, ${(BYTES / 1024 ** 3).toFixed(2)} GiB, ${lines.toLocaleString('en')} lines, ${file.reused ? 'reused' : `generated in ${file.seconds.toFixed(0)} s (kept for the next run)`}`,
  );
  console.log(`  page cache primed by one plain read: ${(mb / primeSeconds).toFixed(0)} MB/s`);
  const unexpressed = converted.filter(({ conversion }) => 'problem' in conversion);
  console.log(
    `  grep patterns: ${expressed.length} of ${rules.length} rules as POSIX ERE${ignoreCase ? ' (grep -i)' : ''}${withLookarounds ? `, ${withLookarounds} without their lookarounds (grep may count more lines)` : ''}${unexpressed.map(({ rule, conversion }) => `; ${rule.id} not expressible: ${'problem' in conversion ? conversion.problem : ''}`).join('')}`,
  );
  console.log(row(0, fullS, ratios(fullS)));
  console.log(row(1, bareS));
  console.log(row(2, grepCS));
  console.log(row(3, grepDefaultS));

  const counts = matched.map((list) => [...new Set(list)]);
  const single = counts.every((list) => list.length === 1);
  const [oursFull, , grepC, grepDefault] = counts.map((list) => list[0] as number) as [number, number, number, number];
  console.log(
    `  matching lines: ours ${oursFull.toLocaleString('en')}, grep C ${grepC.toLocaleString('en')}, grep default locale ${grepDefault.toLocaleString('en')}, generator wrote ${file.facts.generatedMatches.toLocaleString('en')} (${((100 * file.facts.generatedMatches) / file.facts.lines).toFixed(2)} % of lines)`,
  );
  if (!single) console.log(`  WARNING: counts differ between runs of the same contender: ${JSON.stringify(matched)}`);
  if (gaveUp(2) || gaveUp(3)) console.log('  grep was stopped at its time limit (ten times ours): its DFA gave up on these patterns, so it has no count');
  const agree = oursFull === grepC && grepC === grepDefault;
  console.log(`  counts agree: ${agree ? 'yes' : `NO: ours - grep (C) = ${oursFull - grepC}, grep default - grep C = ${grepDefault - grepC}`}`);
  if (oursFull !== file.facts.generatedMatches)
    console.log(`  note: the generator meant ${file.facts.generatedMatches} lines to match, the rules matched ${oursFull}`);
  console.log(`  observations by code: ${[...byCode].map(([code, n]) => `${code} ${n.toLocaleString('en')}`).join(', ')}`);
  const ratio = grepCS / fullS;
  console.log(`  target ours (full) >= 0.5 x grep (LC_ALL=C): ${ratio >= 0.5 ? 'met' : 'MISSED'} (${ratio.toFixed(2)})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
