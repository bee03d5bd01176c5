import { readFileSync, writeFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LineMatcher, loadLogRules, loadPreset, loadRulesFile, parseRules, RulesError, type Rule, type RulesFile } from '../../../src/collectors/logs/rules.js';
import { LineBlock } from '../../../src/collectors/logs/line-reader.js';
import { cleanCapture, MAX_SHARED_SOURCE } from '../../../src/collectors/logs/line-matcher.js';
import { captureLayout, namedGroups, toPrefilterSource } from '../../../src/collectors/logs/prefilter.js';
import type { ConditionChange, EventOccurrence } from '../../../src/collectors/types.js';
import { makeTempDir, removeDir } from './helpers.js';

const FIXTURE = new URL('./fixtures/xprotect-sample.log', import.meta.url);
const AT = Date.UTC(2024, 4, 1, 8, 0, 0);

/** How many lines of `text` match, through the agent's entry point (blocks of lines as bytes). */
const matchedLines = (matcher: LineMatcher, text: string) => matcher.scanLines(new LineBlock(Buffer.from(text), 'utf8'), AT, () => undefined);

function rulesError(raw: unknown): RulesError {
  try {
    parseRules(raw, 'test.yaml');
  } catch (error) {
    if (error instanceof RulesError) return error;
    throw error;
  }
  throw new Error('expected a RulesError');
}

const cameraDown: RulesFile['rules'][number] = {
  id: 'camera-down',
  pattern: "Camera '(?<camera>[^']+)' down",
  code: 'camera-unreachable',
  type: 'condition',
  subject: '{camera}',
  severity: 'error',
};

describe('rules file validation', () => {
  it('accepts a valid rule and defaults nothing it does not need to', () => {
    expect(parseRules({ rules: [cameraDown] }, 'test.yaml')).toEqual([cameraDown]);
  });

  it('names the rule (index and id) and the field of each problem', () => {
    const error = rulesError({
      rules: [
        cameraDown,
        { ...cameraDown, id: 'bad-regex', pattern: "Camera (?<camera>[^']+" },
        { ...cameraDown, id: 'bad-code', code: 'camera-on-fire' },
        { ...cameraDown, id: 'event-with-action', type: 'event', action: 'clear' },
        { ...cameraDown, id: 'unknown-capture', subject: '{camera} on {recorder}' },
        { ...cameraDown, id: 'sticky', flags: 'gy' },
        { ...cameraDown, id: 'matches-everything', pattern: '(?<camera>x)?' },
        { ...cameraDown, id: 'typo', severty: 'error' },
        { ...cameraDown },
      ],
    });
    expect(error.source).toBe('test.yaml');
    const problems = error.problems.join('\n');
    expect(problems).toMatch(/rules\[1\] \(id "bad-regex"\)\.pattern: Invalid regular expression: .*Unterminated group/);
    expect(problems).toMatch(/rules\[2\] \(id "bad-code"\)\.code: /);
    expect(problems).toMatch(/rules\[3\] \(id "event-with-action"\)\.action: only conditions/);
    expect(problems).toMatch(/rules\[4\] \(id "unknown-capture"\)\.subject: \{recorder\} is not a named capture of the pattern; the pattern captures camera/);
    expect(problems).toMatch(/rules\[5\] \(id "sticky"\)\.flags: only "i" and "u"/);
    expect(problems).toMatch(/rules\[6\] \(id "matches-everything"\)\.pattern: matches an empty line/);
    expect(problems).toMatch(/rules\[7\] \(id "typo"\): Unrecognized key: "severty"/);
    expect(problems).toMatch(/rules\[8\] \(id "camera-down"\)\.id: duplicate id, already used by rules\[0\]/);
    expect(error.problems).toHaveLength(8);
  });

  it('names the nearest valid key of a misspelt one, in a rule and at the top of the file', () => {
    const error = rulesError({ rule: [], rules: [{ ...cameraDown, severty: 'error', mesage: 'x' }] });
    expect(error.problems).toEqual(
      expect.arrayContaining([
        '(top level): Unrecognized key: "rule"; did you mean "rules"?',
        'rules[0] (id "camera-down"): Unrecognized key: "severty"; did you mean "severity"?',
        'rules[0] (id "camera-down"): Unrecognized key: "mesage"; did you mean "message"?',
      ]),
    );
  });

  it('reports a regex that only the rule flags make invalid', () => {
    const error = rulesError({ rules: [{ ...cameraDown, pattern: "Camera '(?<camera>[^']+)' \\-", flags: 'u' }] });
    expect(error.problems).toEqual([expect.stringMatching(/^rules\[0\] \(id "camera-down"\)\.pattern: Invalid regular expression: \/.*\/u: Invalid escape/)]);
  });

  it('loads YAML and JSON files, and a rules file rule replaces the preset rule with its id', async () => {
    const dir = await makeTempDir();
    try {
      writeFileSync(`${dir}/extra.json`, JSON.stringify({ rules: [{ ...cameraDown, id: 'camera-unreachable', severity: 'critical' }] }));
      writeFileSync(`${dir}/broken.yaml`, 'rules: [ { id: x');
      const merged = loadLogRules({ presets: ['milestone-xprotect'], rulesFile: 'extra.json' }, dir);
      const preset = loadPreset('milestone-xprotect');
      expect(merged.map((rule) => rule.id)).toEqual(preset.map((rule) => rule.id));
      expect(merged.find((rule) => rule.id === 'camera-unreachable')?.severity).toBe('critical');
      expect(() => loadRulesFile(`${dir}/broken.yaml`)).toThrow(/broken\.yaml is not a valid rules file:\n {2}- not valid YAML/);
      expect(() => loadRulesFile(`${dir}/missing.yaml`)).toThrow(/cannot read/);
    } finally {
      await removeDir(dir);
    }
  });
});

describe('fragments (define)', () => {
  const withPattern = (pattern: string, define: Record<string, string>) => ({ define, rules: [{ ...cameraDown, pattern }] });

  it('puts each {{name}} in as a group, also inside other fragments', () => {
    const [rule] = parseRules(withPattern("{{noun}} '(?<camera>[^']+)' down", { noun: '{{cam}}|device', cam: 'camera|cam' }), 'test.yaml');
    expect(rule?.pattern).toBe("(?:(?:camera|cam)|device) '(?<camera>[^']+)' down");
    const matcher = new LineMatcher(parseRules(withPattern("{{noun}} '(?<camera>[^']+)' down", { noun: 'camera|device' }), 'test.yaml'));
    // As a group, the alternation stays inside it: "device" alone is no match.
    expect(matcher.match("device 'Gate 3' down", AT)?.subject).toBe('Gate 3');
    expect(matcher.match('device', AT)).toBeUndefined();
  });

  it('names an undefined fragment with the nearest defined one, and a fragment that refers to itself', () => {
    expect(rulesError(withPattern("{{nuon}} '(?<camera>[^']+)'", { noun: 'camera' })).problems).toEqual([
      'rules[0] (id "camera-down").pattern: {{nuon}} is not defined in define; did you mean {{noun}}?',
    ]);
    expect(rulesError(withPattern("{{a}} '(?<camera>[^']+)'", { a: 'x{{b}}', b: 'y{{a}}' })).problems).toEqual(['define.a: refers to itself (a -> b -> a)']);
    expect(rulesError({ rules: [{ ...cameraDown, pattern: "{{noun}} '(?<camera>[^']+)'" }] }).problems).toEqual([
      'rules[0] (id "camera-down").pattern: {{noun}} is used but the file has no define section',
    ]);
    expect(rulesError({ define: { '1x': 'a' }, rules: [cameraDown] }).problems).toEqual([expect.stringMatching(/^define\.1x: .*letters, digits and "_"/)]);
  });
});

describe('prefilter source', () => {
  it('turns every group non-capturing, leaving escapes, classes and lookarounds alone', () => {
    expect(toPrefilterSource("(?<camera>[^'(]+) \\(x\\) (a|b) (?:c) (?<=d)(?<!e)(?=f)[(?<g>)]")).toBe(
      "(?:[^'(]+) \\(x\\) (?:a|b) (?:c) (?<=d)(?<!e)(?=f)[(?<g>)]",
    );
    expect(namedGroups('(?<camera>x)(y)[(?<no>)](?<drive>z)')).toEqual(['camera', 'drive']);
  });

  it('gives up on backreferences, which renumbering would break', () => {
    expect(toPrefilterSource('(a)\\1')).toBeUndefined();
    expect(toPrefilterSource('(?<q>[\'"]).*\\k<q>')).toBeUndefined();
    expect(toPrefilterSource('[\\1]')).toBe('[\\1]');
  });

  it('gives up on a decimal escape that is a character here but would be a backreference in the alternation', () => {
    // No group 1 or 8 in these patterns: \1 is an octal escape and \8 a plain "8" without u.
    expect(toPrefilterSource('a\\1b')).toBeUndefined();
    expect(toPrefilterSource('x\\8')).toBeUndefined();
    // biome-ignore lint/complexity/useRegexLiterals: TypeScript refuses \1 without a group in a literal; the constructor is the point here
    expect(new RegExp('a\\1b').test('a\u0001b')).toBe(true);
    // \0 stays the NUL character in any alternation.
    expect(toPrefilterSource('(a)\\0')).toBe('(?:a)\\0');
  });

  it('leaves escaped parentheses, escaped brackets and parentheses inside classes alone', () => {
    expect(toPrefilterSource('\\((a)\\)')).toBe('\\((?:a)\\)');
    expect(toPrefilterSource('\\[(b)\\]')).toBe('\\[(?:b)\\]');
    expect(toPrefilterSource('[\\](](c)')).toBe('[\\](](?:c)');
    expect(toPrefilterSource('[^)(]+(d)')).toBe('[^)(]+(?:d)');
    expect(toPrefilterSource('\\\\(e)')).toBe('\\\\(?:e)');
    expect(toPrefilterSource('\\x28(f)\\u0029')).toBe('\\x28(?:f)\\u0029');
  });

  it('rewrites nested, quantified and empty groups, and keeps lookarounds and non-capturing groups', () => {
    expect(toPrefilterSource('((a)(?<n>b(c))+)?()')).toBe('(?:(?:a)(?:b(?:c))+)?(?:)');
    expect(toPrefilterSource('(?=(a))(?!(b))(?<=(c))(?<!(d))(?:e)')).toBe('(?=(?:a))(?!(?:b))(?<=(?:c))(?<!(?:d))(?:e)');
    const layout = captureLayout('((a)(?<n>b(c))+)?(?<m>)');
    expect(layout.names).toEqual([
      ['n', 3],
      ['m', 5],
    ]);
    expect(layout.source).toBe('((a)(b(c))+)?()');
  });

  it('keeps group names when a named backreference needs them', () => {
    expect(captureLayout('(?<q>["\'])x\\k<q>')).toEqual({ source: '(?<q>["\'])x\\k<q>', names: [['q', 1]] });
  });

  it('can leave lookarounds out (with a quantifier on one, and groups inside one), which matches a superset', () => {
    const drop = { lookarounds: 'drop' } as const;
    expect(toPrefilterSource('a(?=b)c(?<!d(e))f(?!x)*g(?<n>h(?=i))', '', drop)).toBe('acfg(?:h)');
    expect(toPrefilterSource('(?=(?=a)b)c', '', drop)).toBe('c');
    expect(toPrefilterSource('a(?=b)', '', drop)).toBe('a');
    expect(toPrefilterSource('a(?=b)')).toBe('a(?=b)');
  });

  it('reads a pattern as its flags do', () => {
    // With u, \p{Lu} is a property escape and a group name may be written with a \u escape.
    expect(toPrefilterSource('(\\p{Lu}+) (x)', 'u')).toBe('(?:\\p{Lu}+) (?:x)');
    expect(namedGroups('(?<\\u{61}b>x)', 'u')).toEqual(['ab']);
    expect(toPrefilterSource('(?<\\u{61}b>x)', 'u')).toBe('(?:x)');
    expect(toPrefilterSource('(A)', 'i')).toBe('(?:A)');
    // Without u, a stray "{" is a literal (Annex B), as the engine reads it.
    expect(toPrefilterSource('a{(b)')).toBe('a{(?:b)');
  });
});

describe('milestone-xprotect preset', () => {
  const matcher = new LineMatcher(loadPreset('milestone-xprotect'));
  const lines = readFileSync(FIXTURE, 'utf8').split('\n').filter(Boolean);

  // [line number in the fixture, code, subject, condition active?]
  const expected: Array<[number, string, string, boolean?]> = [
    [3, 'camera-unreachable', 'Gate 3', true],
    [4, 'camera-unreachable', 'Parking North', true],
    [5, 'camera-unreachable', 'AXIS P3245-LVE Loading Bay', true],
    [6, 'camera-unreachable', 'Lobby East', true],
    [8, 'media-db-write-failure', 'Gate 3'],
    [9, 'media-db-write-failure', ''],
    [10, 'camera-unreachable', 'Gate 3', false],
    [11, 'camera-unreachable', 'Parking North', false],
    [12, 'camera-unreachable', 'Lobby East', false],
    [13, 'camera-unreachable', 'AXIS P3245-LVE Loading Bay', false],
    [14, 'archive-delete-failed', 'D:\\Archives\\Gate 3\\2024-04-01_00-00-00'],
    [15, 'archive-delete-failed', 'D:\\Archives\\Parking North\\2024-03-30_00-00-00'],
    [16, 'file-delete-failed', 'E:\\MediaDatabase\\Gate 3_4F2A\\00000123.blk'],
    [17, 'file-delete-failed', 'E:\\MediaDatabase\\Lobby East_77B0\\index.xml'],
    [18, 'archive-fatal-error', 'D:\\Archives\\Lobby East\\2024-04-30_00-00-00'],
    [19, 'archive-operation-failed', 'Gate 3'],
    [20, 'archive-operation-failed', 'Lobby East'],
    [21, 'archive-move-failed', 'E:\\MediaDatabase\\Gate 3_4F2A\\00001234.blk'],
    [22, 'archive-move-failed', 'E:\\MediaDatabase\\Lobby East_77B0\\00000042.blk'],
    [23, 'drive-full', 'Local Default'],
  ];

  it('gives every sample line the right code and subject, and ignores the rest', () => {
    const seen = lines.map((line, index) => {
      const observation = matcher.match(line, AT);
      if (!observation) return undefined;
      return [index + 1, observation.code, observation.subject, observation.kind === 'condition' ? observation.active : undefined];
    });
    expect(seen.filter(Boolean)).toEqual(expected.map(([line, code, subject, active]) => [line, code, subject, active]));
  });

  it('covers every seed error the preset is meant to catch', () => {
    const codes = new Set(expected.map(([, code]) => code));
    for (const code of [
      'camera-unreachable',
      'media-db-write-failure',
      'archive-delete-failed',
      'file-delete-failed',
      'archive-fatal-error',
      'archive-operation-failed',
      'archive-move-failed',
    ]) {
      expect(codes).toContain(code);
    }
  });

  it('builds conditions and events with captures as attributes and the time given', () => {
    expect(matcher.match(lines[2] as string, AT)).toEqual<ConditionChange>({
      kind: 'condition',
      code: 'camera-unreachable',
      subject: 'Gate 3',
      active: true,
      at: AT,
      severity: 'error',
      message: 'Camera Gate 3 is unreachable',
      attributes: { camera: 'Gate 3', address: '10.0.0.13' },
    });
    expect(matcher.match(lines[17] as string, AT)).toEqual<EventOccurrence>({
      kind: 'event',
      code: 'archive-fatal-error',
      subject: 'D:\\Archives\\Lobby East\\2024-04-30_00-00-00',
      firstSeen: AT,
      lastSeen: AT,
      count: 1,
      severity: 'critical',
      // Without a message template: the matched text, which leaves the timestamp out.
      message: "Fatal error processing archive 'D:\\Archives\\Lobby East\\2024-04-30_00-00-00'",
      attributes: { archive: 'D:\\Archives\\Lobby East\\2024-04-30_00-00-00' },
    });
  });

  it('finds the same observations scanning the file as one block, also with CRLF line ends', () => {
    const oneByOne = lines.map((line) => matcher.match(line, AT)).filter(Boolean);
    for (const separator of ['\n', '\r\n']) {
      const found: unknown[] = [];
      const matched = matcher.scanBlock(lines.join(separator), AT, (observation) => found.push(observation));
      expect(found).toEqual(oneByOne);
      expect(matched).toBe(expected.length);
      expect(matchedLines(matcher, lines.join(separator))).toBe(expected.length);
    }
  });
});

describe('LineMatcher', () => {
  const rule = (id: string, pattern: string, extra: Partial<Rule> = {}): Rule => ({
    id,
    pattern,
    code: 'archive-operation-failed',
    type: 'event',
    severity: 'error',
    ...extra,
  });
  const matchedIds = (matcher: LineMatcher, text: string) => {
    const ids: string[] = [];
    matcher.scanBlock(text, AT, (observation) => ids.push(observation.message));
    return ids;
  };

  it('lets the first rule in order win, even when a later rule matches further left', () => {
    const matcher = new LineMatcher([rule('late-in-line', 'disk full', { message: 'first rule' }), rule('early-in-line', 'ERROR', { message: 'second rule' })]);
    expect(matcher.match('ERROR: disk full', AT)?.message).toBe('first rule');
    expect(matcher.match('ERROR: camera down', AT)?.message).toBe('second rule');
    expect(matchedIds(matcher, 'ERROR: disk full\nERROR: other\nnothing')).toEqual(['first rule', 'second rule']);
  });

  it('does not let a prefilter hit that runs over a line end count for either line', () => {
    const matcher = new LineMatcher([rule('spaced', 'alpha\\s+beta')]);
    expect(matchedIds(matcher, 'alpha\nbeta\nalpha beta')).toEqual(['alpha beta']);
    expect(matchedLines(matcher, 'alpha\nbeta\nalpha beta')).toBe(1);
  });

  it('keeps case-sensitive rules exact next to a case-insensitive one', () => {
    const matcher = new LineMatcher([rule('exact', 'Fatal', { message: 'exact' }), rule('loose', 'warning', { flags: 'i', message: 'loose' })]);
    expect(matchedIds(matcher, 'FATAL\nfatal\nFatal\nWARNING')).toEqual(['exact', 'loose']);
    expect(matchedLines(matcher, 'FATAL\nfatal\nFatal\nWARNING')).toBe(2);
  });

  it('handles rules the shared prefilter cannot hold: backreferences and mixed u flags', () => {
    const withBackreference = new LineMatcher([
      rule('quoted', '(?<quote>[\'"])(?<name>[^\'"]+)\\k<quote> failed', { subject: '{name}' }),
      rule('plain', 'broken'),
    ]);
    expect(withBackreference.match(`"Gate 3" failed`, AT)?.subject).toBe('Gate 3');
    expect(withBackreference.match(`"Gate 3' failed`, AT)).toBeUndefined();
    expect(withBackreference.scanBlock(`x\n'A' failed\nbroken`, AT, () => undefined)).toBe(2);

    const mixedUnicode = new LineMatcher([rule('letters', '\\p{Lu}{3} down', { flags: 'u' }), rule('plain', 'broken')]);
    expect(mixedUnicode.scanBlock('ÅÄÖ down\nbroken\nabc down', AT, () => undefined)).toBe(2);
  });

  it('matches a rule whose decimal escape is a character, next to rules with groups', () => {
    const matcher = new LineMatcher([rule('grouped', '(disk) full'), rule('octal', 'code\\1x')]);
    expect(matchedIds(matcher, 'disk full\ncode\u0001x\ncode1x\ncodex')).toEqual(['disk full', 'code\u0001x']);
  });

  it('takes quotes of any kind and trailing punctuation off captures, keeping their case, in subject, message and attributes', () => {
    const matcher = new LineMatcher([
      rule('quoted', '(?:camera|device) (?<camera>.+?) (?:is )?down', { subject: '{camera}', message: 'Camera {camera} down' }),
    ]);
    for (const written of ["'Gate 3'", '"Gate 3"', '\u201cGate 3\u201d', '\u2018Gate 3\u2019', '\u00abGate 3\u00bb', 'Gate 3', 'Gate 3,', "'Gate 3'."]) {
      const observation = matcher.match(`camera ${written} is down`, AT);
      expect(observation).toMatchObject({ subject: 'Gate 3', message: 'Camera Gate 3 down', attributes: { camera: 'Gate 3' } });
    }
    expect(matcher.match('device "gate 3" down', AT)?.subject).toBe('gate 3');
    expect(cleanCapture(" 'D:\\' ")).toBe('D:\\');
    expect(cleanCapture('"O\'Brien St"')).toBe("O'Brien St");
  });

  it('takes the first capture that has text for {a|b}', () => {
    const matcher = new LineMatcher([
      rule('either', "archive(?: '(?<archive>[^']*)')? failed(?: for '(?<camera>[^']+)')?", {
        subject: '{archive|camera}',
        message: '{camera|archive} failed',
      }),
    ]);
    expect(matcher.match("archive 'A1' failed for 'Gate 3'", AT)).toMatchObject({ subject: 'A1', message: 'Gate 3 failed' });
    expect(matcher.match("archive '' failed for 'Gate 3'", AT)).toMatchObject({ subject: 'Gate 3' });
    expect(matcher.match('archive failed', AT)).toMatchObject({ subject: '', message: ' failed' });
  });

  it('renders missing optional captures as empty and leaves them out of attributes', () => {
    const matcher = new LineMatcher([
      rule('optional', "Archive failed(?: for '(?<camera>[^']+)')?", { subject: '{camera}', message: 'Archive failed for [{camera}]' }),
    ]);
    const observation = matcher.match('Archive failed', AT);
    expect(observation).toMatchObject({ subject: '', message: 'Archive failed for []' });
    expect(observation?.attributes).toBeUndefined();
  });
});

describe('LineMatcher with more rules than one alternation holds', () => {
  const AT2 = AT;
  // 60 rules of about 300 characters each: several shared alternations (chunks). Each rule matches
  // "<word> fault <n>" for its own n, and some use lookarounds, which their prefilters leave out.
  const words = ['alpha', 'beta', 'gamma', 'delta'];
  const rules: Rule[] = Array.from({ length: 60 }, (_, n) => ({
    id: `rule-${n}`,
    pattern: `(?:${words.join('|')}|${'x'.repeat(250)})\\s+fault\\s+${n}(?!\\d)${n % 3 === 0 ? '(?! ignored)' : ''}(?:\\s+(?<extra>\\S+))?`,
    flags: n % 2 === 0 ? 'i' : undefined,
    code: 'archive-operation-failed',
    type: 'event',
    severity: 'error',
    message: `rule ${n}`,
  }));
  const reference = (line: string) => rules.find((rule) => new RegExp(rule.pattern, rule.flags ?? '').test(line))?.message;

  it('finds the first rule in order, as trying every rule one by one does', () => {
    const size = rules.map((rule) => toPrefilterSource(rule.pattern, rule.flags, { lookarounds: 'drop' })?.length ?? 0).reduce((a, b) => a + b);
    expect(size).toBeGreaterThan(3 * MAX_SHARED_SOURCE);
    const matcher = new LineMatcher(rules);
    const lines = [
      'alpha fault 3',
      'ALPHA FAULT 4',
      'Alpha fault 5',
      // A later rule matches further left than an earlier one: the earlier one wins.
      'beta fault 59 and gamma fault 2',
      'delta fault 0 ignored, but gamma fault 57',
      'delta fault 3 ignored',
      'gamma fault 12 x',
      'nothing here',
      'beta fault 61',
      'beta fault 590',
    ];
    const scanned: string[] = [];
    matcher.scanBlock(lines.join('\n'), AT2, (observation) => scanned.push(observation.message));
    expect(scanned).toEqual(lines.map(reference).filter(Boolean));
    expect(lines.map((line) => matcher.match(line, AT2)?.message)).toEqual(lines.map(reference));
    // The lines do exercise it: case, lookarounds the prefilters leave out, a later rule further left.
    expect(lines.map(reference)).toEqual(['rule 3', 'rule 4', undefined, 'rule 2', 'rule 57', undefined, 'rule 12', undefined, undefined, undefined]);
  });
});

describe('rules in a file', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await makeTempDir();
  });
  afterAll(async () => {
    await removeDir(dir);
  });

  it('reports the file, rule and field for a bad YAML rule', () => {
    writeFileSync(`${dir}/rules.yaml`, 'rules:\n  - id: oops\n    pattern: "(unclosed"\n    code: drive-full\n    type: event\n    severity: error\n');
    expect(() => loadRulesFile(`${dir}/rules.yaml`)).toThrow(
      /rules\.yaml is not a valid rules file:\n {2}- rules\[0\] \(id "oops"\)\.pattern: Invalid regular expression: \/\(unclosed\/: Unterminated group/,
    );
  });
});
