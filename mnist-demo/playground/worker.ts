/**
 * The playground's training worker: one run per worker, so the page stays responsive and a run can
 * be stopped at once (the page terminates the worker).
 *
 *   catalog? ─► the registry's penalties, constraints, optimisers
 *   start ─► backend: webgpu › webgl › wasm (or the one asked; not one whose dataSync reads wrong
 *            numbers: the library's readBackProblem; wasm with this library's training
 *            kernels, its .wasm files next to this script, on every core for the CNN when the page
 *            is cross-origin isolated) ─► the MNIST subset (fetched, seeded
 *            subsets) ─► the model (reference CNN or MLP) with the penalty (a built-in or the code
 *            box's `mine`, probed) and constraint on every kernel ─► the library's `fit`, seeded
 *          ─► record after epoch 0 and every epoch; every N batches the weights so far; speed
 *          ─► done (the finished record) | failed (what, where; a diverged run's record with `stopped`)
 */
import { getThreadsCount, setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import '@tensorflow/tfjs-backend-webgpu';
import {
  attachToKernels,
  type CatalogEntry,
  constraint,
  constraintCatalog,
  DivergedError,
  type EpochRecord,
  type FitCallback,
  fit,
  optimizerCatalog,
  type PenaltyDefinition,
  parsePenaltySpec,
  penalty,
  penaltyCatalog,
  readBackProblem,
  registerWasmTrainingKernels,
  snapshotWeights,
  tf,
  UsageError,
} from 'penalty-explorer';
import { MNIST_CLASSES, MNIST_SHAPE, referenceModel, smallMlp } from '../model.ts';
import { fetchSubset, tensorsOf } from './data.ts';
import type { CatalogItem, FromWorker, RunSettings, ToWorker } from './protocol.ts';
import { defineUserPenalty, MINE, probeUserPenalty } from './user-penalty.ts';

/** Why a backend with a wrong read-back cannot train here (said when it was asked for by name). */
const WHY_SYNC_READS = 'the library reads its losses, penalties and evaluation that way, so the run would record wrong numbers';

const post = (message: FromWorker) => (self as unknown as { postMessage(m: FromWorker): void }).postMessage(message);
const BACKENDS = ['webgpu', 'webgl', 'wasm'] as const;
let paused = false;
let started = false;

function item(e: CatalogEntry, extra: Partial<CatalogItem> = {}): CatalogItem {
  const params = Object.fromEntries(
    Object.entries(e.params).map(([k, p]) => [k, { ...(typeof p.default === 'number' ? { default: p.default } : {}), ...(p.doc ? { doc: p.doc } : {}) }]),
  );
  return { name: e.name, formula: e.formula, doc: e.doc, params, ...extra };
}

function catalogs() {
  return {
    penalties: penaltyCatalog.list().map((e) => item(e, (e as PenaltyDefinition).prox ? { prox: true } : {})),
    constraints: constraintCatalog.list().map((e) => item(e)),
    optimizers: optimizerCatalog.list().map((e) => item(e)),
  };
}

/** True when TF.js's WebGL runs on a software renderer (SwiftShader, llvmpipe): slower than wasm. */
function softwareWebGl(): boolean {
  const gl = (tf.backend() as unknown as { gpgpu?: { gl?: WebGLRenderingContext } }).gpgpu?.gl;
  if (!gl) return false;
  const info = gl.getExtension('WEBGL_debug_renderer_info');
  const renderer = String(gl.getParameter(info ? info.UNMASKED_RENDERER_WEBGL : gl.RENDERER));
  return /swiftshader|llvmpipe|softpipe|software/i.test(renderer);
}

/** Why wasm runs on one thread of several cores: its threaded build needs memory shared between threads. */
const NOT_ISOLATED =
  'the page is not cross-origin isolated (its server sends no Cross-Origin-Opener-Policy: same-origin and Cross-Origin-Embedder-Policy: require-corp; npx penx playground does)';

/** True when the page is cross-origin isolated: memory may be shared with other threads. */
const isolated = (): boolean => (self as unknown as { crossOriginIsolated?: boolean }).crossOriginIsolated === true;

/**
 * Whether a model trains faster on wasm's threads: the CNN's convolutions do (183–189 → 258–275
 * images/s on 2 cores, Chromium, batch 64), the small MLP's products are too small for the pool's
 * hand-offs to pay (3 342–3 666 → 2 747–2 842 images/s), so it keeps one thread.
 */
const THREADED: Readonly<Record<RunSettings['model'], boolean>> = { cnn: true, mlp: false };

/**
 * tf.setBackend('wasm'), for a model that gains from threads on every core when the page is
 * cross-origin isolated (TF.js then starts its threaded build, XNNPACK over a pool of Web Workers),
 * else on one thread. That build sizes its pool as half the cores the browser reports (two
 * hyper-threads a core, it assumes): it is told twice the cores while it starts, so every core
 * gets a thread.
 */
async function setWasmBackend(model: RunSettings['model']): Promise<boolean> {
  const cores = navigator.hardwareConcurrency || 1;
  setThreadsCount(THREADED[model] ? cores : 1);
  if (!isolated() || cores < 2 || !THREADED[model]) return tf.setBackend('wasm');
  Object.defineProperty(navigator, 'hardwareConcurrency', { value: 2 * cores, configurable: true });
  try {
    return await tf.setBackend('wasm');
  } finally {
    delete (navigator as { hardwareConcurrency?: number }).hardwareConcurrency;
  }
}

/** The threads the backend in use trains on: wasm's XNNPACK pool, else 1 (the GPU backends, cpu). */
function backendThreads(): number {
  return tf.getBackend() === 'wasm' ? getThreadsCount() : 1;
}

/**
 * The backend asked for, or the first of webgpu › webgl (on a GPU) › wasm that starts; a backend
 * whose synchronous read-back is wrong (the library's `readBackProblem`, which its `fit` would refuse
 * with a ReadBackError) is passed over on auto, refused when asked for.
 */
async function startBackend(asked: RunSettings['backend'], model: RunSettings['model']): Promise<void> {
  setWasmPaths(new URL('./', self.location.href).href);
  registerWasmTrainingKernels();
  const order = asked === 'auto' ? BACKENDS : [asked];
  const tried: string[] = [];
  for (const name of order) {
    if (!(await starts(name, model))) {
      tried.push(name);
      continue;
    }
    if (asked === 'auto' && name === 'webgl' && softwareWebGl()) {
      tried.push('webgl on a software renderer');
      tf.removeBackend(name);
      continue;
    }
    const wrong = readBackProblem();
    if (wrong) {
      tf.removeBackend(name);
      if (asked !== 'auto') throw new UsageError(`backend ${name} cannot train here: ${wrong}, and ${WHY_SYNC_READS}; try backend auto`);
      tried.push(`${name}: ${wrong}`);
      continue;
    }
    const threads = backendThreads();
    const why = name === 'wasm' && threads === 1 && THREADED[model] && navigator.hardwareConcurrency > 1 && !isolated() ? NOT_ISOLATED : undefined;
    post({ type: 'backend', name, threads, ...(why ? { why } : {}), tried });
    return;
  }
  throw new UsageError(
    asked === 'auto'
      ? `no backend of ${order.join(', ')} can train in this browser (passed over: ${tried.join('; ')})`
      : `no backend of ${order.join(', ')} starts in this browser; try backend auto`,
  );
}

/** Whether the backend starts in this browser (and is made the one in use). */
async function starts(name: RunSettings['backend'], model: RunSettings['model']): Promise<boolean> {
  try {
    if (!(await (name === 'wasm' ? setWasmBackend(model) : tf.setBackend(name)))) return false;
    await tf.ready();
    return true;
  } catch {
    return false;
  }
}

/** The model with the penalty and constraint on every kernel (as `penx train` puts them). */
async function buildModel(s: RunSettings): Promise<tf.LayersModel> {
  const mine = parsePenaltySpec(s.penalty).name === MINE;
  // The user's code runs from here on: the page says so, as an endless loop in it never returns.
  if (mine) post({ type: 'checking' });
  if (mine) defineUserPenalty(s.code);
  const reg = penalty(s.penalty);
  // As penx checks a penalty module: a finite scalar on probe weights (0 among them), a finite gradient (at 0 too), the derivative of the value at the non-zero ones.
  if (mine) probeUserPenalty(reg);
  const controls = { penalty: reg, penalizeBias: false, ...(s.constraint ? { constraint: constraint(s.constraint) } : {}) };
  const built = (s.model === 'mlp' ? smallMlp : referenceModel)(MNIST_SHAPE, MNIST_CLASSES, { seed: s.seed });
  let model: tf.LayersModel;
  try {
    model = await attachToKernels(built, controls);
  } finally {
    built.dispose();
  }
  // Then, as penx checks a run's weights before training: on each kernel at its value and at 0 on each shape (the probe
  // tensors again too), refused here at the code box rather than by fit as a run that failed.
  if (mine) {
    try {
      probeUserPenalty(reg, model);
    } catch (err) {
      model.dispose();
      throw err;
    }
  }
  return model;
}

/** Live weights, speed and the record to the page while `fit` runs; waits while paused. */
function reporter(s: RunSettings): FitCallback {
  let t0 = 0;
  let aside = 0;
  return {
    onEpochBegin: () => {
      t0 = performance.now();
      aside = 0;
    },
    onBatchEnd: async (p, { model }) => {
      const seconds = (performance.now() - t0 - aside) / 1000;
      post({ type: 'speed', imagesPerSecond: (p.batch * s.batch) / seconds, epoch: p.epoch, batch: p.batch, batches: p.batches });
      if (s.every > 0 && p.batch % s.every === 0 && p.batch < p.batches) {
        const at = performance.now();
        const epoch: EpochRecord = { ...snapshotWeights(model, p.epoch, { loss: null, acc: null }), trainLoss: p.dataLoss, trainAcc: p.accuracy, seconds };
        post({ type: 'live', epoch, batch: p.batch, batches: p.batches });
        aside += performance.now() - at;
      }
      // A turn of the event loop first, so a pause sent during this batch stops before the next one.
      await new Promise((resolve) => setTimeout(resolve, 0));
      if (paused) post({ type: 'paused' });
      while (paused) await new Promise((resolve) => setTimeout(resolve, 50));
    },
    onEpochEnd: (_epoch, record) => post({ type: 'record', record }),
  };
}

async function run(s: RunSettings): Promise<void> {
  let where: 'penalty' | 'settings' | 'training' = 'settings';
  try {
    const [subset] = await Promise.all([fetchSubset(self.location.href), startBackend(s.backend, s.model)]);
    const h = subset.header;
    if (s.train > h.train || s.test > h.test)
      throw new UsageError(`the playground bundles ${h.train} training and ${h.test} test images; ask for at most that many`);
    where = 'penalty';
    const model = await buildModel(s);
    where = 'training';
    const train = tensorsOf(subset.trainImages, subset.trainLabels, h.train, s.train, s.seed, h);
    const test = tensorsOf(subset.testImages, subset.testLabels, h.test, s.test, s.seed + 1, h);
    // No modelSource: the model is built here from the seed (its name says which, reference_cnn or small_mlp),
    // so the record calls epoch 0 untrained (initialWords), as penx train's reference model; a source is a
    // module's or a saved model's, which may come trained.
    const record = await fit(model, train, {
      epochs: s.epochs,
      batchSize: s.batch,
      seed: s.seed,
      optimizer: s.optimizer,
      loss: 'categoricalCrossentropy',
      validationData: test,
      name: s.name,
      callbacks: [reporter(s)],
      info: {
        data: `${h.source}; ${s.train} of its ${h.train} training and ${s.test} of its ${h.test} test images (seed ${s.seed})`,
        backend: tf.getBackend(),
        threads: backendThreads(),
        parallel: 'threads',
      },
    });
    post({ type: 'done', record });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // A run that diverged: its record says where it stopped and why, as penx train writes it.
    post({ type: 'failed', message, where, ...(err instanceof DivergedError ? { record: err.record } : {}) });
  }
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  if (m.type === 'catalog') post({ type: 'catalog', catalogs: catalogs() });
  else if (m.type === 'pause') paused = true;
  else if (m.type === 'resume') paused = false;
  else if (m.type === 'start' && !started) {
    started = true;
    void run(m.settings);
  }
};
