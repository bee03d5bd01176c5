import * as z from 'zod';
import type { Value } from './values.js';

/** A mistake in flags or environment, phrased so the user knows what to change (exit code 2). */
export class SettingsError extends Error {}

/** The process environment, or a record standing in for it (tests). */
export type Environment = Readonly<Record<string, string | undefined>>;

/** What commander hands an action: one property per flag, named in camelCase (a string for a flag with a value). */
export type Flags = object;

export interface SettingSource {
  /** The command-line flag, spelt as typed; its commander property is the setting's key. */
  flag?: `--${string}`;
  /** The environment variable. An empty variable counts as unset. */
  env: string;
  /** Text used when neither flag nor variable gives one; without it the setting is optional. */
  default?: string;
  /** Shown after "e.g." in an error; the default when absent. */
  example?: string;
  /** Never echoed back in a message. */
  secret?: boolean;
  /** How the text is echoed back in a message, when part of it must not be (a login typed into a URL). */
  shown?: (text: string) => string;
}

export interface Setting<T> {
  source: SettingSource;
  schema: z.ZodType<T, string | undefined>;
}

export function setting<T>(value: Value<T>, source: SettingSource & { default: string }): Setting<T>;
export function setting<T>(value: Value<T>, source: SettingSource): Setting<T | undefined>;
export function setting<T>(value: Value<T>, source: SettingSource): Setting<T | undefined> {
  return { source, schema: source.default === undefined ? value.optional() : (value as z.ZodType<T, string | undefined>) };
}

export type SettingShape = Record<string, Setting<unknown>>;
export type SettingValues<S extends SettingShape> = { [K in keyof S]: S[K] extends Setting<infer T> ? T : never };

type Origin = 'flag' | 'env' | 'default';

/**
 * One process's settings: each setting's text is taken from its flag, else its environment
 * variable, else its default, and the whole is parsed by one zod schema into the typed settings
 * the process's parts are started with.
 */
export class ProcessSettings<S extends SettingShape, Out> {
  /** Setting texts (by key) to the typed settings. */
  readonly schema: z.ZodType<Out, Partial<Record<keyof S, string>>>;

  constructor(
    readonly settings: S,
    shape: (values: SettingValues<S>) => Out,
  ) {
    const fields = Object.fromEntries(Object.entries(settings).map(([key, one]) => [key, one.schema]));
    this.schema = z.object(fields).transform((values) => shape(values as SettingValues<S>)) as unknown as z.ZodType<Out, Partial<Record<keyof S, string>>>;
  }

  /** The environment variables these settings read. */
  get variables(): string[] {
    return Object.values(this.settings).map((one) => one.source.env);
  }

  /** Flags win over environment variables, which win over defaults. Throws a SettingsError naming every bad value. */
  parse(flags: Flags, env: Environment): Out {
    const texts: Record<string, string> = {};
    const origins: Record<string, Origin> = {};
    for (const [key, { source }] of Object.entries(this.settings)) {
      const flag = source.flag === undefined ? undefined : (flags as Record<string, unknown>)[key];
      const fromEnv = env[source.env] || undefined;
      const [text, origin]: [string | undefined, Origin] =
        typeof flag === 'string' ? [flag, 'flag'] : fromEnv !== undefined ? [fromEnv, 'env'] : [source.default, 'default'];
      if (text === undefined) continue;
      texts[key] = text;
      origins[key] = origin;
    }
    const parsed = this.schema.safeParse(texts);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues.map((issue) => {
      const key = String(issue.path[0]);
      const source = this.settings[key]?.source;
      return source ? describe(source, origins[key] ?? 'default', texts[key] ?? '', issue.message) : issue.message;
    });
    // One line per bad value, each read as its own "vigil: ..." line.
    throw new SettingsError(problems.join('\nvigil: '));
  }
}

/**
 * E.g. `--http-port (or VIGIL_HTTP_PORT) is "eighty": expected a TCP port number ..., e.g. 8080`:
 * the name the value came from first, the other way to set it in brackets.
 */
function describe(source: SettingSource, origin: Origin, text: string, expected: string): string {
  const given = origin === 'flag' && source.flag ? source.flag : source.env;
  const other = origin === 'flag' ? source.env : source.flag;
  const shown = source.secret ? 'set' : `"${source.shown ? source.shown(text) : text}"`;
  const example = source.example ?? source.default;
  return `${given}${other ? ` (or ${other})` : ''} is ${shown}: expected ${expected}${example === undefined ? '' : `, e.g. ${example}`}`;
}
