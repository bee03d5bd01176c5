import * as z from 'zod';

/** One problem in a config document: where (the key path from the document's root) and what. */
export interface ConfigProblem {
  path: readonly PropertyKey[];
  message: string;
}

/**
 * The problems zod found, one per unknown key, each with the nearest valid key at its place, so
 * that a misspelt `heartbeatSecnds` is reported as such rather than ignored. `schema` is the one
 * that produced the issues; it is walked along an issue's path to learn which keys are valid there.
 *
 * A value of the wrong type or out of range is reported as what the key takes, with an example,
 * and what it got (from `input`, the document as parsed, when given):
 * `expected a whole number of seconds from 1 to 3600, e.g. 30; got "thirty"`. Messages the schema
 * words itself are kept.
 */
export function configProblems(issues: readonly z.core.$ZodIssue[], schema: z.ZodType, input?: unknown): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code === 'unrecognized_keys') {
      const valid = keysAt(schema, issue.path);
      return issue.keys.map((key) => ({ path: issue.path, message: `Unrecognized key: "${key}"${suggestion(key, valid)}` }));
    }
    return [{ path: issue.path, message: valueProblem(issue, schema, input) ?? issue.message }];
  });
}

function suggestion(key: string, valid: readonly string[]): string {
  if (valid.length === 0) return '';
  const nearest = nearestKey(key, valid);
  return nearest ? `; did you mean "${nearest}"?` : `; the keys here are ${valid.join(', ')}`;
}

/** The valid key closest to `key`, if it is close enough to be a misspelling or a shortening of it. */
export function nearestKey(key: string, valid: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  // `timeout` for `timeoutSeconds`: the unit left off.
  const completed = valid.filter((candidate) => candidate.toLowerCase().startsWith(lower));
  if (completed.length === 1) return completed[0];
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of valid) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  // A third of the key's letters wrong is still a typo; more is a different word.
  return bestDistance <= Math.max(2, Math.floor(key.length / 3)) ? best : undefined;
}

/** Levenshtein distance: insertions, deletions and substitutions, one row at a time. */
function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min(substitution, (previous[j] as number) + 1, (current[j - 1] as number) + 1));
    }
    previous = current;
  }
  return previous[b.length] as number;
}

/** The keys of the object schema found by following `path` from `schema`; none if there is none. */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  const found = schemaAt(schema, path)?.schema;
  return found instanceof z.ZodObject ? Object.keys(found.shape) : [];
}

/** The schema found by following `path` from `schema`, unwrapped, and the default it has there, if any. */
function schemaAt(schema: z.ZodType, path: readonly PropertyKey[]): { schema: z.ZodType; defaultValue?: unknown } | undefined {
  let current = unwrap(schema);
  for (const segment of path) {
    if (!current) return undefined;
    if (current.schema instanceof z.ZodObject) current = unwrap((current.schema.shape as Record<string, z.ZodType>)[String(segment)]);
    else if (current.schema instanceof z.ZodArray) current = unwrap(current.schema.element as z.ZodType);
    else if (current.schema instanceof z.ZodRecord) current = unwrap(current.schema.valueType as z.ZodType);
    else return undefined;
  }
  return current;
}

/** The schema that defaults, optionals and pipes wrap, and the default on the way in, if any. */
function unwrap(schema: z.ZodType | undefined): { schema: z.ZodType; defaultValue?: unknown } | undefined {
  let current = schema;
  let defaultValue: unknown;
  for (;;) {
    if (current instanceof z.ZodDefault) {
      defaultValue ??= current.def.defaultValue;
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodOptional || current instanceof z.ZodPrefault || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current && (defaultValue === undefined ? { schema: current } : { schema: current, defaultValue });
  }
}

/** zod's own wordings of these issues start so; a message that does not is the schema's own. */
const ZOD_WORDINGS = /^(?:Invalid input|Invalid option|Too small|Too big|Invalid number|Invalid value)/;

/** `expected …, e.g. …; got …` for a value of the wrong type or out of range, when the schema says enough. */
function valueProblem(issue: z.core.$ZodIssue, schema: z.ZodType, input: unknown): string | undefined {
  if (!['invalid_type', 'too_small', 'too_big', 'invalid_value', 'not_multiple_of'].includes(issue.code)) return undefined;
  if (!ZOD_WORDINGS.test(issue.message)) return undefined;
  const found = schemaAt(schema, issue.path);
  if (!found) return undefined;
  const key = String(issue.path.at(-1) ?? '');
  const expected = describeExpected(found.schema, key, found.defaultValue);
  if (!expected) return undefined;
  if (input === undefined) return `expected ${expected}`;
  const value = valueAt(input, issue.path);
  return value.present ? `expected ${expected}; got ${describeValue(value.value)}` : `missing: expected ${expected}`;
}

/** What the schema takes, in words, with an example: its default, or a value in its range. */
function describeExpected(schema: z.ZodType, key: string, defaultValue: unknown): string | undefined {
  const example = (fallback: unknown) => {
    const value = defaultValue !== undefined && defaultValue !== '' && typeof defaultValue !== 'object' ? defaultValue : fallback;
    return value === undefined ? '' : `, e.g. ${String(value)}`;
  };
  if (schema instanceof z.ZodNumber) {
    const { text, sample } = describeNumber(schema, key);
    return `${text}${example(sample)}`;
  }
  if (schema instanceof z.ZodEnum) {
    const options = schema.options.map(String);
    return `one of ${options.join(', ')}${example(options[0])}`;
  }
  if (schema instanceof z.ZodBoolean) return `true or false${example(undefined)}`;
  if (schema instanceof z.ZodString) return `text${example(undefined)}`;
  if (schema instanceof z.ZodArray) return 'a list (one "- item" per line, or [a, b])';
  if (schema instanceof z.ZodObject) return `a section of keys (${Object.keys(schema.shape).join(', ')})`;
  return undefined;
}

/** "a whole number of seconds from 1 to 3600", and a value in that range. */
function describeNumber(schema: z.ZodNumber, key: string): { text: string; sample: number } {
  let min: { value: number; inclusive: boolean } | undefined;
  let max: { value: number; inclusive: boolean } | undefined;
  for (const check of schema.def.checks ?? []) {
    const def = (check as unknown as { _zod: { def: { check: string; value?: unknown; inclusive?: boolean } } })._zod.def;
    if (typeof def.value !== 'number') continue;
    const bound = { value: def.value, inclusive: def.inclusive ?? true };
    if (def.check === 'greater_than' && (!min || bound.value >= min.value)) min = bound;
    if (def.check === 'less_than' && (!max || bound.value <= max.value)) max = bound;
  }
  const whole = schema.isInt === true;
  const unit = /(seconds|minutes|hours|days|megabytes|bytes)$/i.exec(key)?.[1]?.toLowerCase();
  let text = /percent$/i.test(key) ? 'a percentage' : whole ? 'a whole number' : 'a number';
  if (unit) text += ` of ${unit}`;
  if (min && max && min.inclusive && max.inclusive) text += ` from ${min.value} to ${max.value}`;
  else {
    const limits = [
      min && (min.inclusive ? `at least ${min.value}` : `above ${min.value}`),
      max && (max.inclusive ? `at most ${max.value}` : `below ${max.value}`),
    ].filter(Boolean);
    if (limits.length > 0) text += `${unit ? ',' : ''} ${limits.join(' and ')}`;
  }
  let sample = min ? (min.inclusive ? min.value : whole ? Math.floor(min.value) + 1 : min.value + 1) : max ? Math.min(max.value, 1) : 1;
  if (max && sample > max.value) sample = max.value;
  return { text, sample };
}

function valueAt(input: unknown, path: readonly PropertyKey[]): { present: boolean; value?: unknown } {
  let current = input;
  for (const segment of path) {
    if (current === null || typeof current !== 'object' || !(segment in (current as object))) return { present: false };
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current === undefined ? { present: false } : { present: true, value: current };
}

function describeValue(value: unknown): string {
  if (typeof value === 'number') return Number.isNaN(value) ? 'not a number' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (value === null) return 'nothing (null)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a section of keys';
  return String(value);
}
