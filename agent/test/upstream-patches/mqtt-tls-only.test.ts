import { resolve } from 'node:path';
import { build, type Metafile } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { REPLACED_TRANSPORTS, mqttTlsOnly } from '../../src/upstream-patches/mqtt-tls-only.mjs';

const REPO = resolve(import.meta.dirname, '..', '..', '..');
/** Packages only mqtt.js's WebSocket and SOCKS transports bring. */
const TRANSPORT_PACKAGES = /node_modules\/(ws|socks|ip-address)\//;

/** Bundles mqtt.js's connect() as the agent build does, with or without the plugin. */
async function bundleMqtt(plugins: Parameters<typeof build>[0]['plugins']): Promise<{ inputs: string[]; code: string }> {
  const result = await build({
    absWorkingDir: REPO,
    stdin: { contents: "export { connect } from 'mqtt';", resolveDir: REPO, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    write: false,
    metafile: true,
    logLevel: 'silent',
    plugins,
  });
  return { inputs: Object.keys((result.metafile as Metafile).inputs), code: result.outputFiles[0]?.text ?? '' };
}

describe('the mqtt.js TLS-only bundle patch', () => {
  it('still applies: it replaces both transports mqtt.js requires, and their packages stay out', async () => {
    const patch = mqttTlsOnly();
    const { inputs, code } = await bundleMqtt([patch.plugin]);
    expect(patch.replaced()).toEqual([...REPLACED_TRANSPORTS]);
    expect(inputs.filter((input) => TRANSPORT_PACKAGES.test(input))).toEqual([]);
    expect(code).toContain('the Vigil agent connects with mqtts:// only');
  });

  it('is still needed: without it, mqtt.js pulls ws, socks and ip-address into a bundle that only connects over TLS', async () => {
    // When this fails, mqtt.js loads those transports only when used and the plugin can go.
    const { inputs } = await bundleMqtt([]);
    const packages = new Set(inputs.map((input) => TRANSPORT_PACKAGES.exec(input)?.[1]).filter(Boolean));
    expect([...packages].sort()).toEqual(['ip-address', 'socks', 'ws']);
  });
});
