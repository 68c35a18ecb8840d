// Entry of a fused-graph worker thread from the sources: TypeScript through tsx (the build has its own, dist/fused-worker.mjs).
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
