import { posix, win32 } from 'node:path';
import picomatch from 'picomatch';
import * as z from 'zod';
import { PRESET_NAMES } from './presets.js';

export const LOG_ENCODINGS = ['auto', 'utf8', 'utf16le'] as const;
export const LOG_WATCH_MODES = ['poll', 'events', 'off'] as const;

const absoluteGlob = z
  .string()
  .min(1)
  // Either form, whatever this machine is: configs are often written on one OS for another.
  .refine((glob) => posix.isAbsolute(glob) || win32.isAbsolute(glob), 'must be an absolute path (use forward slashes, also on Windows)')
  .refine((glob) => !picomatch.scan(glob).negated, 'negated globs are not supported');

export const logFileSchema = z.strictObject({
  /** picomatch glob; its static part (before the first glob character) is the directory watched. */
  glob: absoluteGlob,
  /** auto: sniff a byte order mark, UTF-8 without one. */
  encoding: z.enum(LOG_ENCODINGS).default('auto'),
});

export const logsConfigSchema = z
  .strictObject({
    files: z.array(logFileSchema).min(1, 'list at least one file glob'),
    presets: z.array(z.enum(PRESET_NAMES)).default(['milestone-xprotect']),
    /** Extra rules (YAML or JSON), relative to the config file's directory; a rule with a preset rule's id replaces it. */
    rulesFile: z.string().min(1).optional(),
    /** Only for files present at the very first start; files that appear later are always read from the beginning. */
    startAt: z.enum(['end', 'beginning']).default('end'),
    /** Longer lines are cut to this many bytes and the rest of the line is skipped. */
    maxLineBytes: z
      .number()
      .int()
      .min(256)
      .max(16 * 1024 * 1024)
      .default(65_536),
    /** Safety net for missed file-system events: how often tracked files are stat'ed and globs re-listed. */
    rescanSeconds: z.number().min(0.05).max(3600).default(5),
    /** poll: stat files every pollSeconds (cost bounded by the number of files); events: fs.watch; off: the rescan alone. */
    watch: z.enum(LOG_WATCH_MODES).default('poll'),
    pollSeconds: z.number().min(0.1).max(60).default(1),
  })
  .refine((config) => config.presets.length > 0 || config.rulesFile !== undefined, {
    message: 'enable at least one preset or give a rulesFile, otherwise nothing can match',
    path: ['presets'],
  });

export type LogEncoding = (typeof LOG_ENCODINGS)[number];
export type LogWatchMode = (typeof LOG_WATCH_MODES)[number];
export type LogFileConfig = z.output<typeof logFileSchema>;
export type LogsConfigInput = z.input<typeof logsConfigSchema>;
export type LogsConfig = z.output<typeof logsConfigSchema>;
