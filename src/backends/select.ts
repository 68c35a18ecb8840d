/**
 * Choosing the TensorFlow.js backend:
 *
 *   auto ──► tensorflow   when @tensorflow/tfjs-node loads (native libtensorflow)
 *        └─► onnxruntime  when onnxruntime-node loads: ONNX Runtime's CPU kernels for the convolutions
 *                           and matrix products, TF.js's cpu kernels for the rest (src/backends/onnxruntime/);
 *                           cores used as data (shard workers, one ORT thread each) or threads (ORT's own)
 *        └─► wasm         XNNPACK, this project's training kernels; cores used as
 *                           data    (default) single-threaded wasm here + (threads − 1) shard
 *                                   workers, each batch cut among them (src/parallel/)
 *                           threads wasm's own threaded build, one process-wide thread pool
 *        └─► cpu          pure JavaScript, about a day per MNIST epoch: warned loudly
 */
import { createRequire } from 'node:module';
import os from 'node:os';
import { errorLine } from '../error-line.ts';
import { UsageError } from '../errors.ts';
import { registerWasmTrainingKernels } from '../kernels/index.ts';
import { tf } from '../tf.ts';
import { importClassModules } from '../user-modules/index.ts';
import { silenceCpuAdvert } from './advert.ts';
import { BACKENDS, ORT_BACKEND, PARALLEL_MODES, type ParallelMode } from './choices.ts';
import { registerThreadedWasm } from './wasm-threads.ts';

export { BACKENDS, type BackendChoice, PARALLEL_MODES, type ParallelMode } from './choices.ts';

/** The backend `selectBackend` started: its name, its threads and how they share the work. */
export interface BackendInfo {
  /** The backend in use: tensorflow, onnxruntime, wasm or cpu. */
  readonly name: string;
  /** Threads computing each batch, in all. */
  readonly threads: number;
  /** How the threads share the work: `data` (shard workers) or `threads` (the backend's own). */
  readonly parallel: ParallelMode;
  /** Shard worker threads to start for data-parallel training (threads − 1 with `data`, else 0). */
  readonly workers: number;
  /** The file URLs of the modules `classModules` named (when it named any), for the shard workers to import. */
  readonly classModules?: readonly string[];
  /** Why `auto` fell back, or what to know about this backend. */
  readonly note?: string;
}

/** `selectBackend`'s options: how many threads, and how they share the work. */
export interface BackendOptions {
  /** Threads for the wasm and onnxruntime backends; default: one per core. */
  readonly threads?: number;
  /** How they use them; default `data`, which measures faster on this project's model. */
  readonly parallel?: ParallelMode;
  /**
   * Your modules that register layer classes (`tf.serialization.registerClass`) a model you train
   * uses, each a path (relative to the working directory) or a file URL: a shard worker imports them,
   * and the modules this process imported through the library (`importDefaultExport`, `loadPenalty`,
   * …), before it rebuilds a model whose JSON names a class it does not know. They are imported here
   * first, before any backend starts: one that is no file, or fails to import (a syntax error, an import
   * it lacks…), is refused with a UsageError naming it and saying its own error, rather than leave
   * training on one thread; one that imports here but fails in a worker leaves the model on one thread,
   * the note naming it and why. They stay with the backend (`currentBackend()`) until the next selection.
   *
   * @example
   * import './my-layers.ts';   // registers MyLayer here
   * await selectBackend('wasm', { threads: 2, classModules: [new URL('./my-layers.ts', import.meta.url)] });
   */
  readonly classModules?: readonly (string | URL)[];
}

const require = createRequire(import.meta.url);
let current: BackendInfo | undefined;

function tfjsNodeLoads(): boolean {
  try {
    require('@tensorflow/tfjs-node');
    return true;
  } catch {
    return false;
  }
}

/** Start the onnxruntime backend; the reason it did not load, or undefined when it did. */
async function startOrt(threads: number, parallel: ParallelMode): Promise<string | undefined> {
  try {
    // Loaded on first use: ONNX Runtime's binding and the ONNX schema cost nothing to other backends.
    const { startOnnxruntime } = await import('./onnxruntime/index.ts');
    await startOnnxruntime({ intraOp: parallel === 'data' ? 1 : threads, spinning: false });
    return undefined;
  } catch (e) {
    return `onnxruntime-node did not load (${errorLine(e)})`;
  }
}

function ortInfo(threads: number, parallel: ParallelMode, note?: string): BackendInfo {
  return { name: ORT_BACKEND, threads, parallel, workers: parallel === 'data' ? threads - 1 : 0, ...(note ? { note: `${note}; using onnxruntime` } : {}) };
}

async function startWasm(threads: number): Promise<boolean> {
  require('@tensorflow/tfjs-backend-wasm');
  registerWasmTrainingKernels();
  if (threads > 1) registerThreadedWasm(threads);
  try {
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

/**
 * Select and initialise a backend; throws a UsageError for an unknown or unavailable choice, or a
 * class module that is no file or fails to import (before any backend starts). Once a backend is up
 * it stays for the process (switching would re-start the wasm module); `currentBackend()` gives this
 * answer, class modules and all, until the next selection.
 */
export async function selectBackend(choice: string = 'auto', options: BackendOptions = {}): Promise<BackendInfo> {
  const classModules = await importClassModules(options.classModules ?? [], process.cwd(), 'classModules');
  // The last selection's class modules are not this one's.
  const { classModules: _earlier, ...info } = await startBackend(choice, options);
  current = classModules.length ? { ...info, classModules } : info;
  return current;
}

/** The backend `selectBackend` chose, started (see there). */
async function startBackend(choice: string, options: BackendOptions): Promise<BackendInfo> {
  if (!(BACKENDS as readonly string[]).includes(choice)) {
    throw new UsageError(`unknown backend '${choice}'; expected one of ${BACKENDS.join(', ')}`);
  }
  const threads = options.threads ?? os.availableParallelism();
  if (!Number.isInteger(threads) || threads < 1) throw new UsageError(`threads must be a whole number ≥ 1, got ${threads}`);
  const parallel = options.parallel ?? 'data';
  if (!(PARALLEL_MODES as readonly string[]).includes(parallel))
    throw new UsageError(`unknown parallel mode '${parallel}'; expected one of ${PARALLEL_MODES.join(', ')}`);
  if (current && (choice === 'auto' || choice === current.name)) {
    // ONNX Runtime takes new thread settings for the sessions it makes from now on.
    if (current.name === ORT_BACKEND && !(await startOrt(threads, parallel))) return (current = ortInfo(threads, parallel));
    await tf.setBackend(current.name);
    if (current.name === 'wasm') {
      // The wasm module is built once per process, threaded or not: a request it cannot honour is refused.
      if (parallel !== current.parallel) {
        throw new UsageError(`the wasm backend already runs with parallel '${current.parallel}' in this process; parallel '${parallel}' needs a new process`);
      }
      if (parallel === 'threads' && threads !== current.threads) {
        throw new UsageError(`the wasm backend already runs ${current.threads} threads in this process; ${threads} threads need a new process`);
      }
    }
    // Data-parallel runs single-threaded here, so only the worker count changes.
    if (current.parallel === 'data' && parallel === 'data') current = { ...current, threads, workers: threads - 1 };
    return current;
  }
  let note: string | undefined;
  if (choice === 'tensorflow' || choice === 'auto') {
    if (tfjsNodeLoads() && (await tf.setBackend('tensorflow')))
      return (current = { name: 'tensorflow', threads: os.availableParallelism(), parallel: 'threads', workers: 0 });
    if (choice === 'tensorflow') {
      throw new UsageError(
        `backend 'tensorflow' is unavailable: @tensorflow/tfjs-node did not load (its libtensorflow is not installed); use backend 'auto' or 'wasm'`,
      );
    }
    note = '@tensorflow/tfjs-node is not available';
  }
  if (choice === 'onnxruntime' || choice === 'auto') {
    const failed = await startOrt(threads, parallel);
    if (!failed) return (current = ortInfo(threads, parallel, note));
    if (choice === 'onnxruntime') throw new UsageError(`backend 'onnxruntime' is unavailable: ${failed}; use backend 'auto' or 'wasm'`);
    note = note ? `${note}; ${failed}` : failed;
  }
  if (choice === 'wasm' || choice === 'auto') {
    if (await startWasm(parallel === 'data' ? 1 : threads)) {
      const noted = note ? { note: `${note}; using wasm` } : {};
      if (parallel === 'data') return (current = { name: 'wasm', threads, parallel, workers: threads - 1, ...noted });
      const actual = (require('@tensorflow/tfjs-backend-wasm') as { getThreadsCount(): number }).getThreadsCount();
      return (current = { name: 'wasm', threads: actual, parallel, workers: 0, ...noted });
    }
    if (choice === 'wasm') throw new UsageError(`backend 'wasm' failed to initialise`);
    note = `${note ?? ''}; wasm did not start`;
  }
  await tf.setBackend('cpu');
  // The cpu backend prints an advert for tfjs-node on first use; we say it plainly instead.
  silenceCpuAdvert();
  current = {
    name: 'cpu',
    threads: 1,
    parallel: 'threads',
    workers: 0,
    ...(choice === 'auto' ? { note: `WARNING: ${note}; training on the pure-JavaScript cpu backend is very slow (about a day per MNIST epoch)` } : {}),
  };
  return current;
}

/** The backend chosen by `selectBackend` (its whole answer, `classModules` too), if any. */
export function currentBackend(): BackendInfo | undefined {
  return current;
}
