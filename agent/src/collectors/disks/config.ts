import * as z from 'zod';
import { DEFAULT_MIN_SPAN_MINUTES, MIN_TREND_SAMPLES } from './trend.js';

const percent = z.number().gt(0).max(100);

export const diskRoleSchema = z.enum(['recording', 'archive']);
export type DiskRole = z.output<typeof diskRoleSchema>;

export const diskPathSchema = z.strictObject({
  /** Absolute, or relative to the agent config's folder. */
  path: z.string().min(1),
  role: diskRoleSchema.default('recording'),
});

export const disksConfigSchema = z
  .strictObject({
    intervalSeconds: z.number().positive().max(86_400).default(60),
    /** Raise drive-full at or above this used percent. */
    fullPercent: percent.default(95),
    /** Clear drive-full only below this, so a drive hovering at the threshold does not flap. */
    clearPercent: percent.default(90),
    filling: z
      .strictObject({
        horizonHours: z
          .number()
          .positive()
          .max(24 * 366)
          .default(24),
        windowMinutes: z
          .number()
          .positive()
          .max(7 * 24 * 60)
          .default(60),
        /**
         * No forecast until the samples in the window span at least this long: a few minutes of
         * someone else copying to a shared disk look like a drive filling up. Default 30, or
         * windowMinutes when that is shorter.
         */
        minSpanMinutes: z
          .number()
          .positive()
          .max(7 * 24 * 60)
          .optional(),
      })
      .prefault({}),
    paths: z.array(diskPathSchema).min(1, 'list at least one drive path to watch'),
  })
  .superRefine((config, ctx) => {
    if (config.clearPercent > config.fullPercent) {
      ctx.addIssue({
        code: 'custom',
        path: ['clearPercent'],
        message: `must not be above fullPercent (${config.fullPercent}): drive-full clears when usage drops below it`,
      });
    }
    if (config.filling.windowMinutes * 60 < config.intervalSeconds * MIN_TREND_SAMPLES) {
      ctx.addIssue({
        code: 'custom',
        path: ['filling', 'windowMinutes'],
        message: `must span at least ${MIN_TREND_SAMPLES} samples (${MIN_TREND_SAMPLES} × intervalSeconds) or no trend can be drawn`,
      });
    }
    const { minSpanMinutes, windowMinutes } = config.filling;
    if (minSpanMinutes !== undefined && minSpanMinutes > windowMinutes) {
      ctx.addIssue({
        code: 'custom',
        path: ['filling', 'minSpanMinutes'],
        message: `must not be above filling.windowMinutes (${windowMinutes}): the history a forecast uses is the window's (default ${DEFAULT_MIN_SPAN_MINUTES}, or windowMinutes when that is shorter)`,
      });
    }
    const seen = new Set<string>();
    config.paths.forEach((entry, index) => {
      if (seen.has(entry.path)) ctx.addIssue({ code: 'custom', path: ['paths', index, 'path'], message: `"${entry.path}" is listed twice` });
      seen.add(entry.path);
    });
  });

export type DisksConfigInput = z.input<typeof disksConfigSchema>;
export type DisksConfig = z.output<typeof disksConfigSchema>;
