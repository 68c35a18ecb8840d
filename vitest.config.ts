import { readdirSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';
import { defineConfig } from 'vitest/config';
import { importsReach, tfLoader } from './test/loads-tf.ts';

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

/**
 * Test files whose modules may be shared (folders, and single files): each worker loads TF.js and the library once and
 * runs file after file in it (`isolate: false`), where an isolated file pays ~0.6 s of CPU to load them again (measured on
 * 27 library files: 31.6 s of CPU isolated, 14.4 s shared). A file here must not depend on a fresh process:
 * test/setup.ts still runs before each (TF.js back on `cpu`), but TF.js's automatic layer names (dense_Dense1, …)
 * count on across files, a penalty or constraint a file defines stays defined, a kernel a file unregisters stays
 * unregistered, `vi.mock`, a spy left in place, the wasm backend's import and its .wasm paths stay, the onnxruntime backend's sessions and
 * pending convolutions are the process's, shard workers import the module of each layer class the process registered
 * (another file's temporary one too), and a helper's top-level hook (run-penx.ts's `afterAll`) runs for the first file
 * only. Every other file (the command line, servers, pages, sweeps, test/parallel) runs isolated, as does a new folder
 * until it is added here.
 */
const SHARED_PATHS = [
  'test/backends',
  'test/constraints',
  'test/data',
  'test/doc-comments.test.ts',
  'test/doc-examples.test.ts',
  'test/examples',
  'test/folders',
  'test/formats',
  'test/io',
  'test/kernels',
  'test/model',
  'test/models',
  'test/monitor',
  'test/optim',
  'test/penalties',
  'test/registry',
  'test/render',
  'test/training',
  'test/user-modules',
  'test/viz',
  'test/words.test.ts',
];
const SHARED = SHARED_PATHS.map((path) => (path.endsWith('.test.ts') ? path : `${path}/**/*.test.ts`));

/** Files of those paths that need a process of their own. */
const OWN_PROCESS = [
  // They assert TF.js's first automatic names (dense_Dense1/kernel, …).
  'test/constraints/builtins.test.ts',
  'test/optim/optimizers.test.ts',
  'test/folders/resume-names.test.ts',
  'test/penalties/attach-names.test.ts',
  // They define penalties or constraints of their own (one name defined differently by two files is refused), or
  // go over every one defined (another file's would be among them).
  'test/backends/onnxruntime-fused.test.ts',
  'test/backends/wasm-coverage.test.ts',
  'test/io/portable.test.ts',
  'test/monitor/nan-weights.test.ts',
  'test/optim/prox.test.ts',
  'test/penalties/curve.test.ts',
  'test/penalties/probe-gradient.test.ts',
  'test/penalties/probe-weights.test.ts',
  'test/penalties/roundtrip.test.ts',
  'test/penalties/user.test.ts',
  'test/registry/parse.test.ts',
  'test/registry/spec-check.test.ts',
  'test/registry/user-code.test.ts',
  // It checks that registering before the wasm backend's import throws.
  'test/kernels/register-before-wasm.test.ts',
  // vi.mock of a module.
  'test/backends/onnxruntime-select.test.ts',
  'test/data/idx.test.ts',
  'test/user-modules/no-tsx.test.ts',
  'test/folders/failed-start.test.ts',
  'test/folders/overwrite.test.ts',
  // They count the onnxruntime backend's sessions or its pending convolutions, which another file's add to (a kernel
  // shape another file ran has its session already; a tensor another file left unread and undisposed stays pending).
  'test/backends/onnxruntime-deferred.test.ts',
  'test/backends/onnxruntime-leaks.test.ts',
  'test/backends/onnxruntime-parity.test.ts',
  // It counts the sessions the read-back probe makes, which runs once per backend: after another file trained on onnxruntime, none.
  'test/kernels/read-back.test.ts',
  // They start shard workers (which import every layer class module this process imported, another file's temporary one too).
  'test/backends/onnxruntime-training.test.ts',
  'test/backends/wasm-parity.test.ts',
  'test/model/topology.test.ts',
  // They run `penx` (run-penx.ts).
  'test/backends/onnxruntime-resume.test.ts',
  'test/viz/cli.test.ts',
  'test/viz/multi-output.test.ts',
];

/**
 * What shows in a file's text that it needs a process of its own: it runs `penx` (run-penx.ts), mocks a
 * module, names a weight by TF.js's automatic count ('dense_Dense1/kernel'), defines a penalty, constraint,
 * transform or optimiser, lists a catalog's entries, reads which backend the library selected,
 * reads the onnxruntime backend's session count or pending convolutions, or starts shard workers. A file of a shared path
 * that does and is not in OWN_PROCESS stops the run here, naming it (a helper importing run-penx.ts is not seen).
 */
const OWN_PROCESS_SIGNS =
  /run-penx|vi\.(do)?[mM]ock\(|'[a-z0-9]+_[A-Z][A-Za-z0-9]*[0-9]+[/'"]|define(Penalty|Constraint|Transform|GradientTransform|Optimizer)\(|Catalog\.(list|names)\(|currentBackend\(|expect\(sessionCount\(|deferredOf\(|ShardedGradients\.start\(/;

/** The app and the examples import the library by its name, as a user's code would: in tests, its sources. */
const alias = [
  { find: /^penalty-explorer$/, replacement: source('./src/index.ts') },
  { find: /^penalty-explorer\/node$/, replacement: source('./src/node.ts') },
  { find: /^penalty-explorer\/viz$/, replacement: source('./src/viz/index.ts') },
  { find: /^penalty-explorer\/errors$/, replacement: source('./src/errors.ts') },
  { find: /^penalty-explorer\/spec$/, replacement: source('./src/spec.ts') },
];
const bare = (spec: string) => alias.find(({ find }) => find.test(spec))?.replacement;

/**
 * A file that sets where the wasm backend fetches its .wasm binaries (`setWasmPaths`), itself or in a module of the
 * repository it imports (a page fixture's, `setWasmPaths('/')` for the page's server; a comment's is no call): the setting stays for the
 * shared process's next files, whose wasm backend, started after it, looks for `/tfjs-backend-wasm-simd.wasm`. Such
 * a file imports a page's constants from a module of their own, or goes in OWN_PROCESS.
 */
const setsWasmPaths = importsReach(bare, (_file, text) => /^[^*/\n]*\bsetWasmPaths\(/m.test(text));

const TEST_FILES = readdirSync(source('./test'), { recursive: true, encoding: 'utf8' })
  .filter((name) => name.endsWith('.test.ts'))
  .map((name) => `test/${name}`);
const inShared = (file: string) => SHARED_PATHS.some((path) => file === path || file.startsWith(`${path}/`));
const unlisted = TEST_FILES.filter(
  (file) =>
    inShared(file) && !OWN_PROCESS.includes(file) && (OWN_PROCESS_SIGNS.test(readFileSync(source(`./${file}`), 'utf8')) || setsWasmPaths(source(`./${file}`))),
);
if (unlisted.length > 0)
  throw new Error(
    `vitest.config.ts: ${unlisted.join(', ')} need a process of their own (they run penx, mock a module, name TF.js's automatic layers, define a penalty, list a catalog, read the selected backend, count onnxruntime's sessions or pending convolutions, start shard workers, or set the wasm backend's paths, themselves or in a module they import): list them in OWN_PROCESS`,
  );

/**
 * The files of a process of their own whose imports never load TF.js (test/loads-tf.ts): most spawn `penx` and read
 * what it wrote. They run without test/setup.ts, which would load TF.js for them (~0.15 s of CPU a file: 7 of them took
 * 14.2–14.8 s of CPU with it, 13.4–13.6 s without, on a loaded machine); a file whose imports can load it (a module
 * of the library that does, `@tensorflow/…`, an `import()` of a computed name) has it.
 */
const loadsTf = tfLoader(source('.'), bare);
const WITHOUT_TF = TEST_FILES.filter((file) => (!inShared(file) || OWN_PROCESS.includes(file)) && !loadsTf(source(`./${file}`)));

/** A project's settings: the aliases, the TF.js plugin, test/setup.ts before each file (unless `setup` is false). */
const project = (name: string, { setup = true, ...test }: { include: string[]; exclude?: string[]; isolate?: boolean; setup?: boolean }) => ({
  plugins: [tfByRequire],
  resolve: { alias },
  test: { name, setupFiles: setup ? ['test/setup.ts'] : [], testTimeout: 60_000, ...test },
});

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    // Three files at a time, whatever the core count: the slow files wait on `penx` subprocesses,
    // sleeps and polls (start-up, files, a second process); with two, the suite kept 1.5 of 2 cores busy.
    maxWorkers: Number(process.env.PENX_TEST_WORKERS ?? 3),
    // The global setup only at the top: a project's own would run it again (another TMPDIR, another build check).
    projects: [
      project('shared', { include: SHARED, exclude: OWN_PROCESS, isolate: false }),
      project('isolated', { include: ['test/**/*.test.ts'], exclude: [...SHARED, ...WITHOUT_TF] }),
      project('own-process', { include: OWN_PROCESS, exclude: WITHOUT_TF }),
      project('without-tf', { include: WITHOUT_TF, setup: false }),
    ],
    ...(json ? { reporters: ['default', 'json'], outputFile: { json } } : {}),
  },
});
