/**
 * `{name}` placeholders in a rule's subject or message, filled from the pattern's named captures.
 * `{a|b}` takes the first of the captures that has text: a line names its subject in one of
 * several places, and a pattern cannot reuse a capture name in two branches.
 * Compiled once per rule, against the capture numbers, so rendering a match is a few concatenations.
 */
export interface Template {
  /** The capture names the template refers to, for validation. */
  readonly names: readonly string[];
  /** Binds the names to group numbers; unknown names render as ''. */
  bind(groupOf: ReadonlyMap<string, number>): (captures: ArrayLike<string | undefined>) => string;
}

const NAME = '[A-Za-z_$][\\w$]*';
const PLACEHOLDER = new RegExp(`\\{(${NAME}(?:\\|${NAME})*)\\}`, 'g');

export function compileTemplate(source: string): Template {
  // Even indices are literal text, odd indices placeholders (names separated by |).
  const parts = source.split(PLACEHOLDER);
  const placeholders = parts.filter((_, index) => index % 2 === 1).map((placeholder) => placeholder.split('|'));
  return {
    names: placeholders.flat(),
    bind(groupOf) {
      const literals = parts.filter((_, index) => index % 2 === 0);
      const groups = placeholders.map((names) => names.map((name) => groupOf.get(name) ?? -1));
      return (captures) => {
        let out = literals[0] ?? '';
        for (let index = 0; index < groups.length; index++) {
          for (const group of groups[index] as number[]) {
            const value = group === -1 ? undefined : captures[group];
            if (value) {
              out += value;
              break;
            }
          }
          out += literals[index + 1] ?? '';
        }
        return out;
      };
    },
  };
}
