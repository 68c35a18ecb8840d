// Entry of a shard worker thread: TypeScript sources run through tsx, as the CLI does.
import { register } from 'tsx/esm/api';

register();
await import('./worker-main.ts');
