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
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    // Two files at a time, whatever the core count: most of the slow files wait on `penx` subprocesses
    // (start-up, files, a second process), which leaves room for a second file on two cores.
    maxWorkers: Number(process.env.PENX_TEST_WORKERS ?? 2),
    ...(json ? { reporters: ['default', 'json'], outputFile: { json } } : {}),
  },
});
