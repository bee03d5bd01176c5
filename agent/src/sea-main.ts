// Entry point of the self-contained agent executable (dist/agent/vigil-agent-*, built by
// agent/scripts/package.mjs): `vigil-agent [check|enroll|install|uninstall] ...` is
// `vigil agent ...`, as with the launcher next to the bundle. CommonJS inside a Node single
// executable application, so no top-level await here.
import { runAgentProgram } from './cli/program.js';
import { useSmallBufferPool } from './upstream-patches/small-buffer-pool.js';

useSmallBufferPool();

// A single executable's argv is [executable, executable, ...arguments]; --version is the program's own.
const [executable = process.execPath, , ...rest] = process.argv;
const version = rest[0] === '--version' || rest[0] === '-V';
void runAgentProgram([executable, executable, ...(version ? [] : ['agent']), ...rest]);
