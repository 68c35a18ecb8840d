/**
 * TF.js for the library's ES modules under Node: `#tf` (src/package.json `imports`) under the
 * `node` condition; elsewhere (browsers, bundlers) `#tf` is `tf.ts`, a plain ES import. The ES
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

/** TensorFlow.js, `require('@tensorflow/tfjs')`: the module object a user's own `import` or `require` of it shares. */
export const tf: typeof TF = createRequire(import.meta.url)('@tensorflow/tfjs');
