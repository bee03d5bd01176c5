import { openSync, readSync } from 'node:fs';
import { loadLogRules, LineMatcher } from '../../agent/src/collectors/logs/index.js';
import { buildCandidateNfa } from '../../agent/src/collectors/logs/candidate-nfa.js';
import { CandidateScanner } from '../../agent/src/collectors/logs/candidate-scanner.js';
const rules = loadLogRules({ presets: ['milestone-xprotect'] }, '/');
let t = performance.now();
const nfa = buildCandidateNfa(rules)!;
console.log('nfa states', nfa.moves.length, (performance.now() - t).toFixed(1), 'ms');
t = performance.now();
const scanner = new CandidateScanner(nfa);
console.log('scanner', (performance.now() - t).toFixed(1), 'ms', 'accepts everything', scanner.acceptsEverything);
const matcher = new LineMatcher(rules);
const path = '/tmp/vigil-bench-xprotect-268435456-seed20261122-v1.log';
const fd = openSync(path, 'r'); const buf = Buffer.allocUnsafe(1 << 20);
for (let run = 0; run < 3; run++) {
  let pos = 0, candidates = 0, matched = 0; const t0 = performance.now();
  for (;;) {
    const n = readSync(fd, buf, 0, buf.length, pos); if (n === 0) break;
    const end = buf.lastIndexOf(10, n - 1) + 1; pos += end;
    let from = 0;
    while (from < end) {
      const hit = scanner.next(buf, from, end);
      if (hit === -1) break;
      candidates++;
      const start = buf.lastIndexOf(10, hit) + 1; // hit is never a newline
      let stop = buf.indexOf(10, hit); if (stop === -1 || stop > end) stop = end;
      if (matcher.match(buf.toString('utf8', start, stop), 0)) matched++;
      from = stop + 1;
    }
  }
  console.log('dfa', (pos / ((performance.now() - t0) / 1000) / 1e6).toFixed(0), 'MB/s', 'candidates', candidates, 'matched', matched, 'states', (scanner as any).sets.length);
}
