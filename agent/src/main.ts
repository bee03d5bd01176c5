// Entry point of the standalone agent (agent/dist/vigil-agent.mjs, built by agent/scripts/build.mjs):
// `vigil agent ...` without a TypeScript loader and without the fleet-side code.
import { useSmallBufferPool } from './upstream-patches/small-buffer-pool.js';
import { runAgentProgram } from './cli/program.js';

useSmallBufferPool();

await runAgentProgram();
