// Entry of the thread that times the stock cpu backend for `penx bench` (TypeScript through tsx).
import { register } from 'tsx/esm/api';

register();
await import('./bench-cpu-main.ts');
