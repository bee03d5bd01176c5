/**
 * Upstream patch (build time): mqtt.js's WebSocket and SOCKS transports, left out of the agent
 * bundle. An esbuild plugin, used by agent/scripts/build.mjs; plain JavaScript because the build
 * runs without a TypeScript loader.
 *
 * What: in the bundle, mqtt.js's `require('./ws')` and `require('./socks')` from
 * mqtt/build/lib/connect/ resolve to a stub that throws if it is ever called.
 * Why: mqtt.js requires both transports statically (connect/index.js requires ./ws when it builds
 * its protocol table on the first connect, whatever the URL; tls.js and tcp.js require ./socks),
 * which brings the ws, socks and ip-address packages, zlib and dns into every agent. The agent's
 * config accepts only mqtts:// URLs and sets no proxy, so neither is ever used.
 * Upstream: none filed (SOCKS support came with mqttjs/MQTT.js#1966, loaded unconditionally).
 * Checked against: mqtt 5.16.0, esbuild 0.28.
 * Still applies / still needed while: agent/test/upstream-patches/mqtt-tls-only.test.ts passes:
 * it fails when the plugin no longer matches what mqtt.js requires (the build also warns), or
 * when mqtt.js stops pulling those packages in by itself.
 */

/** The folder of mqtt.js the requires come from: matching a path inside mqtt.js is the patch. */
const MQTT_CONNECT_DIR = /[\\/]mqtt[\\/]build[\\/]lib[\\/]connect$/;
export const REPLACED_TRANSPORTS = ['./socks', './ws'];

/**
 * The plugin, and which transports it replaced in the last build: the caller warns when one of
 * REPLACED_TRANSPORTS is missing, as the patch then no longer applies.
 */
export function mqttTlsOnly() {
  const replaced = new Set();
  /** @type {import('esbuild').Plugin} */
  const plugin = {
    name: 'vigil-mqtt-tls-only',
    setup(build) {
      build.onStart(() => replaced.clear());
      build.onResolve({ filter: /^\.\/(ws|socks)$/ }, (args) => {
        if (!MQTT_CONNECT_DIR.test(args.resolveDir)) return undefined;
        replaced.add(args.path);
        return { path: args.path, namespace: 'vigil-mqtt-unused' };
      });
      build.onLoad({ filter: /.*/, namespace: 'vigil-mqtt-unused' }, (args) => ({
        loader: 'js',
        contents: `const unsupported = () => { throw new Error('the Vigil agent connects with mqtts:// only (no ${args.path.slice(2)} transport in the agent bundle)'); };
module.exports = { default: unsupported, streamBuilder: unsupported, browserStreamBuilder: unsupported };`,
      }));
    },
  };
  return { plugin, replaced: () => [...replaced].sort() };
}
