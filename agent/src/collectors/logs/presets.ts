import { fileURLToPath } from 'node:url';

/** Built-in rule sets shipped next to this module, selectable by name in the config. */
export const PRESET_NAMES = ['milestone-xprotect'] as const;

export type PresetName = (typeof PRESET_NAMES)[number];

export function presetPath(name: PresetName): string {
  return fileURLToPath(new URL(`./presets/${name}.yaml`, import.meta.url));
}
