import * as z from 'zod';

const nonEmpty = z.string().min(1);

/** auto: windows on win32, systemd when systemctl is on the PATH, else command. */
export const serviceManagerSettingSchema = z.enum(['auto', 'systemd', 'windows', 'command']);
export type ServiceManagerSetting = z.output<typeof serviceManagerSettingSchema>;
export type ServiceManager = Exclude<ServiceManagerSetting, 'auto'>;

/** Which field of a watch entry each manager reads. */
export const MANAGER_KEY = { systemd: 'unit', windows: 'windowsName', command: 'command' } as const satisfies Record<ServiceManager, string>;

export const watchedServiceSchema = z
  .strictObject({
    /** What the dashboard shows and the condition's subject, e.g. "Recording Server". */
    name: nonEmpty,
    /** systemd unit, checked with `systemctl is-active`. */
    unit: nonEmpty.optional(),
    /** Windows service name, checked with `sc query`. */
    windowsName: nonEmpty.optional(),
    /** Shell command; exit code 0 means running. Used when the manager's own key is not set. */
    command: nonEmpty.optional(),
  })
  .refine((entry) => entry.unit !== undefined || entry.windowsName !== undefined || entry.command !== undefined, {
    message: 'set unit (systemd), windowsName (Windows service) or command',
  });
export type WatchedServiceConfig = z.output<typeof watchedServiceSchema>;

export const servicesConfigSchema = z
  .strictObject({
    intervalSeconds: z.number().positive().max(86_400).default(30),
    /** Each check (systemctl, sc, or the command) is killed after this and counted as failed. */
    timeoutSeconds: z.number().positive().max(300).default(10),
    manager: serviceManagerSettingSchema.default('auto'),
    watch: z.array(watchedServiceSchema).min(1, 'list at least one service to watch'),
  })
  .superRefine((config, ctx) => {
    const names = new Set<string>();
    config.watch.forEach((entry, index) => {
      if (names.has(entry.name)) ctx.addIssue({ code: 'custom', path: ['watch', index, 'name'], message: `"${entry.name}" is listed twice` });
      names.add(entry.name);
      // With auto the manager is only known on the host; the collector reports entries it cannot check.
      if (config.manager === 'auto') return;
      const key = MANAGER_KEY[config.manager];
      if (entry[key] === undefined && entry.command === undefined) {
        ctx.addIssue({ code: 'custom', path: ['watch', index, key], message: `required when manager is ${config.manager} (or give this entry a command)` });
      }
    });
  });

export type ServicesConfigInput = z.input<typeof servicesConfigSchema>;
export type ServicesConfig = z.output<typeof servicesConfigSchema>;
