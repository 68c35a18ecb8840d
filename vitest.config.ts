import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';

// .ci/run sets PENX_TEST_JSON to a path to get machine-readable counts next to the usual output.
const json = process.env.PENX_TEST_JSON;
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

const TF_MODULE = source('./src/tf.ts');
const TF_REQUIRE = source('./src/tf-require.ts');

/**
 * The sources' TF.js by `require` in tests, as the built ES modules take it under Node (`#tf`,
 * tsdown.config.mjs): every import of src/tf.ts (the library's, test/setup.ts's) is src/tf-require.ts.
 * An ES import of TF.js's CommonJS has Node lex it and every package it re-exports for their names,
 * ~0.3 s of CPU in each test file (test/setup.ts loads TF.js for all of them). The module is the one
 * a test's own `import * as tf from '@tensorflow/tfjs'` gets (Node's one CommonJS cache): one engine.
 */
const tfByRequire: Plugin = {
  name: 'tf-by-require',
  enforce: 'pre',
  resolveId: (id, importer) => (importer && /(^|\/)tf\.ts$/.test(id) && resolve(dirname(importer), id) === TF_MODULE ? TF_REQUIRE : null),
};

export default defineConfig({
  plugins: [tfByRequire],
  resolve: {
    // The app and the examples import the library by its name, as a user's code would: in tests, its sources.
    alias: [
      { find: /^penalty-explorer$/, replacement: source('./src/index.ts') },
      { find: /^penalty-explorer\/node$/, replacement: source('./src/node.ts') },
      { find: /^penalty-explorer\/viz$/, replacement: source('./src/viz/index.ts') },
      { find: /^penalty-explorer\/errors$/, replacement: source('./src/errors.ts') },
      { find: /^penalty-explorer\/spec$/, replacement: source('./src/spec.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    // Three files at a time, whatever the core count: the slow files wait on `penx` subprocesses,
    // sleeps and polls (start-up, files, a second process); with two, the suite kept 1.5 of 2 cores busy.
    maxWorkers: Number(process.env.PENX_TEST_WORKERS ?? 3),
    ...(json ? { reporters: ['default', 'json'], outputFile: { json } } : {}),
  },
});
