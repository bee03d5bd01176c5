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
 */
export function configProblems(issues: readonly z.core.$ZodIssue[], schema: z.ZodType): ConfigProblem[] {
  return issues.flatMap((issue): ConfigProblem[] => {
    if (issue.code !== 'unrecognized_keys') return [{ path: issue.path, message: issue.message }];
    const valid = keysAt(schema, issue.path);
    return issue.keys.map((key) => ({ path: issue.path, message: `Unrecognized key: "${key}"${suggestion(key, valid)}` }));
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
  let current: z.ZodType | undefined = unwrap(schema);
  for (const segment of path) {
    if (current instanceof z.ZodObject) current = unwrap((current.shape as Record<string, z.ZodType>)[String(segment)]);
    else if (current instanceof z.ZodArray) current = unwrap(current.element as z.ZodType);
    else return [];
  }
  return current instanceof z.ZodObject ? Object.keys(current.shape) : [];
}

/** The schema that defaults, optionals and pipes wrap. */
function unwrap(schema: z.ZodType | undefined): z.ZodType | undefined {
  let current = schema;
  for (;;) {
    if (current instanceof z.ZodOptional || current instanceof z.ZodDefault || current instanceof z.ZodPrefault || current instanceof z.ZodNullable) {
      current = current.unwrap() as z.ZodType;
    } else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}
