import * as z from 'zod';

const nonEmpty = z.string().min(1);

export const licenceSourceSchema = z
  .strictObject({
    /** JSON or YAML file `{ cameras: 48, licensed: 50 }`; relative to the agent config's folder. */
    file: nonEmpty.optional(),
    /** Shell command whose stdout is that document; run in the agent config's folder. */
    command: nonEmpty.optional(),
  })
  .refine((source) => (source.file === undefined) !== (source.command === undefined), { message: 'set exactly one of file or command' });
export type LicenceSourceConfig = z.output<typeof licenceSourceSchema>;

export const licencesConfigSchema = z.strictObject({
  intervalSeconds: z.number().positive().max(86_400).default(300),
  /** A source command is killed after this and the read counts as failed. */
  timeoutSeconds: z.number().positive().max(300).default(10),
  source: licenceSourceSchema,
});

export type LicencesConfigInput = z.input<typeof licencesConfigSchema>;
export type LicencesConfig = z.output<typeof licencesConfigSchema>;
