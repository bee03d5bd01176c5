/**
 * Helpers that read a rule's regex source without a full parser: they only need to know which
 * parentheses open groups, which is decided by escapes and character classes.
 */

/**
 * The pattern rewritten so it can sit in one alternation with every other rule: all groups become
 * non-capturing (named groups would clash between rules, and the alternation's own groups must be
 * the only numbered ones). Undefined when the pattern uses backreferences, which would point at
 * the wrong group, or at none, once groups are renumbered.
 */
export function toPrefilterSource(pattern: string): string | undefined {
  if (hasBackreference(pattern)) return undefined;
  return rewriteGroups(pattern, () => '(?:');
}

export interface CaptureLayout {
  /** The pattern with named groups made plain numbered ones (same numbers), when that is safe. */
  source: string;
  /** Each named capture and its group number, in order. */
  names: Array<[name: string, group: number]>;
}

/**
 * Where each named capture lands in the match array. Reading captures by number avoids the
 * `groups` object the engine would otherwise build for every match; the names are dropped from
 * the source unless a named backreference needs them.
 */
export function captureLayout(pattern: string): CaptureLayout {
  const names: Array<[string, number]> = [];
  let group = 0;
  const numbered = rewriteGroups(pattern, (name) => {
    group++;
    if (name !== undefined) names.push([name, group]);
    return '(';
  });
  return { source: pattern.includes('\\k<') ? pattern : numbered, names };
}

/** The names of the pattern's named capture groups, in order. */
export function namedGroups(pattern: string): string[] {
  return captureLayout(pattern).names.map(([name]) => name);
}

function hasBackreference(pattern: string): boolean {
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      const next = pattern[i + 1] ?? '';
      if (!inClass && ((next === 'k' && pattern[i + 2] === '<') || (next >= '1' && next <= '9'))) return true;
      i++;
    } else if (inClass) inClass = char !== ']';
    else if (char === '[') inClass = true;
  }
  return false;
}

/**
 * Copies the pattern, replacing the opening of every capturing group (plain `(` or `(?<name>`)
 * with what `replace` returns for it; the name is undefined for a plain group.
 */
function rewriteGroups(pattern: string, replace: (name: string | undefined) => string): string {
  let out = '';
  let inClass = false;
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i];
    if (char === '\\') {
      out += char + (pattern[i + 1] ?? '');
      i++;
      continue;
    }
    if (inClass) {
      if (char === ']') inClass = false;
    } else if (char === '[') {
      inClass = true;
    } else if (char === '(') {
      if (pattern[i + 1] !== '?') {
        out += replace(undefined);
        continue;
      }
      if (isNamedGroupAt(pattern, i)) {
        const end = pattern.indexOf('>', i);
        out += replace(pattern.slice(i + 3, end));
        i = end;
        continue;
      }
    }
    out += char;
  }
  return out;
}

/** `(?<name>` but not the lookbehinds `(?<=` and `(?<!`. */
function isNamedGroupAt(pattern: string, index: number): boolean {
  return (
    pattern[index + 1] === '?' &&
    pattern[index + 2] === '<' &&
    pattern[index + 3] !== '=' &&
    pattern[index + 3] !== '!' &&
    pattern.indexOf('>', index) !== -1
  );
}
