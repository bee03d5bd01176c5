// A worker thread starts without the parent's TypeScript loader (the CLI and vitest register theirs
// only on the main thread), so it registers tsx itself before loading the drain worker's source.
import { register } from 'tsx/esm/api';

register();
await import('./drain-worker.ts');
