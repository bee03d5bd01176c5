/**
 * `{name}` placeholders in a rule's subject or message, filled from the pattern's named captures.
 * Compiled once per rule, against the capture numbers, so rendering a match is a few concatenations.
 */
export interface Template {
  /** The capture names the template refers to, for validation. */
  readonly names: readonly string[];
  /** Binds the names to group numbers; unknown names render as ''. */
  bind(groupOf: ReadonlyMap<string, number>): (captures: ArrayLike<string | undefined>) => string;
}

const PLACEHOLDER = /\{([A-Za-z_$][\w$]*)\}/g;

export function compileTemplate(source: string): Template {
  // Even indices are literal text, odd indices capture names.
  const parts = source.split(PLACEHOLDER);
  return {
    names: parts.filter((_, index) => index % 2 === 1),
    bind(groupOf) {
      const literals = parts.filter((_, index) => index % 2 === 0);
      const groups = parts.filter((_, index) => index % 2 === 1).map((name) => groupOf.get(name) ?? -1);
      return (captures) => {
        let out = literals[0] ?? '';
        for (let index = 0; index < groups.length; index++) {
          const group = groups[index] as number;
          out += (group === -1 ? undefined : captures[group]) ?? '';
          out += literals[index + 1] ?? '';
        }
        return out;
      };
    },
  };
}
