// The agent commands live in the agent package, so that the standalone agent bundle
// (agent/dist/vigil-agent.mjs) and `vigil agent` run the same code with the same messages.
export { registerAgentCommands as registerAgent } from '@vigil/agent';
