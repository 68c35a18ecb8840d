/**
 * The build (tsdown) of the repository's two packages:
 *
 *   src/dist/          penalty-explorer (the library)
 *     index, viz, node, errors    ES modules (.mjs) + CommonJS (.cjs) + type declarations (.d.mts, .d.cts)
 *     worker                      the shard workers' thread script, found next to the module that starts it
 *   mnist-demo/dist/   penx (the app)
 *     cli                         the `penx` command
 *     bench-cpu-worker            the thread that times the stock cpu backend
 *
 * The app imports the library by its package name, so it is never bundled into the app: both run
 * one copy of the library (the workspace links node_modules/penalty-explorer to src/). The ES
 * modules of the library's entries share chunks. Dependencies (TF.js, vega, …) stay external.
 * Files are overwritten in place (`prepare`, run by `npm ci`, builds), so a command running from
 * dist/ while it is rebuilt never finds it empty. The library's package also gets the README and
 * LICENSE (copied into src/, where npm packs them).
 */
import { copyFileSync } from 'node:fs';
import { defineConfig } from 'tsdown';

/** @type {import('tsdown').UserConfig} */
const shared = { platform: 'node', target: 'node20', outDir: 'dist', shims: true, clean: false, sourcemap: false, fixedExtension: true, tsconfig: '../tsconfig.json', logLevel: 'warn' };
const library = { ...shared, cwd: 'src', entry: { index: 'index.ts', viz: 'viz/index.ts', node: 'node.ts', errors: 'errors.ts' } };

for (const file of ['README.md', 'LICENSE']) copyFileSync(file, `src/${file}`);

export default defineConfig([
  { ...library, entry: { ...library.entry, worker: 'parallel/worker-main.ts' }, format: 'esm', dts: false },
  { ...library, format: 'cjs', dts: true },
  { ...library, format: 'esm', dts: { emitDtsOnly: true } },
  { ...shared, cwd: 'mnist-demo', entry: { cli: 'cli/penx.ts', 'bench-cpu-worker': 'bench-cpu-main.ts' }, format: 'esm', dts: false },
]);
