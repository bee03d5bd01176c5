import { RegExpParser, visitRegExpAST, type AST } from '@eslint-community/regexpp';

/**
 * Helpers that rewrite a rule's regex source. They parse it with regexpp (the parser the byte
 * filter uses too) and copy the source, changing only the openings of capturing groups, so
 * escapes, classes, lookarounds and flags-dependent syntax stay exactly as written.
 */

export interface PrefilterOptions {
  /**
   * drop: leave lookaheads and lookbehinds out (with a quantifier on one, the quantifier too).
   * The source then matches a superset of what the pattern matches, and is much shorter when a
   * pattern uses them to exclude lists of words, which keeps a shared alternation small enough
   * for the regex engine to optimise. Default keep.
   */
  lookarounds?: 'keep' | 'drop';
}

/**
 * The pattern rewritten so it can sit in one alternation with every other rule: all groups become
 * non-capturing (named groups would clash between rules, and the alternation's own groups must be
 * the only numbered ones). Undefined when the pattern uses backreferences, which would point at
 * the wrong group, or at none, once groups are renumbered; also for a decimal escape such as `\1`
 * that is an octal character here (no such group) but would become a backreference to one of the
 * alternation's groups; and for a pattern regexpp cannot read.
 */
export function toPrefilterSource(pattern: string, flags = '', options: PrefilterOptions = {}): string | undefined {
  const groups = readGroups(pattern, flags);
  if (!groups || groups.refersToGroups) return undefined;
  const dropped = options.lookarounds === 'drop' ? groups.lookarounds : [];
  const inDropped = (node: Span) => dropped.some((span) => node.start >= span.start && node.end <= span.end);
  const edits: Edit[] = [
    ...groups.capturing.filter((group) => !inDropped(group)).map((group) => openingEdit(group, '(?:')),
    ...dropped.map((span) => ({ start: span.start, end: span.end, text: '' })),
  ];
  return applyEdits(pattern, edits);
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
 * the source unless a named backreference needs them. A pattern regexpp cannot read (none that
 * the rules' own validation accepts is known) is kept as it is, without named captures.
 */
export function captureLayout(pattern: string, flags = ''): CaptureLayout {
  const groups = readGroups(pattern, flags);
  if (!groups) return { source: pattern, names: [] };
  const names: Array<[string, number]> = [];
  groups.capturing.forEach((group, index) => {
    if (group.name !== null) names.push([group.name, index + 1]);
  });
  return { source: groups.namedReference ? pattern : rewriteOpenings(pattern, groups.capturing, () => '('), names };
}

/** The names of the pattern's named capture groups, in order. */
export function namedGroups(pattern: string, flags = ''): string[] {
  return captureLayout(pattern, flags).names.map(([name]) => name);
}

interface Span {
  start: number;
  end: number;
}

/** A capturing group: where it is, where its opening (`(` or `(?<name>`) ends, and its name. */
interface GroupSpan extends Span {
  openingEnd: number;
  name: string | null;
}

/** What these helpers need to know of a pattern; no regexpp objects, so a cached one holds no syntax tree. */
interface PatternGroups {
  /** In source order, which is also their numbering. */
  capturing: GroupSpan[];
  /** A backreference, or a decimal escape (`\1`-`\9`) read as an octal or identity escape. */
  refersToGroups: boolean;
  /** A `\k<name>` backreference, which needs the group names kept. */
  namedReference: boolean;
  /** The outermost lookarounds, each with the quantifier on it if there is one, in source order. */
  lookarounds: Span[];
}

/**
 * The last patterns read: the rules' validation and the matcher read each pattern several times
 * (its capture names, its layout, its prefilter), which under the agent's flags took a second
 * for the preset. Emptied when full.
 */
const readCache = new Map<string, PatternGroups | undefined>();
const READ_CACHE_SIZE = 512;

function readGroups(pattern: string, flags: string): PatternGroups | undefined {
  const key = `${flags}\u0000${pattern}`;
  if (readCache.has(key)) return readCache.get(key);
  const found = parseGroups(pattern, flags);
  if (readCache.size >= READ_CACHE_SIZE) readCache.clear();
  readCache.set(key, found);
  return found;
}

function parseGroups(pattern: string, flags: string): PatternGroups | undefined {
  let ast: AST.Pattern;
  try {
    // A parser per call: the agent parses its rules once at start, and nothing of regexpp should stay
    // reachable after that (its validator keeps the last source and state).
    ast = new RegExpParser({ ecmaVersion: 2025 }).parsePattern(pattern, 0, pattern.length, { unicode: flags.includes('u'), unicodeSets: flags.includes('v') });
  } catch {
    return undefined;
  }
  const found: PatternGroups = { capturing: [], refersToGroups: false, namedReference: false, lookarounds: [] };
  visitRegExpAST(ast, {
    onCapturingGroupEnter: (group) =>
      // The group's first alternative starts right after its opening, however the name is spelt.
      found.capturing.push({ start: group.start, end: group.end, openingEnd: (group.alternatives[0] as AST.Alternative).start, name: group.name }),
    onBackreferenceEnter: (reference) => {
      found.refersToGroups = true;
      if (typeof reference.ref === 'string') found.namedReference = true;
    },
    onAssertionEnter: (assertion) => {
      if (assertion.kind !== 'lookahead' && assertion.kind !== 'lookbehind') return;
      // Annex B allows a quantifier on a lookahead; without the lookahead it would quantify nothing.
      const span = assertion.parent.type === 'Quantifier' ? assertion.parent : assertion;
      const last = found.lookarounds.at(-1);
      if (!last || span.start >= last.end) found.lookarounds.push({ start: span.start, end: span.end });
    },
    onCharacterEnter: (character) => {
      // Inside a class a decimal escape stays a character whatever surrounds it.
      const inClass = character.parent.type === 'CharacterClass' || character.parent.type === 'CharacterClassRange';
      if (!inClass && /^\\[1-9]/.test(character.raw)) found.refersToGroups = true;
    },
  });
  return found;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Replaces the opening of a group (`(` or `(?<name>`) with `text`. */
function openingEdit(group: GroupSpan, text: string): Edit {
  return { start: group.start, end: group.openingEnd, text };
}

/** Copies the pattern with the edits (which do not overlap) applied. */
function applyEdits(pattern: string, edits: readonly Edit[]): string {
  let out = '';
  let copied = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    out += pattern.slice(copied, edit.start) + edit.text;
    copied = edit.end;
  }
  return out + pattern.slice(copied);
}

/** Copies the pattern, replacing the opening of each group (`(` or `(?<name>`) with what `replace` returns. */
function rewriteOpenings(pattern: string, groups: readonly GroupSpan[], replace: (group: GroupSpan) => string): string {
  return applyEdits(
    pattern,
    groups.map((group) => openingEdit(group, replace(group))),
  );
}
