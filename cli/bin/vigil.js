#!/usr/bin/env node
// The fleet side runs the TypeScript sources directly (tsx), so there is no build step between a
// checkout and a running fleet. `vigil agent ...` runs the prebuilt agent bundle instead
// (agent/dist/vigil-agent.mjs, made by `npm install`), when it is current: the agent then carries no
// TypeScript loader and no fleet-side code. Without a current bundle, or with
// VIGIL_AGENT_FROM_SOURCES=1, it runs the agent's sources, with the same behaviour and messages.
import { pathToFileURL } from 'node:url';

const bundle = process.argv[2] === 'agent' && !process.env.VIGIL_AGENT_FROM_SOURCES ? await currentAgentBundle() : undefined;
if (bundle) {
  await import(pathToFileURL(bundle).href);
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('../src/main.ts');
}

/** The bundle's path when it is built from the sources as they are now; a stale one is ignored. */
async function currentAgentBundle() {
  const { bundleStatus, applyRuntimeFlags } = await import('../../agent/scripts/bundle.mjs');
  const status = bundleStatus();
  if (!status.current) {
    if (process.env.VIGIL_LOG_LEVEL === 'debug' || process.env.VIGIL_LOG_LEVEL === 'trace')
      console.error(`vigil: agent bundle ${status.reason}; running the sources`);
    return undefined;
  }
  applyRuntimeFlags();
  return status.path;
}
