/**
 * TF.js for the library's ES modules under Node: `#tf` (src/package.json `imports`) under the
 * `node` condition; elsewhere (browsers, and bundlers: their `module` condition comes first) `#tf` is `tf.ts`, a
 * plain ES import. The ES
 * module build (tsdown.config.mjs) points every import of `tf.ts` to `#tf`; the tests
 * (vitest.config.ts) and the shard workers run from the sources (parallel/worker.mjs) to this file;
 * other runs of the sources, the CommonJS build and the type declarations use `tf.ts` as it is.
 *
 * `@tensorflow/tfjs` is CommonJS under Node (its `main`, dist/tf.node.js). An ES `import` of it
 * gets the module `require` gets, behind a namespace whose names Node first finds by lexing it and
 * every package it re-exports (~0.2 s of CPU in each process and worker thread); `require` skips that.
 *
 *   import * as ns from '@tensorflow/tfjs'  →  ns.add === tf.add, ns.default === tf (same engine, same registry)
 */
import { createRequire } from 'node:module';
import type * as TF from '@tensorflow/tfjs';

/**
 * TensorFlow.js, `require('@tensorflow/tfjs')`: the module object a user's own `import` or `require` of it shares.
 * Under Node an ES module makes its `require` from its URL; bundled into CommonJS for Node (a bundler taking `#tf`'s
 * `node` side, e.g. esbuild with conditions of its own), `import.meta` is empty but the bundle has a `require`,
 * whose plain call the bundler follows as it does the user's import of TF.js (one TF.js in the bundle).
 *
 *   node, ES module: createRequire(import.meta.url)('@tensorflow/tfjs') · CommonJS bundle: require('@tensorflow/tfjs')
 */
export const tf: typeof TF = typeof import.meta.url === 'string' ? createRequire(import.meta.url)('@tensorflow/tfjs') : require('@tensorflow/tfjs');
