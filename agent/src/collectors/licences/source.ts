import { readFile } from 'node:fs/promises';
import { isAbsolute, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import * as z from 'zod';
import { runShell } from '../services/run-command.js';
import type { LicenceSourceConfig } from './config.js';

export interface LicenceCounts {
  cameras: number;
  licensed: number;
}

const count = z.number().int('must be a whole number').min(0, 'must not be negative');
const countsSchema = z.object({ cameras: count, licensed: count });

/** Why a licence source could not be read; the message is meant for the log and `vigil agent check`. */
export class LicenceSourceError extends Error {}

/** Parses `{ cameras, licensed }` from JSON or YAML (YAML is a superset of JSON, so one parser reads both). */
export function parseLicenceDocument(text: string): LicenceCounts {
  let document: unknown;
  try {
    document = parseYaml(text);
  } catch (error) {
    throw new LicenceSourceError(`not JSON or YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  const result = countsSchema.safeParse(document);
  if (!result.success) {
    throw new LicenceSourceError(result.error.issues.map((issue) => `${issue.path.join('.') || 'document'}: ${issue.message}`).join('; '));
  }
  return result.data;
}

export interface LicenceSource {
  /** For log lines and check(): the file path or the command. */
  readonly describe: string;
  read(signal?: AbortSignal): Promise<LicenceCounts>;
}

export function licenceSource(config: LicenceSourceConfig, options: { baseDir: string; timeoutMs: number }): LicenceSource {
  if (config.file !== undefined) {
    const path = isAbsolute(config.file) ? config.file : resolve(options.baseDir, config.file);
    return {
      describe: path,
      async read() {
        let text: string;
        try {
          text = await readFile(path, 'utf8');
        } catch (error) {
          throw new LicenceSourceError(`cannot read ${path}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
        }
        return withOrigin(path, () => parseLicenceDocument(text));
      },
    };
  }
  const command = config.command ?? '';
  return {
    describe: command,
    async read(signal) {
      const result = await runShell(command, { timeoutMs: options.timeoutMs, cwd: options.baseDir, signal });
      if (result.spawnError) throw new LicenceSourceError(`cannot run "${command}": ${result.spawnError.code ?? result.spawnError.message}`);
      if (result.timedOut) throw new LicenceSourceError(`"${command}" gave no answer within ${options.timeoutMs / 1000} s`);
      if (result.aborted) throw new LicenceSourceError(`"${command}" was stopped`);
      if (result.exitCode !== 0) {
        const said = result.stderr.trim().split(/\r?\n/)[0] ?? '';
        throw new LicenceSourceError(`"${command}" exited with ${result.exitCode}${said ? `: ${said}` : ''}`);
      }
      return withOrigin(`output of "${command}"`, () => parseLicenceDocument(result.stdout));
    },
  };
}

function withOrigin(origin: string, parse: () => LicenceCounts): LicenceCounts {
  try {
    return parse();
  } catch (error) {
    throw new LicenceSourceError(`${origin}: ${(error as Error).message}`);
  }
}
