// One shutdown routine for every vigil process; it lives with the agent, whose bundle needs it
// without the rest of the CLI.
export { onShutdown } from '@vigil/agent';
