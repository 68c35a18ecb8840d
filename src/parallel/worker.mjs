// Entry of a shard worker thread: TypeScript sources run through tsx, as the CLI does. TF.js is
// taken by require, as the built worker takes it (`#tf`, src/tf-require.ts): src/tf.ts's ES import
// of TF.js's CommonJS would have Node lex it for its names, ~0.3 s of CPU in every worker.
import { register as registerHooks } from 'node:module';
import { register } from 'tsx/esm/api';

register();
const tfModule = new URL('../tf.ts', import.meta.url).href;
const tfRequire = new URL('../tf-require.ts', import.meta.url).href;
// Registered after tsx's hooks, so it runs first: src/tf.ts, as tsx resolves it, becomes src/tf-require.ts.
const hooks = `export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  return r.url === ${JSON.stringify(tfModule)} ? { ...r, url: ${JSON.stringify(tfRequire)} } : r;
}`;
registerHooks(`data:text/javascript,${encodeURIComponent(hooks)}`);
await import('./worker-main.ts');
