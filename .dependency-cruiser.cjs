/**
 * The boundaries of the code base, checked by `npm test` (dependency-cruiser):
 *
 *   no import cycles, between files or between folders
 *   every folder entered through its index.ts: from outside a folder, only its index.ts is imported
 *   the browser-safe entries (src/index.ts, src/viz/index.ts, src/errors.ts, src/spec.ts) reach nothing
 *   of Node and no Node-only package; src/errors.ts and src/spec.ts reach no TF.js (penx checks its
 *   flags with them before TF.js loads); src/viz/ reaches no TF.js and imports only the record formats, the
 *   registry and the errors; the browser pages (src/viz/pages/) the same
 *   Node-only folders (run folders, locks, checkpoints, rendering to files, backends, workers,
 *   user modules, files, the dashboard's server) only behind penalty-explorer/node
 *   the library never imports the app; the app imports the library by its package entries only
 *
 * Excluded, and why: the files inside src/backends/onnxruntime/ may import each other directly
 * (that backend groups its internals by its own plan: runtime/, kernels/, graphs/, onnx/, fused/);
 * it is entered through its own index.ts from outside, and what it uses of other folders it
 * imports from their index.ts. Inside it, circles closed only by `import type` are allowed (none
 * runs at load time); a run-time circle is not.
 */
const { builtinModules } = require('node:module');

const CORE = `^(node:)?(${builtinModules.map((m) => m.replace(/[/]/g, '\\/')).join('|')})$`;
/** Packages only Node can load: a browser-safe module must not reach them. */
const NODE_PACKAGES =
  '^node_modules/(send|tsx|esbuild|@resvg|dejavu-fonts-ttf|onnxruntime-node|@tensorflow/tfjs-node|@tensorflow/tfjs-backend-wasm|protobufjs|onnx-buf|@bufbuild)/';
/** Library folders that need Node. */
const NODE_FOLDERS = ['folders', 'render', 'serve', 'backends', 'parallel', 'user-modules', 'io'];
const BROWSER_ENTRIES = '^src/(index|errors|spec|viz/index)\\.ts$';
/** Internals that may reach past their subfolders' entries (see above). */
const UNGUARDED = '^src/backends/onnxruntime/';

/**
 * "Enter every folder through its index.ts", one rule per depth: an import from a file in
 * `P/A/…` (or directly in `P/`) into another subfolder `P/B/` of the same folder must name
 * `P/B/index.ts`. `$n` are the groups of `from.path`.
 */
function throughIndex(depth) {
  const prefix = Array.from({ length: depth }, (_, i) => `([^/]+)/`).join('');
  const here = Array.from({ length: depth }, (_, i) => `$${i + 1}/`).join('');
  const own = `$${depth + 1}`;
  return [
    {
      name: `enter-folders-through-index-${depth}`,
      comment: 'A folder is entered through its index.ts: import what it offers from there, not a file past it.',
      severity: 'error',
      from: { path: `^src/${prefix}([^/]+)/`, pathNot: UNGUARDED },
      to: { path: `^src/${here}(?!${own}/)[^/]+/`, pathNot: [`^src/${here}[^/]+/index\\.ts$`] },
    },
    {
      name: `enter-folders-through-index-${depth}-files`,
      comment: 'A folder is entered through its index.ts: import what it offers from there, not a file past it.',
      severity: 'error',
      from: { path: `^src/${prefix}[^/]+$`, pathNot: UNGUARDED },
      to: { path: `^src/${here}[^/]+/`, pathNot: [`^src/${here}[^/]+/index\\.ts$`] },
    },
  ];
}

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Files must not import each other in a circle.',
      severity: 'error',
      from: { pathNot: UNGUARDED },
      to: { circular: true },
    },
    {
      name: 'no-circular-onnxruntime',
      comment: 'Inside the onnxruntime backend, no file imports another in a circle at run time (a circle closed only by type imports is left to its rewrite).',
      severity: 'error',
      from: { path: UNGUARDED },
      to: { circular: true, viaOnly: { dependencyTypesNot: ['type-only'] } },
    },
    {
      name: 'no-circular-folders',
      comment: 'Folders must not import each other in a circle: each sits on its own level of the data path.',
      severity: 'error',
      scope: 'folder',
      from: { path: '^(src|mnist-demo)/', pathNot: UNGUARDED },
      to: { circular: true },
    },
    ...[0, 1, 2, 3].flatMap(throughIndex),
    {
      name: 'onnxruntime-enters-other-folders-through-index',
      comment: "The onnxruntime backend groups its internals as it likes; what it uses of the rest of the library, it imports from the folders' index.ts.",
      severity: 'error',
      from: { path: UNGUARDED },
      to: { path: '^src/(?!backends/onnxruntime/)[^/]+/', pathNot: ['^src/[^/]+/index\\.ts$', '^src/backends/[^/]+\\.ts$'] },
    },
    {
      name: 'browser-entries-reach-no-node',
      comment: 'penalty-explorer, penalty-explorer/viz, penalty-explorer/errors and penalty-explorer/spec run in a browser: nothing of Node behind them.',
      severity: 'error',
      from: { path: BROWSER_ENTRIES },
      to: { path: [CORE, NODE_PACKAGES], reachable: true },
    },
    {
      name: 'browser-entries-reach-no-node-folders',
      comment: 'Node-only parts are offered by penalty-explorer/node only.',
      severity: 'error',
      from: { path: BROWSER_ENTRIES },
      to: { path: `^src/(${NODE_FOLDERS.join('|')})/`, reachable: true },
    },
    {
      name: 'light-entries-reach-no-tfjs',
      comment: 'penalty-explorer/errors and penalty-explorer/spec load no TF.js: penx checks the flags it was given with them before the library loads.',
      severity: 'error',
      from: { path: '^src/(errors|spec)\\.ts$' },
      to: { path: '^node_modules/@tensorflow/', reachable: true },
    },
    {
      name: 'viz-reaches-no-tfjs',
      comment: 'Figures and pages are drawn from records: TF.js is not needed to draw them.',
      severity: 'error',
      from: { path: '^src/viz/' },
      to: { path: '^node_modules/@tensorflow/', reachable: true },
    },
    {
      name: 'viz-depends-on-formats-only',
      comment: 'src/viz/ reads run records: it imports the record formats, the registry (spec text) and the errors, nothing else of the library.',
      severity: 'error',
      from: { path: '^src/viz/' },
      to: { path: '^src/', pathNot: ['^src/(viz|formats|registry)/', '^src/errors\\.ts$'] },
    },
    {
      name: 'pages-reach-no-node',
      comment: 'The browser pages are bundled for the browser.',
      severity: 'error',
      from: { path: '^src/viz/pages/' },
      to: { path: [CORE, NODE_PACKAGES, '^node_modules/vega-lite/', '^node_modules/vega/'], dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'library-never-imports-the-app',
      severity: 'error',
      from: { path: '^src/' },
      to: { path: '^mnist-demo/' },
    },
    {
      name: 'app-imports-package-entries-only',
      comment: 'The app (penx) uses the library as its users do: penalty-explorer, /node, /viz, /errors, /spec.',
      severity: 'error',
      from: { path: '^mnist-demo/' },
      to: { path: '^src/', pathNot: '^src/(index|node|errors|spec|viz/index)\\.ts$' },
    },
    {
      name: 'app-imports-by-package-name',
      comment: 'Not by a relative path into src/: by its name, as a user would.',
      severity: 'error',
      from: { path: '^mnist-demo/' },
      to: { path: '^src/', dependencyTypesNot: ['aliased'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: ['^(src|mnist-demo)/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default', 'types'],
      extensions: ['.ts', '.mts', '.js', '.mjs', '.cjs', '.json'],
    },
    cache: false,
  },
};
