import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// .ci/run sets PENX_TEST_JSON to a path to get machine-readable counts next to the usual output.
const json = process.env.PENX_TEST_JSON;

export default defineConfig({
  resolve: {
    // Examples import the package by its name, as a user's code would.
    alias: { 'penalty-explorer': fileURLToPath(new URL('./src/index.ts', import.meta.url)) },
  },
  test: {
    include: ['test/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    ...(json ? { reporters: ['default', 'json'], outputFile: { json } } : {}),
  },
});
