/**
 * The build (tsdown): dist/ holds
 *   index, viz, node     ES modules (.mjs) + CommonJS (.cjs) + type declarations (.d.mts, .d.cts)
 *   cli                  the `penx` command
 *   worker, fused-worker, bench-cpu-worker   worker-thread scripts, found next to the modules that start them
 * The ES modules of all entries share chunks, so the command and a user's module importing the
 * package use one copy of the library. Dependencies (TF.js, vega, …) stay external. Files are
 * overwritten in place (`prepare`, run by `npm ci`, removes dist/ first), so a
 * command running from dist/ while it is rebuilt never finds it empty.
 */
import { defineConfig } from 'tsdown';

/** @type {import('tsdown').UserConfig} */
const shared = { platform: 'node', target: 'node20', outDir: 'dist', shims: true, clean: false, sourcemap: false, fixedExtension: true };
const library = { index: 'src/index.ts', viz: 'src/viz/index.ts', node: 'src/node.ts' };

export default defineConfig([
  {
    ...shared,
    entry: { ...library, worker: 'src/parallel/worker-main.ts', 'fused-worker': 'src/backends/onnxruntime/fused/worker-main.ts', cli: 'mnist-demo/bin/penx.ts', 'bench-cpu-worker': 'mnist-demo/bench-cpu-main.ts' },
    format: 'esm',
    dts: false,
  },
  { ...shared, entry: library, format: 'cjs', dts: true },
  { ...shared, entry: library, format: 'esm', dts: { emitDtsOnly: true } },
]);
