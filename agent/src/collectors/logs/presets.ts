import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Built-in rule sets shipped next to this module, selectable by name in the config. */
export const PRESET_NAMES = ['milestone-xprotect'] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

export function presetPath(name: PresetName): string {
  return fileURLToPath(new URL(`./presets/${name}.yaml`, import.meta.url));
}

/**
 * A preset's text, and what to call it in errors. Inside the single executable (the packaged
 * agent) the presets are assets of the executable itself, as there is no folder beside it.
 */
export function readPreset(name: PresetName): { source: string; text: string } {
  const sea = process.getBuiltinModule?.('node:sea') as typeof import('node:sea') | undefined;
  if (sea?.isSea()) return { source: `(built-in) presets/${name}.yaml`, text: sea.getAsset(`presets/${name}.yaml`, 'utf8') };
  const path = presetPath(name);
  return { source: path, text: readFileSync(path, 'utf8') };
}
