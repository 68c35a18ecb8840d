import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// .ci/run sets PENX_TEST_JSON to a path to get machine-readable counts next to the usual output.
const json = process.env.PENX_TEST_JSON;
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
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
