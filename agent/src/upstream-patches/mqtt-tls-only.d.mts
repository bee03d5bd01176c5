// Types for mqtt-tls-only.mjs (plain JavaScript, loaded by agent/scripts/build.mjs without a TypeScript loader).
import type { Plugin } from 'esbuild';
export declare const REPLACED_TRANSPORTS: readonly string[];
export declare function mqttTlsOnly(): { plugin: Plugin; replaced: () => string[] };
