import { readFileSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { configProblems, nearestKey } from '../../config-problems.js';
import type { ConditionChange, EventOccurrence, ProblemCode, Severity } from '../types.js';
import { namedGroups } from './prefilter.js';
import { readPreset, type PresetName } from './presets.js';
import { compileTemplate } from './template.js';

/** Runtime list of the codes a rule may name; the check below fails to compile if types.ts grows. */
export const PROBLEM_CODES = [
  'camera-unreachable',
  'drive-full',
  'drive-filling',
  'media-db-write-failure',
  'licence-overrun',
  'archive-delete-failed',
  'file-delete-failed',
  'archive-fatal-error',
  'archive-operation-failed',
  'archive-move-failed',
  'service-stopped',
] as const satisfies readonly ProblemCode[];
const everyCodeListed: [Exclude<ProblemCode, (typeof PROBLEM_CODES)[number]>] extends [never] ? true : false = true;
void everyCodeListed;

export const SEVERITIES = ['info', 'warning', 'error', 'critical'] as const satisfies readonly Severity[];

/**
 * Only i and u: every rule is tried against one line at a time, so m and s change nothing useful,
 * and g and y would make matching depend on the previous line.
 */
const FLAGS = /^(?!.*(.).*\1)[iu]*$/;

const ruleSchema = z
  .strictObject({
    id: z.string().regex(/^[A-Za-z0-9][\w.-]*$/, 'letters, digits, ".", "_" or "-", starting with a letter or digit'),
    pattern: z
      .string()
      .min(1)
      .superRefine((pattern, ctx) => {
        const problem = regexProblem(pattern, '');
        if (problem) ctx.addIssue({ code: 'custom', message: problem });
      }),
    flags: z.string().regex(FLAGS, 'only "i" and "u" are allowed (each at most once)').optional(),
    code: z.enum(PROBLEM_CODES),
    type: z.enum(['condition', 'event']),
    /** Conditions only: raise (the default) or clear. */
    action: z.enum(['raise', 'clear']).optional(),
    subject: z.string().optional(),
    severity: z.enum(SEVERITIES),
    /**
     * Defaults to the text the pattern matched. Not the whole line: its timestamp would make every
     * occurrence unique, and identical events are folded by code, subject and message.
     */
    message: z.string().optional(),
  })
  .superRefine((rule, ctx) => {
    if (rule.type === 'event' && rule.action !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['action'], message: 'only conditions are raised and cleared; remove action or make the rule a condition' });
    }
    // Without flags the pattern was checked on its own; some patterns are only invalid with u.
    if (regexProblem(rule.pattern, '')) return;
    const problem = rule.flags ? regexProblem(rule.pattern, rule.flags) : undefined;
    if (problem) {
      ctx.addIssue({ code: 'custom', path: ['pattern'], message: problem });
      return;
    }
    const captures = namedGroups(rule.pattern, rule.flags);
    for (const field of ['subject', 'message'] as const) {
      const template = rule[field];
      if (template === undefined) continue;
      for (const name of compileTemplate(template).names) {
        if (!captures.includes(name)) {
          const known = captures.length ? `the pattern captures ${captures.join(', ')}` : 'the pattern has no named captures';
          ctx.addIssue({ code: 'custom', path: [field], message: `{${name}} is not a named capture of the pattern; ${known}` });
        }
      }
    }
  });

const FRAGMENT_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `{{name}}` in a pattern (or in another fragment) stands for the fragment of that name. */
const FRAGMENT_REFERENCE = /\{\{([A-Za-z_][A-Za-z0-9_]*)\}\}/g;

const rulesFileSchema = z.strictObject({
  /**
   * Named pieces of regex that patterns use as `{{name}}`, so one way of writing a camera name or a
   * path serves every rule of the file. Each is inserted as a non-capturing group.
   */
  define: z
    .record(z.string(), z.string().min(1))
    .superRefine((define, ctx) => {
      for (const name of Object.keys(define)) {
        if (!FRAGMENT_NAME.test(name))
          ctx.addIssue({ code: 'custom', path: [name], message: 'a fragment name is letters, digits and "_", not starting with a digit' });
      }
    })
    .optional(),
  rules: z.array(ruleSchema),
});

export type Rule = z.output<typeof ruleSchema>;
export type RulesFile = z.input<typeof rulesFileSchema>;

function regexProblem(pattern: string, flags: string): string | undefined {
  let regex: RegExp;
  try {
    regex = new RegExp(pattern, flags);
  } catch (error) {
    return (error as Error).message; // "Invalid regular expression: /…/: what is wrong"
  }
  if (regex.test('')) return 'matches an empty line, so it would match every line';
  return undefined;
}

export class RulesError extends Error {
  constructor(
    readonly source: string,
    readonly problems: string[],
  ) {
    super(`${source} is not a valid rules file:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
  }
}

/** Validates a parsed rules document; `source` names it in errors. */
export function parseRules(raw: unknown, source: string): Rule[] {
  const expanded = expandFragments(raw);
  const result = rulesFileSchema.safeParse(expanded.raw);
  const problems = [...expanded.problems];
  if (!result.success) {
    problems.push(
      ...configProblems(result.error.issues, rulesFileSchema, expanded.raw).map((problem) => `${describePath(problem.path, raw)}: ${problem.message}`),
    );
  }
  // Checked on the raw rules so a duplicate is reported even when other rules have problems too.
  problems.push(...duplicateIds(raw).map(([index, first]) => `${describePath(['rules', index, 'id'], raw)}: duplicate id, already used by rules[${first}]`));
  if (problems.length > 0 || !result.success) throw new RulesError(source, problems);
  return result.data.rules;
}

/**
 * The document with every `{{name}}` in the rules' patterns replaced by its fragment from `define`
 * (fragments may use other fragments), and a problem for each name that is not defined or that
 * refers back to itself. Anything else wrong with the document is left to the schema.
 */
function expandFragments(raw: unknown): { raw: unknown; problems: string[] } {
  if (raw === null || typeof raw !== 'object') return { raw, problems: [] };
  const document = raw as { define?: unknown; rules?: unknown };
  const define = document.define !== null && typeof document.define === 'object' ? (document.define as Record<string, unknown>) : {};
  const fragments = new Map(Object.entries(define).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  if (!Array.isArray(document.rules) || !document.rules.some((rule) => typeof rule?.pattern === 'string' && rule.pattern.includes('{{'))) {
    return { raw, problems: [] };
  }
  const problems: string[] = [];
  const resolved = new Map<string, string>();
  const resolve = (name: string, trail: readonly string[]): string | undefined => {
    const done = resolved.get(name);
    if (done !== undefined) return done;
    const text = fragments.get(name);
    if (text === undefined) return undefined;
    if (trail.includes(name)) {
      problems.push(`define.${name}: refers to itself (${[...trail.slice(trail.indexOf(name)), name].join(' -> ')})`);
      return text;
    }
    const expandedText = substitute(text, [...trail, name], (missing) => problems.push(`define.${name}: ${undefinedFragment(missing, fragments)}`));
    resolved.set(name, expandedText);
    return expandedText;
  };
  const substitute = (text: string, trail: readonly string[], onMissing: (name: string) => void): string =>
    text.replace(FRAGMENT_REFERENCE, (reference, name: string) => {
      const fragment = resolve(name, trail);
      if (fragment === undefined) {
        onMissing(name);
        return reference;
      }
      return `(?:${fragment})`;
    });
  const rules = document.rules.map((rule: unknown, index) => {
    const pattern = (rule as { pattern?: unknown } | null)?.pattern;
    if (typeof pattern !== 'string' || !pattern.includes('{{')) return rule;
    const where = describePath(['rules', index, 'pattern'], raw);
    return { ...(rule as object), pattern: substitute(pattern, [], (missing) => problems.push(`${where}: ${undefinedFragment(missing, fragments)}`)) };
  });
  return { raw: { ...document, rules }, problems: [...new Set(problems)] };
}

function undefinedFragment(name: string, fragments: ReadonlyMap<string, string>): string {
  const known = [...fragments.keys()];
  if (known.length === 0) return `{{${name}}} is used but the file has no define section`;
  const nearest = nearestKey(name, known);
  return `{{${name}}} is not defined in define${nearest ? `; did you mean {{${nearest}}}?` : `; it defines ${known.join(', ')}`}`;
}

/** [index, index of the first rule with the same id] for each repeated id. */
function duplicateIds(raw: unknown): Array<[number, number]> {
  const rules = (raw as { rules?: unknown } | null)?.rules;
  if (!Array.isArray(rules)) return [];
  const firstIndex = new Map<string, number>();
  const duplicates: Array<[number, number]> = [];
  rules.forEach((rule: unknown, index) => {
    const id = (rule as { id?: unknown } | null)?.id;
    if (typeof id !== 'string') return;
    const first = firstIndex.get(id);
    if (first === undefined) firstIndex.set(id, index);
    else duplicates.push([index, first]);
  });
  return duplicates;
}

/** `rules[3] (id "camera-down").pattern`, so a problem can be found in the file. */
function describePath(path: readonly PropertyKey[], raw: unknown): string {
  if (path.length === 0) return '(top level)';
  const [first, index, ...rest] = path;
  if (first !== 'rules' || typeof index !== 'number') return path.map(String).join('.');
  const rules = (raw as { rules?: unknown } | null)?.rules;
  const id = Array.isArray(rules) ? (rules[index] as { id?: unknown } | undefined)?.id : undefined;
  const named = typeof id === 'string' ? ` (id "${id}")` : '';
  return `rules[${index}]${named}${rest.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('')}`;
}

/** Reads a rules file; YAML, or JSON when the name ends in .json. */
export function loadRulesFile(path: string): Rule[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new RulesError(path, [`cannot read: ${(error as Error).message}`]);
  }
  return parseRulesText(text, path);
}

/** Parses rules as read from `path` (YAML, or JSON when the name ends in .json); `path` names them in errors. */
export function parseRulesText(text: string, path: string): Rule[] {
  let raw: unknown;
  try {
    raw = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new RulesError(path, [`not valid ${extname(path).toLowerCase() === '.json' ? 'JSON' : 'YAML'}: ${(error as Error).message}`]);
  }
  return parseRules(raw, path);
}

export function loadPreset(name: PresetName): Rule[] {
  let preset: { source: string; text: string };
  try {
    preset = readPreset(name);
  } catch (error) {
    throw new RulesError(`preset ${name}`, [`cannot read: ${(error as Error).message}`]);
  }
  return parseRulesText(preset.text, preset.source);
}

/** Presets first, then the rules file; a later rule with an earlier rule's id takes its place. */
export function loadLogRules(config: { presets: readonly PresetName[]; rulesFile?: string | undefined }, baseDir: string): Rule[] {
  const sets = config.presets.map(loadPreset);
  if (config.rulesFile !== undefined) sets.push(loadRulesFile(resolve(baseDir, config.rulesFile)));
  return mergeRules(sets);
}

export function mergeRules(sets: readonly (readonly Rule[])[]): Rule[] {
  const byId = new Map<string, Rule>();
  for (const rule of sets.flat()) byId.set(rule.id, rule);
  return [...byId.values()];
}

export type LineObservation = ConditionChange | EventOccurrence;

// The matcher lives in its own module; it is part of the rules API.
export { LineMatcher } from './line-matcher.js';
